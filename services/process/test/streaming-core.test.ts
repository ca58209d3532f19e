// The core on realistic generated traffic: a bad row for every malformed case the generator makes,
// byte-identical output for the same input, bounded state, sessions continued across runs, and
// the fast event check agreeing with the schema.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ClickstreamEvent } from '@clickstream/contracts';
import { generateTraffic, MalformedCases, rawRecords, toEnvelope, type MalformedCase } from '@clickstream/traffic-generator';
import { defaultSettings, ProcessingCore, type ProcessingSettings } from '../src/domain/core/processing-core.js';
import { toEventRow, toWorkingEvent } from '../src/domain/core/event-row.js';
import { fastParseEvent } from '../src/domain/core/fast-event-parse.js';
import type { OpenSession } from '../src/domain/core/session-state.js';
import { processEnvelopes } from '../src/domain/process-envelopes.js';
import { sessionStateLine } from '../src/domain/run-job.js';

const FROM = Date.UTC(2026, 10, 1);
const HOUR = 3_600_000;
const settings: ProcessingSettings = { ...defaultSettings, runTime: FROM + 30 * HOUR };

describe('golden: every malformed case of the generator becomes its bad row', () => {
  const options = { seed: 'golden', from: FROM, to: FROM + 24 * HOUR, events: 30_000, corruptRecords: 0.01, shares: { malformed: 0.05, late: 0.01, future: 0.01 } };
  const uploads = [...generateTraffic(options)];
  const records = [...rawRecords(options)];
  const out = processEnvelopes(records, settings);

  it('counts bad rows per reason exactly as the generator broke the input', () => {
    const expected = new Map<string, number>();
    const add = (code: string, n = 1) => expected.set(code, (expected.get(code) ?? 0) + n);
    const byRequest = new Map(uploads.map((u) => [u.requestId, u]));
    for (const line of records) {
      let envelope: { v: number; requestId: string } | undefined;
      try {
        envelope = JSON.parse(line) as { v: number; requestId: string };
      } catch {
        add(MalformedCases['corrupt-record'].badRow);
        continue;
      }
      const u = byRequest.get(envelope.requestId)!;
      // Ingest writes v2; the generator's only v1 records are those whose body it cut.
      if (envelope.v === 1) {
        add(MalformedCases['body-not-json'].badRow);
        continue;
      }
      for (const c of u.meta.malformed) add((MalformedCases[c] as { badRow: string }).badRow);
    }
    const actual = new Map<string, number>();
    for (const b of out.bad_rows) actual.set(b.reason_code, (actual.get(b.reason_code) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries([...actual].sort()), Object.fromEntries([...expected].sort()));
  });

  it('has seen every case the generator knows, except those ingest refuses', () => {
    const seen = new Set<MalformedCase>(uploads.flatMap((u) => u.meta.malformed));
    const codes = new Set(out.bad_rows.map((b) => b.reason_code));
    for (const [c, spec] of Object.entries(MalformedCases)) {
      if (spec.layer === 'request') continue;
      if (spec.layer === 'event') assert.ok(seen.has(c as MalformedCase), `generated ${c}`);
      assert.ok(codes.has(spec.badRow as never), `bad row ${spec.badRow} for ${c}`);
    }
  });

  it('accepts every other event once: retries are deduplicated, nothing else is dropped', () => {
    const retried = new Set(uploads.filter((u) => u.meta.retryOf).map((u) => u.requestId));
    const corrupted = new Set(records.flatMap((l) => {
      try {
        const e = JSON.parse(l) as { v: number; requestId: string };
        return e.v === 2 ? [] : [e.requestId];
      } catch {
        return [];
      }
    }));
    const corruptLines = records.filter((l) => {
      try {
        JSON.parse(l);
        return false;
      } catch {
        return true;
      }
    }).length;
    assert.ok(corruptLines > 0 && corrupted.size > 0, 'the input has damaged records');
    // Uploads whose record was damaged are lost as a whole (one bad row each); their ids are unknown for cut lines.
    const intact = uploads.filter((u) => toEnvelope(u) && !retried.has(u.requestId) && !corrupted.has(u.requestId));
    const expectedMax = intact.reduce((n, u) => n + u.meta.events - u.meta.malformed.length, 0);
    assert.ok(out.events.length <= expectedMax && out.events.length >= expectedMax - corruptLines * 40, `${out.events.length} vs ≤ ${expectedMax}`);
    assert.equal(new Set(out.events.map((e) => `${e.app_id}/${e.event_id}`)).size, out.events.length, 'no event twice');
    assert.ok(out.events.some((e) => e.truncated), 'over-long values are cut and flagged');
    assert.ok(out.events.some((e) => e.is_bot), 'bots are flagged');
    assert.ok(new Set(out.events.map((e) => e.channel_group)).size >= 12, 'traffic lands in most channel groups');
    assert.ok(out.events.every((e) => e.session_id !== null), 'every event has a session');
  });
});

describe('streaming core', () => {
  const options = { seed: 'stream', from: FROM, to: FROM + 48 * HOUR, events: 40_000 };
  const records = [...rawRecords(options)];

  const serialise = (input: readonly string[], s: ProcessingSettings = settings) => {
    const lines: string[] = [];
    let maxOpen = 0;
    const core = new ProcessingCore(s, { row: (t, r) => lines.push(`${t}\t${JSON.stringify(r)}`), openSession: (o) => lines.push(`state\t${JSON.stringify(o)}`) });
    for (const r of input) {
      core.push(r);
      maxOpen = Math.max(maxOpen, core.openUsers);
    }
    core.end();
    return { text: lines.join('\n'), maxOpen, lines };
  };

  it('is deterministic: the same records give byte-identical output', () => {
    assert.equal(serialise(records).text, serialise([...records]).text);
  });

  it('holds state only for recently active users, not for the whole input', () => {
    const { maxOpen, lines } = serialise(records);
    const users = new Set(lines.filter((l) => l.startsWith('users\t')).map((l) => (JSON.parse(l.slice(6)) as { user_pseudo_id: string }).user_pseudo_id));
    assert.ok(users.size > 500, `${users.size} users`);
    assert.ok(maxOpen < users.size / 4, `at most ${maxOpen} users open at once of ${users.size}`);
  });

  it('continues server-made sessions across runs: two runs with a hand-over give the ids one run gives', () => {
    // Strip the SDK session ids so that processing has to make the sessions.
    const noSdkSessions = records.map((r) => {
      const e = JSON.parse(r) as { body: unknown[] };
      for (const x of e.body) if (x && typeof x === 'object' && 'attributes' in x) delete (x.attributes as Record<string, unknown>)._session_id;
      return JSON.stringify(e);
    });
    const sessionOf = (rows: readonly { event_id: string; session_id: string | null }[]) => new Map(rows.map((e) => [e.event_id, e.session_id]));
    const whole = processEnvelopes(noSdkSessions, settings);
    const cut = Math.floor(noSdkSessions.length / 2);
    const cutTime = (JSON.parse(noSdkSessions[cut]!) as { ingestTime: number }).ingestTime;
    const handedOver: OpenSession[] = [];
    const first = processEnvelopes(noSdkSessions.slice(0, cut), { ...settings, runTime: cutTime }, handedOver);
    assert.ok(handedOver.length > 0);
    const second = processEnvelopes([...handedOver.map(sessionStateLine), ...noSdkSessions.slice(cut)], settings);
    const one = sessionOf(whole.events);
    const two = sessionOf([...first.events, ...second.events]);
    let differ = 0;
    for (const [id, s] of one) if (two.get(id) !== s) differ++;
    assert.equal(differ, 0, 'every event keeps its session');
    // Partial rows of a continued session add up to the one-run row (what sessions_merged does).
    const total = (rows: typeof whole.sessions) => {
      const m = new Map<string, number>();
      for (const r of rows) m.set(r.session_id, (m.get(r.session_id) ?? 0) + r.event_count);
      return m;
    };
    assert.deepEqual(total([...first.sessions, ...second.sessions]), total(whole.sessions));
  });
});

describe('fast event check', () => {
  const base = (JSON.parse([...rawRecords({ seed: 'fast', from: FROM, to: FROM + HOUR, events: 50 })][0]!) as { body: Record<string, unknown>[] }).body[0]!;
  const value = fc.oneof(fc.string({ maxLength: 60 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.array(fc.integer(), { maxLength: 2 }), fc.object({ maxDepth: 1 }));
  const keys = ['event_type', 'event_id', 'timestamp', 'app_id', 'unique_id', 'zone_offset', 'attributes', 'user', 'items', 'platform', 'extra_field', '__proto__'];

  const header = { requestId: 'r', ingestTime: FROM, appId: 'shop_web', query: {} };
  /** The events row an event becomes: what must not depend on which check accepted it. */
  const rowOf = (e: ClickstreamEvent) => JSON.stringify(toEventRow(toWorkingEvent(header, e, FROM)));

  it('returns what the schema returns for every event it accepts (the same row), and nothing for what the schema rejects', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...keys), value), { maxLength: 3 }), fc.array(fc.tuple(fc.string({ maxLength: 55 }), value), { maxLength: 2 }), (top, attrs) => {
        const event: Record<string, unknown> = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
        for (const [k, v] of top) Object.defineProperty(event, k, { value: v, enumerable: true, writable: true, configurable: true });
        if (event.attributes && typeof event.attributes === 'object') for (const [k, v] of attrs) (event.attributes as Record<string, unknown>)[k] = v;
        const input = JSON.parse(JSON.stringify(event) ?? 'null') as Record<string, unknown>;
        if (input === null || typeof input !== 'object') return;
        const fast = fastParseEvent(input);
        const zod = ClickstreamEvent.safeParse(input);
        if (fast !== undefined) {
          assert.ok(zod.success, 'the schema agrees');
          assert.deepEqual(fast, zod.data);
          assert.equal(rowOf(fast), rowOf(zod.data));
        }
        if (!zod.success) assert.equal(fast, undefined);
      }),
      { numRuns: 3000, seed: 42 },
    );
  });

  it('gives user attributes and items the schema’s shape and order, and leaves the input as sent', () => {
    const input = JSON.parse(
      JSON.stringify({
        ...base,
        extra: 1,
        user: { plan: { set_timestamp: 5, value: 'gold' }, _user_id: { value: 'u-1' } },
        items: [{ quantity: 2, note: 'gift', id: 'sku-1', price: 9.5 }],
      }),
    ) as Record<string, unknown>;
    const sent = JSON.stringify(input);
    const fast = fastParseEvent(input)!;
    const zod = ClickstreamEvent.parse(input);
    assert.ok(fast);
    assert.equal(JSON.stringify(fast.user), JSON.stringify(zod.user));
    assert.equal(JSON.stringify(fast.items), JSON.stringify(zod.items));
    assert.equal(rowOf(fast), rowOf(zod));
    assert.equal(JSON.stringify(input), sent, 'the input is unchanged');
  });

  it('takes the fast path for the generator’s valid events', () => {
    let fast = 0;
    let valid = 0;
    for (const r of rawRecords({ seed: 'fast', from: FROM, to: FROM + 6 * HOUR, events: 3000 })) {
      for (const e of (JSON.parse(r) as { body: Record<string, unknown>[] }).body) {
        if (!ClickstreamEvent.safeParse(e).success) continue;
        valid++;
        if (fastParseEvent(e)) fast++;
      }
    }
    assert.equal(fast, valid);
  });
});
