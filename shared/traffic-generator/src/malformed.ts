/**
 * Every kind of broken input the generator can produce, where it breaks, and what the pipeline is
 * expected to do with it: a bad row with that reason code in `bad_rows`, or a 4xx at ingest.
 * Tests iterate over this table, so a new case cannot go untested.
 */
export const MalformedCases = {
  /** An event without event_id. */
  'missing-event-id': { layer: 'event', badRow: 'INVALID_EVENT' },
  /** event_id is not a UUID. */
  'invalid-event-id': { layer: 'event', badRow: 'INVALID_EVENT' },
  /** No event_type. */
  'missing-event-type': { layer: 'event', badRow: 'INVALID_EVENT' },
  /** event_type over the wire format's 50 characters. */
  'event-type-too-long': { layer: 'event', badRow: 'INVALID_EVENT' },
  /** timestamp sent as text. */
  'timestamp-not-a-number': { layer: 'event', badRow: 'INVALID_EVENT' },
  /** 501 attributes (the limit is 500). */
  'too-many-attributes': { layer: 'event', badRow: 'INVALID_EVENT' },
  /** An attribute name over 50 characters. */
  'attribute-name-too-long': { layer: 'event', badRow: 'INVALID_EVENT' },
  /** A batch element that is not an object (a string). */
  'not-an-object': { layer: 'event', badRow: 'NOT_AN_EVENT' },
  /** The event names another app than the upload. */
  'app-id-mismatch': { layer: 'event', badRow: 'APP_ID_MISMATCH' },
  /** A device that was offline for days uploads events older than the late window. */
  'late-event': { layer: 'event', badRow: 'LATE_EVENT' },
  /** One event stamped hours ahead of the device's own upload time. */
  'future-event': { layer: 'event', badRow: 'FUTURE_EVENT' },
  /** The request body is not JSON: ingest answers 400 and nothing reaches the stream. */
  'invalid-json-body': { layer: 'request', status: 400 },
  /** A stored record that is not an envelope (storage corruption): only in raw records. */
  'corrupt-record': { layer: 'record', badRow: 'INVALID_ENVELOPE' },
  /**
   * An envelope whose body is not JSON: ingest never writes one, and v2 cannot hold one, so it is a
   * v1 envelope (the form of raw files written before v2) with a cut body string.
   */
  'body-not-json': { layer: 'record', badRow: 'INVALID_JSON' },
} as const satisfies Record<string, { layer: 'event'; badRow: string } | { layer: 'request'; status: number } | { layer: 'record'; badRow: string }>;

export type MalformedCase = keyof typeof MalformedCases;

/** The cases that break one event inside an otherwise valid upload. */
export const EVENT_CASES = (Object.keys(MalformedCases) as MalformedCase[]).filter(
  (c) => MalformedCases[c].layer === 'event' && c !== 'late-event' && c !== 'future-event',
);
