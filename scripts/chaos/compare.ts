// The verdict on one path's modeled tables (Athena: the warehouse views; Redshift: the stand-in's
// tables) against the ledger: every acknowledged event exactly once with the expected flags, every
// acknowledged bad row there with its reason, nothing else, nothing twice.
import { splitBadRowKey, type ExpectedBadRows, type ExpectedEvent } from './ledger.js';

/** One modeled event id of the run's apps. */
export interface ModeledEvent {
  /** Rows with this event id (must be 1). */
  rows: number;
  isBot: boolean | null;
  truncated: boolean | null;
  /** event_timestamp, epoch ms. */
  time: number | null;
}

export interface ModeledPath {
  events: ReadonlyMap<string, ModeledEvent>;
  /** Bad rows of the run's apps by `badRowKey(reason, eventId)`. */
  badRows: ReadonlyMap<string, number>;
}

export interface BadRowsVerdict {
  found: number;
  /** What acknowledged uploads must have produced. */
  expected: number;
  /** Expected rows absent. */
  missing: number;
  /** Rows beyond what the uploads sent could have produced (or of a reason / event id never sent broken). */
  extra: number;
  /** Per reason: found, expected from acknowledged uploads, and the most that sent uploads could produce (unanswered attempts may have been stored). */
  byReason: Record<string, { found: number; expected: number; upTo: number }>;
}

export interface PathVerdict {
  /** Acknowledged events absent. */
  lost: number;
  /** Rows beyond the first for an event id. */
  duplicated: number;
  /** Modeled events that were never sent as valid events (a broken event accepted, an id nobody sent). */
  unexpected: number;
  /** Modeled events whose is_bot, truncated or corrected event time differs from the expectation. */
  wrongValues: { isBot: number; truncated: number; eventTime: number };
  badRows: BadRowsVerdict;
  lostSample: string[];
  unexpectedSample: string[];
}

const SAMPLE = 10;
const push = (list: string[], item: string) => {
  if (list.length < SAMPLE) list.push(item);
};

export function comparePath(expected: { events: ReadonlyMap<string, ExpectedEvent>; badRows: ReadonlyMap<string, ExpectedBadRows> }, modeled: ModeledPath): PathVerdict {
  const verdict: PathVerdict = {
    lost: 0,
    duplicated: 0,
    unexpected: 0,
    wrongValues: { isBot: 0, truncated: 0, eventTime: 0 },
    badRows: { found: 0, expected: 0, missing: 0, extra: 0, byReason: {} },
    lostSample: [],
    unexpectedSample: [],
  };
  for (const [id, e] of expected.events) {
    if (e.acked && !modeled.events.has(id)) {
      verdict.lost++;
      push(verdict.lostSample, id);
    }
  }
  for (const [id, m] of modeled.events) {
    verdict.duplicated += Math.max(0, m.rows - 1);
    const e = expected.events.get(id);
    if (!e) {
      verdict.unexpected++;
      push(verdict.unexpectedSample, `event ${id}`);
      continue;
    }
    if (m.isBot !== e.bot) {
      verdict.wrongValues.isBot++;
      push(verdict.unexpectedSample, `event ${id}: is_bot ${m.isBot}, expected ${e.bot}`);
    }
    if (m.truncated !== e.truncated) {
      verdict.wrongValues.truncated++;
      push(verdict.unexpectedSample, `event ${id}: truncated ${m.truncated}, expected ${e.truncated}`);
    }
    if (m.time === null || m.time < e.time || m.time > e.time + e.slackMs) {
      verdict.wrongValues.eventTime++;
      push(verdict.unexpectedSample, `event ${id}: event_timestamp ${m.time}, expected ${e.time} (+${e.slackMs} ms)`);
    }
  }

  const bad = verdict.badRows;
  const reason = (r: string) => (bad.byReason[r] ??= { found: 0, expected: 0, upTo: 0 });
  for (const [key, bounds] of expected.badRows) {
    const found = modeled.badRows.get(key) ?? 0;
    const r = reason(splitBadRowKey(key).reason);
    r.expected += bounds.min;
    r.upTo += bounds.max;
    bad.expected += bounds.min;
    if (found < bounds.min) {
      bad.missing += bounds.min - found;
      push(verdict.lostSample, `bad row ${key.replace('\u0000', ' ')}: ${found} of ${bounds.min}`);
    }
    if (found > bounds.max) {
      bad.extra += found - bounds.max;
      push(verdict.unexpectedSample, `bad row ${key.replace('\u0000', ' ')}: ${found}, at most ${bounds.max}`);
    }
  }
  for (const [key, found] of modeled.badRows) {
    bad.found += found;
    reason(splitBadRowKey(key).reason).found += found;
    if (!expected.badRows.has(key)) {
      bad.extra += found;
      push(verdict.unexpectedSample, `bad row ${key.replace('\u0000', ' ')}: never sent`);
    }
  }
  return verdict;
}

/** Everything that makes a path's verdict a failure, as one number. */
export function failures(v: PathVerdict): number {
  return v.lost + v.duplicated + v.unexpected + v.wrongValues.isBot + v.wrongValues.truncated + v.wrongValues.eventTime + v.badRows.missing + v.badRows.extra;
}

