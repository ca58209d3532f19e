// What the chaos clients sent and what ingest answered, turned into what the warehouse must hold:
// the generator's expected outcome of each element, weighed by how each upload ended. An upload
// answered 200 is stored once at least; an attempt that got no answer (the server was killed) may
// or may not have been stored, so it may add one more copy — never more.
import type { ElementOutcome } from '@clickstream/traffic-generator';
import type { PreparedUpload } from './traffic.js';

/** How one upload ended after the client's attempts. */
export interface Delivery {
  /** The definitive answer: 200, a 4xx, or undefined when the client gave up (abandoned). */
  status: number | undefined;
  /** Attempts without a definitive answer (connection refused or reset, timeout, 5xx): each may have been stored. */
  unknownAttempts: number;
  /** When the last attempt was sent (epoch ms). */
  lastAttemptAt: number;
}

/** An event that must (when acknowledged) be in `events` exactly once, with these values. */
export interface ExpectedEvent {
  acked: boolean;
  bot: boolean;
  truncated: boolean;
  /** `event_timestamp` lies in [time, time + slackMs]: a skewed clock is corrected with the upload's own delay in it. */
  time: number;
  slackMs: number;
}

/** Bad rows of one reason and event id ('' when the row has none): at least `min`, at most `max`. */
export interface ExpectedBadRows {
  min: number;
  max: number;
}

export const badRowKey = (reason: string, eventId: string | null) => `${reason}\u0000${eventId ?? ''}`;
export const splitBadRowKey = (key: string) => {
  const [reason = '', eventId = ''] = key.split('\u0000');
  return { reason, eventId: eventId === '' ? null : eventId };
};

type AcceptedElement = Extract<ElementOutcome, { kind: 'event' }>;

export class Ledger {
  readonly events = new Map<string, ExpectedEvent>();
  readonly badRows = new Map<string, ExpectedBadRows>();
  readonly stats = {
    uploads: { sent: 0, acked: 0, refused: 0, abandoned: 0, web: 0, android: 0, ios: 0 },
    /** Batch elements of the uploads sent / answered 200. */
    sentElements: 0,
    ackedElements: 0,
    /** Answers that contradict the expectation: a 4xx for an upload ingest must take, or 200 for one it must refuse. */
    wrongAnswers: 0,
    wrongAnswerSample: [] as string[],
    expected: { events: 0, bots: 0, truncated: 0, clockSkewed: 0, repeatedInBatch: 0, sdkRetries: 0, refusedRequests: 0, badRowsByCase: {} as Record<string, number> },
  };

  record(prepared: PreparedUpload, delivery: Delivery): void {
    const { upload, outcome } = prepared;
    const s = this.stats;
    s.uploads.sent++;
    s.sentElements += upload.meta.events;
    const platform = upload.meta.platform === 'Web' ? 'web' : upload.meta.platform === 'Android' ? 'android' : 'ios';
    s.uploads[platform]++;
    const acked = delivery.status === 200;
    if (acked) {
      s.uploads.acked++;
      s.ackedElements += upload.meta.events;
      if (upload.meta.retryOf !== undefined) s.expected.sdkRetries++;
    } else if (delivery.status === undefined) {
      s.uploads.abandoned++;
    } else {
      s.uploads.refused++;
    }
    if (!outcome.accepted) {
      if (delivery.status === outcome.status) s.expected.refusedRequests++;
      else if (delivery.status !== undefined) this.wrongAnswer(`${upload.requestId}: expected ${outcome.status} (${outcome.case}), got ${delivery.status}`);
      return;
    }
    if (delivery.status !== undefined && !acked) this.wrongAnswer(`${upload.requestId}: expected 200, got ${delivery.status}`);
    const copies = { min: acked ? 1 : 0, max: (acked ? 1 : 0) + delivery.unknownAttempts };
    for (const element of outcome.elements) {
      switch (element.kind) {
        case 'event':
          this.expectEvent(element, acked, delivery.lastAttemptAt - prepared.sentAt);
          break;
        case 'duplicate':
          if (acked) s.expected.repeatedInBatch++;
          break;
        case 'bad-row': {
          const key = badRowKey(element.reason, element.eventId);
          const bounds = this.badRows.get(key) ?? { min: 0, max: 0 };
          bounds.min += copies.min;
          bounds.max += copies.max;
          this.badRows.set(key, bounds);
          if (acked) s.expected.badRowsByCase[element.case] = (s.expected.badRowsByCase[element.case] ?? 0) + 1;
          break;
        }
      }
    }
  }

  private expectEvent(e: AcceptedElement, acked: boolean, retryDelayMs: number): void {
    const known = this.events.get(e.eventId);
    // A skewed clock is measured as (ingest time − upload_timestamp): a resend carries the delay in it.
    const slackMs = e.clockSkewed ? Math.max(0, retryDelayMs) + 1_000 : 0;
    if (known) {
      // The same event in an SDK retry: it counts once, acknowledged if either upload was.
      if (acked && !known.acked) this.countEvent(e);
      known.acked ||= acked;
      known.slackMs = Math.max(known.slackMs, slackMs);
      return;
    }
    this.events.set(e.eventId, { acked, bot: e.bot, truncated: e.truncated, time: e.time, slackMs });
    if (acked) this.countEvent(e);
  }

  private countEvent(e: AcceptedElement): void {
    const x = this.stats.expected;
    x.events++;
    if (e.bot) x.bots++;
    if (e.truncated) x.truncated++;
    if (e.clockSkewed) x.clockSkewed++;
  }

  private wrongAnswer(message: string): void {
    this.stats.wrongAnswers++;
    if (this.stats.wrongAnswerSample.length < 10) this.stats.wrongAnswerSample.push(message);
  }

  /** Bad rows every acknowledged upload must have produced. */
  get badRowsExpected(): number {
    let n = 0;
    for (const b of this.badRows.values()) n += b.min;
    return n;
  }
}
