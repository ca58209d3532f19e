// The generator's expected outcomes (shared/traffic-generator expected-outcome.ts), which the chaos
// harness holds the warehouse to, checked against the real processing core on the same uploads:
// if they disagreed, a chaos run would report a mismatch that is the generator's, not the system's.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  expectedOutcome,
  generateTraffic,
  MalformedCases,
  Random,
  retimeUpload,
  toEnvelope,
  withRepeatedEvent,
  type GeneratedUpload,
  type TrafficOptions,
} from '@clickstream/traffic-generator';
import { defaultSettings, processEnvelopes } from '../services/process/src/domain/process-envelopes.js';

const FROM = Date.UTC(2026, 10, 1);
const HOUR = 3_600_000;
const options: TrafficOptions = {
  seed: 'outcomes',
  from: FROM,
  to: FROM + 24 * HOUR,
  events: 40_000,
  shares: { malformed: 0.05, late: 0.01, future: 0.01, duplicate: 0.02, bot: 0.05, clockSkew: 0.05, overlong: 0.01, invalidRequest: 0.01 },
};
const epochMs = (sqlTimestamp: string) => Date.parse(`${sqlTimestamp.replace(' ', 'T')}Z`);

/** The uploads with a share of in-batch repeats, as the chaos harness sends them (an SDK retry resends its original's bytes). */
function uploadsOf(o: TrafficOptions): GeneratedUpload[] {
  const random = Random.derive(o.seed, 'repeats');
  const byRequest = new Map<string, GeneratedUpload>();
  return [...generateTraffic(o)].map((u) => {
    const original = u.meta.retryOf === undefined ? undefined : byRequest.get(u.meta.retryOf);
    const sent = original
      ? retimeUpload(u, { sentAt: u.receivedAt, original })
      : random.chance(0.05)
        ? withRepeatedEvent(u, random)
        : u;
    byRequest.set(u.requestId, sent);
    return sent;
  });
}

function tally(keys: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  return counts;
}
const sorted = (m: Map<string, number>) => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)));

describe('expected outcomes of generated traffic agree with the processing core', () => {
  const uploads = uploadsOf(options);
  const records = uploads.flatMap((u) => {
    const envelope = toEnvelope(u);
    return envelope ? [JSON.stringify(envelope)] : [];
  });
  const out = processEnvelopes(records, { ...defaultSettings, runTime: options.to + HOUR });
  const outcomes = uploads.map((u) => expectedOutcome(u));
  const elements = outcomes.flatMap((o) => (o.accepted ? o.elements : []));

  it('covers every case: events, bots, over-long values, skewed clocks, repeats, SDK retries, each bad-row reason, refused requests', () => {
    const kinds = tally(elements.map((e) => e.kind));
    assert.ok((kinds.get('event') ?? 0) > 30_000 && (kinds.get('duplicate') ?? 0) > 20, JSON.stringify(sorted(kinds)));
    const events = elements.filter((e) => e.kind === 'event');
    assert.ok(events.some((e) => e.bot) && events.some((e) => e.truncated) && events.some((e) => e.clockSkewed));
    assert.ok(uploads.some((u) => u.meta.retryOf !== undefined));
    const cases = new Set(elements.flatMap((e) => (e.kind === 'bad-row' ? [e.case] : [])));
    for (const [c, spec] of Object.entries(MalformedCases)) if (spec.layer === 'event') assert.ok(cases.has(c as never), `case ${c}`);
    assert.ok(outcomes.some((o) => !o.accepted && o.status === 400));
  });

  it('every expected event is modeled exactly once, with the expected is_bot, truncated and corrected time; nothing else is', () => {
    const expected = new Map<string, Extract<(typeof elements)[number], { kind: 'event' }>>();
    for (const e of elements) if (e.kind === 'event' && !expected.has(e.eventId)) expected.set(e.eventId, e);
    const rows = tally(out.events.map((r) => r.event_id));
    assert.deepEqual([...rows].filter(([, n]) => n !== 1), [], 'no event twice');
    assert.deepEqual([...expected.keys()].filter((id) => !rows.has(id)), [], 'no expected event missing');
    assert.deepEqual([...rows.keys()].filter((id) => !expected.has(id)), [], 'no unexpected event');
    for (const row of out.events) {
      const e = expected.get(row.event_id)!;
      assert.deepEqual(
        { id: row.event_id, is_bot: row.is_bot, truncated: row.truncated, time: epochMs(row.event_timestamp) },
        { id: e.eventId, is_bot: e.bot, truncated: e.truncated, time: e.time },
      );
    }
  });

  it('every expected bad row is there once per stored upload, with its reason and event id', () => {
    const expected = tally(elements.flatMap((e) => (e.kind === 'bad-row' ? [`${e.reason} ${e.eventId}`] : [])));
    const actual = tally(out.bad_rows.map((b) => `${b.reason_code} ${b.event_id}`));
    assert.deepEqual(sorted(actual), sorted(expected));
  });

  it('still holds for the same traffic retimed to another moment, with renamed event ids', () => {
    const shift = Date.UTC(2027, 2, 14, 9) - FROM;
    const retimed: GeneratedUpload[] = [];
    const byRequest = new Map<string, GeneratedUpload>();
    for (const u of uploads.slice(0, 3_000)) {
      const original = u.meta.retryOf === undefined ? undefined : byRequest.get(u.meta.retryOf);
      const r = retimeUpload(u, { sentAt: u.receivedAt + shift, eventId: (id) => `c0ffee00${id.slice(8)}`, ...(original ? { original } : {}) });
      byRequest.set(u.requestId, r);
      retimed.push(r);
    }
    const lines = retimed.flatMap((u) => {
      const envelope = toEnvelope(u);
      return envelope ? [JSON.stringify(envelope)] : [];
    });
    const result = processEnvelopes(lines, { ...defaultSettings, runTime: options.to + shift + HOUR });
    const expectedElements = retimed.flatMap((u) => {
      const o = expectedOutcome(u);
      return o.accepted ? o.elements : [];
    });
    const expectedEvents = new Set(expectedElements.flatMap((e) => (e.kind === 'event' ? [e.eventId] : [])));
    assert.deepEqual(new Set(result.events.map((r) => r.event_id)), expectedEvents);
    assert.ok([...expectedEvents].every((id) => id.startsWith('c0ffee00')));
    assert.deepEqual(
      sorted(tally(result.bad_rows.map((b) => b.reason_code))),
      sorted(tally(expectedElements.flatMap((e) => (e.kind === 'bad-row' ? [e.reason] : [])))),
    );
  });
});
