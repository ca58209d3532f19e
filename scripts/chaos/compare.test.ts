// The chaos harness's bookkeeping without a server: the ledger built from the generator's traffic
// and how uploads ended, and the comparison catching each way the warehouse could be wrong.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { comparePath, failures, type ModeledEvent, type ModeledPath } from './compare.js';
import { badRowKey, Ledger, splitBadRowKey, type Delivery } from './ledger.js';
import { CHAOS_SHARES, ChaosTraffic, type PreparedUpload } from './traffic.js';

const RUN_TAG = 'c4a05000';

function traffic(): ChaosTraffic {
  return new ChaosTraffic({
    seed: 7,
    runTag: RUN_TAG,
    apps: { web: 'chaos_t_web', mobile: 'chaos_t_app' },
    shares: { ...CHAOS_SHARES, malformed: 0.1, late: 0.02, future: 0.02, duplicate: 0.03, overlong: 0.05, invalidRequest: 0.02 },
    repeatShare: 0.05,
    uploadIntervalMs: 10_000,
  });
}

const answered = (p: PreparedUpload, status: number, unknownAttempts = 0): Delivery => ({ status, unknownAttempts, lastAttemptAt: p.sentAt });
const as200 = (p: PreparedUpload) => answered(p, p.outcome.accepted ? 200 : p.outcome.status);

/** The warehouse a correct pipeline would hold for the ledger: each acknowledged event once, each bad row at its minimum. */
function perfectWarehouse(ledger: Ledger): { events: Map<string, ModeledEvent>; badRows: Map<string, number> } {
  const events = new Map<string, ModeledEvent>();
  for (const [id, e] of ledger.events) if (e.acked) events.set(id, { rows: 1, isBot: e.bot, truncated: e.truncated, time: e.time });
  const badRows = new Map<string, number>();
  for (const [key, b] of ledger.badRows) if (b.min > 0) badRows.set(key, b.min);
  return { events, badRows };
}

describe('chaos traffic', () => {
  it('sends the generator uploads moved to now, with run-unique event ids, every platform and case', () => {
    const t = traffic();
    const now = Date.UTC(2027, 5, 1, 12);
    const prepared = Array.from({ length: 3_000 }, (_, i) => t.next(now + i));
    const platforms = new Set(prepared.map((p) => p.upload.meta.platform));
    assert.deepEqual([...platforms].sort(), ['Android', 'Web', 'iOS']);
    assert.ok(prepared.some((p) => p.request.query.compression === 'gzip' && p.request.body.startsWith('H4sI')), 'mobile gzip uploads');
    assert.ok(prepared.some((p) => p.request.headers.origin === 'https://shop.example.com'));
    for (const p of prepared) {
      assert.equal(p.upload.receivedAt, p.sentAt);
      if (!p.outcome.accepted) continue;
      for (const e of p.outcome.elements) {
        if (e.kind === 'event') {
          assert.ok(e.eventId.startsWith(RUN_TAG), e.eventId);
          // Accepted events happened within the last day of their sending (sessions are hours long at most).
          assert.ok(e.time <= p.sentAt && e.time > p.sentAt - 24 * 3_600_000, `${e.time} vs ${p.sentAt}`);
        }
      }
    }
    const kinds = new Set(prepared.flatMap((p) => (p.outcome.accepted ? p.outcome.elements.map((e) => (e.kind === 'bad-row' ? e.reason : e.kind)) : ['refused'])));
    for (const k of ['event', 'duplicate', 'refused', 'INVALID_EVENT', 'NOT_AN_EVENT', 'APP_ID_MISMATCH', 'LATE_EVENT', 'FUTURE_EVENT']) assert.ok(kinds.has(k), k);
  });

  it('resends an SDK retry with the bytes its original was sent with', () => {
    const t = traffic();
    const sent = new Map<string, PreparedUpload>();
    let retries = 0;
    for (let i = 0; i < 4_000; i++) {
      const p = t.next(Date.UTC(2027, 5, 1) + i * 10);
      const original = p.upload.meta.retryOf && sent.get(p.upload.meta.retryOf);
      if (original) {
        retries++;
        assert.equal(p.upload.body, original.upload.body);
        assert.equal(p.request.body, original.request.body, 'the same bytes on the wire, gzip included');
      }
      sent.set(p.upload.requestId, p);
    }
    assert.ok(retries > 10, `${retries} retries`);
  });
});

describe('chaos ledger and comparison', () => {
  const t = traffic();
  const uploads = Array.from({ length: 3_000 }, (_, i) => t.next(Date.UTC(2027, 5, 1) + i * 20));

  it('finds a correct warehouse correct', () => {
    const ledger = new Ledger();
    for (const p of uploads) ledger.record(p, as200(p));
    const v = comparePath(ledger, perfectWarehouse(ledger));
    assert.equal(failures(v), 0, JSON.stringify(v));
    assert.equal(v.badRows.found, ledger.badRowsExpected);
    assert.ok(ledger.stats.expected.events > 5_000 && ledger.stats.expected.refusedRequests > 0 && ledger.stats.expected.repeatedInBatch > 0);
    assert.equal(ledger.stats.wrongAnswers, 0);
  });

  it('catches a lost event, a duplicate, a wrong flag, a wrong time and an event that was never sent valid', () => {
    const ledger = new Ledger();
    for (const p of uploads) ledger.record(p, as200(p));
    const good = perfectWarehouse(ledger);
    const ids = [...good.events.keys()];
    const botId = [...ledger.events].find(([, e]) => e.bot)![0];
    const truncatedId = [...ledger.events].find(([, e]) => e.truncated)![0];
    const exactId = [...ledger.events].find(([id, e]) => e.slackMs === 0 && id !== botId && id !== truncatedId)![0];
    const badRowId = [...ledger.badRows.keys()].map(splitBadRowKey).find((k) => k.eventId?.startsWith(RUN_TAG))!.eventId!;

    const mutate = (change: (m: { events: Map<string, ModeledEvent>; badRows: Map<string, number> }) => void): ModeledPath => {
      const m = { events: new Map([...good.events].map(([k, v]) => [k, { ...v }])), badRows: new Map(good.badRows) };
      change(m);
      return m;
    };
    assert.equal(comparePath(ledger, mutate((m) => m.events.delete(ids[0]!))).lost, 1);
    assert.equal(comparePath(ledger, mutate((m) => (m.events.get(ids[1]!)!.rows = 2))).duplicated, 1);
    assert.equal(comparePath(ledger, mutate((m) => (m.events.get(botId)!.isBot = false))).wrongValues.isBot, 1);
    assert.equal(comparePath(ledger, mutate((m) => (m.events.get(truncatedId)!.truncated = false))).wrongValues.truncated, 1);
    assert.equal(comparePath(ledger, mutate((m) => (m.events.get(exactId)!.time! += 1))).wrongValues.eventTime, 1);
    const accepted = comparePath(ledger, mutate((m) => m.events.set(badRowId, { rows: 1, isBot: false, truncated: false, time: 0 })));
    assert.equal(accepted.unexpected, 1);
    assert.equal(failures(accepted), 1);
  });

  it('catches a missing bad row, one more than the uploads could produce, and one of a reason never sent', () => {
    const ledger = new Ledger();
    for (const p of uploads) ledger.record(p, as200(p));
    const good = perfectWarehouse(ledger);
    const [key] = [...good.badRows.keys()];
    const missing = new Map(good.badRows);
    missing.set(key!, good.badRows.get(key!)! - 1);
    assert.equal(comparePath(ledger, { events: good.events, badRows: missing }).badRows.missing, 1);
    const extra = new Map(good.badRows);
    extra.set(key!, good.badRows.get(key!)! + 1);
    assert.equal(comparePath(ledger, { events: good.events, badRows: extra }).badRows.extra, 1);
    const stranger = new Map(good.badRows).set(badRowKey('PLUGIN_REJECTED', null), 1);
    assert.equal(comparePath(ledger, { events: good.events, badRows: stranger }).badRows.extra, 1);
  });

  it('allows one more copy per unanswered attempt, and none for an unacknowledged event beyond one row', () => {
    const ledger = new Ledger();
    const withBadRow = uploads.find((p) => p.outcome.accepted && p.outcome.elements.some((e) => e.kind === 'bad-row'))!;
    const unanswered = uploads.find((p) => p !== withBadRow && p.outcome.accepted && p.outcome.elements.every((e) => e.kind === 'event'))!;
    for (const p of uploads) {
      if (p === withBadRow) ledger.record(p, answered(p, 200, 2));
      else if (p === unanswered) ledger.record(p, { status: undefined, unknownAttempts: 3, lastAttemptAt: p.sentAt });
      else ledger.record(p, as200(p));
    }
    assert.equal(ledger.stats.uploads.abandoned, 1);
    const good = perfectWarehouse(ledger);
    const el = (withBadRow.outcome as { elements: { kind: string; reason?: string; eventId: string | null }[] }).elements.find((e) => e.kind === 'bad-row')!;
    const key = badRowKey(el.reason!, el.eventId);
    const bounds = ledger.badRows.get(key)!;
    assert.equal(bounds.max - bounds.min, 2);
    const twoMore = new Map(good.badRows).set(key, bounds.min + 2);
    assert.equal(failures(comparePath(ledger, { events: good.events, badRows: twoMore })), 0);
    const threeMore = new Map(good.badRows).set(key, bounds.min + 3);
    assert.equal(comparePath(ledger, { events: good.events, badRows: threeMore }).badRows.extra, 1);
    // The abandoned upload's events may be there (once) or not.
    const id = (unanswered.outcome as { elements: { eventId: string }[] }).elements[0]!.eventId;
    assert.equal(ledger.events.get(id)!.acked, false);
    const events = new Map(good.events).set(id, { rows: 1, isBot: ledger.events.get(id)!.bot, truncated: ledger.events.get(id)!.truncated, time: ledger.events.get(id)!.time });
    assert.equal(failures(comparePath(ledger, { events, badRows: good.badRows })), 0);
    events.set(id, { ...events.get(id)!, rows: 2 });
    assert.equal(comparePath(ledger, { events, badRows: good.badRows }).duplicated, 1);
  });

  it('counts answers that contradict the expectation', () => {
    const ledger = new Ledger();
    const refused = uploads.find((p) => !p.outcome.accepted)!;
    const valid = uploads.find((p) => p.outcome.accepted)!;
    ledger.record(refused, answered(refused, 200));
    ledger.record(valid, answered(valid, 403));
    ledger.record(refused, answered(refused, 400));
    assert.equal(ledger.stats.wrongAnswers, 2);
    assert.equal(ledger.stats.expected.refusedRequests, 1);
  });
});
