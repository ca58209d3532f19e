// What the pipeline must make of a generated upload, element by element, from what the generator
// knows it put in (its case labels, positions and profiles) and the wire format's limits — never
// from what the system under test did. The chaos harness and tests compare the warehouse with it.
import { EventLimits, PipelineConfig } from '@clickstream/contracts';
import type { GeneratedUpload } from './generator.js';
import { MalformedCases, type MalformedCase } from './malformed.js';

/** Bad-row reason codes of the cases that break one event. */
export type EventBadRowReason = Extract<(typeof MalformedCases)[MalformedCase], { layer: 'event' }>['badRow'];

export type ElementOutcome =
  /** Accepted: exactly one row in the modeled `events` table. */
  | {
      kind: 'event';
      eventId: string;
      /** `is_bot` of the row: a crawler or headless browser on a website (apps are never judged). */
      bot: boolean;
      /** `truncated` of the row: some attribute, user attribute or item value is over the wire format's limit. */
      truncated: boolean;
      /** When it happened on a true clock (epoch ms): `event_timestamp` once a skewed device clock is corrected. */
      time: number;
      /** The device clock was off (by `clockSkewMs`); processing corrects it from `upload_timestamp`. */
      clockSkewed: boolean;
    }
  /** The same event id as an earlier accepted element of this batch: deduplicated, no second row. */
  | { kind: 'duplicate'; eventId: string }
  /** Rejected: one row in `bad_rows` with this reason (and the event id it still carries, if any). */
  | { kind: 'bad-row'; case: MalformedCase; reason: EventBadRowReason; eventId: string | null };

export type UploadOutcome =
  | { accepted: true; elements: ElementOutcome[] }
  /** Refused at ingest: a 4xx and nothing stored. */
  | { accepted: false; status: number; case: MalformedCase };

export interface OutcomeOptions {
  /** The late-arrival window; the pipeline configuration's default (`lateEventWindowHours`) when absent. */
  lateWindowMs?: number;
  /** When ingest receives the upload (epoch ms); `upload.receivedAt` when absent. */
  ingestTime?: number;
}

const DEFAULT_LATE_WINDOW_MS = PipelineConfig.shape.process.parse({}).lateEventWindowHours * 3_600_000;
const VALUE_LIMIT = EventLimits.attributeValueLength;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const overLimit = (v: unknown) => typeof v === 'string' && v.length > VALUE_LIMIT;

/** Whether processing must cut a value of the event (and flag the row `truncated`). */
function hasOverlongValue(event: Json): boolean {
  if (isObject(event.attributes) && Object.values(event.attributes).some(overLimit)) return true;
  if (isObject(event.user) && Object.values(event.user).some((a) => isObject(a) && overLimit(a.value))) return true;
  return Array.isArray(event.items) && event.items.some((item) => isObject(item) && Object.values(item).some(overLimit));
}

/** The event id processing can still read from a broken element, for its bad row. */
function readableEventId(element: unknown): string | null {
  if (!isObject(element)) return null;
  const id = element.event_id;
  return typeof id === 'string' ? id : typeof id === 'number' ? String(id) : null;
}

/**
 * The outcome of every batch element of an upload (or of the request, when ingest refuses it).
 * A late session's events are late only if they happened before the window (a long offline
 * session can straddle it); the other cases are what the generator broke at `meta.malformedAt`.
 */
export function expectedOutcome(upload: GeneratedUpload, options: OutcomeOptions = {}): UploadOutcome {
  const { meta } = upload;
  const requestCase = meta.malformed.find((c) => MalformedCases[c].layer === 'request');
  if (requestCase !== undefined) {
    const spec = MalformedCases[requestCase] as { status: number };
    return { accepted: false, status: spec.status, case: requestCase };
  }
  const elements = JSON.parse(upload.body) as unknown;
  const batch = Array.isArray(elements) ? elements : [elements];
  if (batch.length !== meta.events) throw new Error(`upload ${upload.requestId}: ${batch.length} elements, meta says ${meta.events}`);
  const broken = new Map<number, MalformedCase>(meta.malformedAt.map((at, i) => [at, meta.malformed[i]!]));
  const ingestTime = options.ingestTime ?? upload.receivedAt;
  const lateBefore = ingestTime - (options.lateWindowMs ?? DEFAULT_LATE_WINDOW_MS);
  const accepted = new Set<string>();

  const outcomes = batch.map((element, i): ElementOutcome => {
    const brokenBy = broken.get(i);
    if (brokenBy !== undefined && brokenBy !== 'late-event') {
      return { kind: 'bad-row', case: brokenBy, reason: badRowOf(brokenBy), eventId: readableEventId(element) };
    }
    if (!isObject(element) || typeof element.event_id !== 'string' || typeof element.timestamp !== 'number') {
      throw new Error(`upload ${upload.requestId}: element ${i} is broken but not labelled so`);
    }
    const time = element.timestamp - meta.clockSkewMs;
    if (brokenBy === 'late-event' && time < lateBefore) {
      return { kind: 'bad-row', case: brokenBy, reason: badRowOf(brokenBy), eventId: element.event_id };
    }
    if (accepted.has(element.event_id)) return { kind: 'duplicate', eventId: element.event_id };
    accepted.add(element.event_id);
    return {
      kind: 'event',
      eventId: element.event_id,
      bot: meta.bot && meta.platform === 'Web',
      truncated: hasOverlongValue(element),
      time,
      clockSkewed: meta.clockSkewMs !== 0,
    };
  });
  return { accepted: true, elements: outcomes };
}

function badRowOf(c: MalformedCase): EventBadRowReason {
  const spec = MalformedCases[c];
  if (spec.layer !== 'event') throw new Error(`${c} is not an event-level case`);
  return spec.badRow;
}
