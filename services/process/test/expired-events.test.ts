// Issue #5: processing never writes rows on a day an app's data retention already removed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BadRowsTable } from '@clickstream/contracts';
import { InProcessEngine } from '../src/domain/in-process-engine.js';
import { processEnvelopes } from '../src/domain/process-envelopes.js';
import { retentionCutoff } from '../src/domain/retention.js';
import { retentionCutoffMs, retentionDaysByApp } from '../src/domain/retention-cutoff.js';
import type { TableRows } from '../src/domain/rows.js';
import { ProcessingCore, type ProcessingSettings } from '../src/domain/core/processing-core.js';
import { settingsFromPipeConfig } from '../src/pipe/pipe-config.js';
import type { TableOutput, TableWriter } from '../src/ports/table-writer.js';
import { HOUR, INGEST, MIN, settings, upload, webEvent } from './fixtures.js';

const DAY = 24 * HOUR;
/** Midnight (UTC) of the upload's day, 2026-11-29. */
const TODAY = Date.UTC(2026, 10, 29);
/** Keeping 2 days, as of a run on 2026-11-29, the first day kept is 2026-11-27. */
const CUTOFF = TODAY - 2 * DAY;
const keep2: ProcessingSettings = { ...settings, retentionDays: { shop_web: 2 } };

/** The last millisecond before the cutoff and its first, both within the 72 h late window of the upload. */
const beforeCutoff = (n: number) => webEvent(n, { timestamp: CUTOFF - 1 });
const onCutoff = (n: number) => webEvent(n, { timestamp: CUTOFF });

const ids = (rows: readonly { event_id: string | null }[]) => rows.map((r) => r.event_id);

describe('retention in the processing core (EXPIRED_EVENT)', () => {
  it('golden: an event the day before the cutoff is an EXPIRED_EVENT bad row, one on the cutoff day is accepted', () => {
    const before = beforeCutoff(1);
    const out = processEnvelopes([upload([before, onCutoff(2)])], keep2);
    assert.deepEqual(out.bad_rows, [
      {
        request_id: 'req-1',
        ingest_timestamp: '2026-11-29 10:00:00.000',
        app_id: 'shop_web',
        // Partitioned by its arrival, as every bad row: today's partition exists.
        year: 2026,
        month: 11,
        day: 29,
        reason_code: 'EXPIRED_EVENT',
        reason: "Event falls on a day the app's data retention already removed.",
        event_id: before.event_id as string,
        raw: JSON.stringify(before),
      },
    ]);
    assert.deepEqual(
      out.events.map((e) => [e.event_id, e.event_timestamp, e.day]),
      [[onCutoff(2).event_id, '2026-11-27 00:00:00.000', 27]],
    );
    assert.ok(BadRowsTable.columns.some((c) => c.name === 'reason_code'));
  });

  it('retention 0, an app not listed, or no retention at all: every event is kept', () => {
    const records = [upload([beforeCutoff(1), onCutoff(2)])];
    for (const s of [
      { ...settings, retentionDays: { shop_web: 0 } },
      { ...settings, retentionDays: { other_app: 1 } },
      { ...settings, retentionDays: {} },
      settings,
    ]) {
      const out = processEnvelopes(records, s);
      assert.deepEqual(out.bad_rows, [], JSON.stringify(s.retentionDays));
      assert.equal(out.events.length, 2);
    }
  });

  it('applies each app its own cutoff', () => {
    const blog = (n: number, timestamp: number) => webEvent(n, { app_id: 'blog_web', timestamp });
    const out = processEnvelopes(
      [upload([beforeCutoff(1), onCutoff(2)]), upload([blog(3, CUTOFF - 1), blog(4, CUTOFF - 12 * HOUR)], { appId: 'blog_web', requestId: 'req-2' })],
      { ...settings, retentionDays: { shop_web: 2, blog_web: 3 } },
    );
    assert.deepEqual(ids(out.bad_rows), [beforeCutoff(1).event_id]);
    assert.deepEqual(ids(out.events), [onCutoff(2).event_id, blog(3, 0).event_id, blog(4, 0).event_id]);
  });

  it('judges the day of the skew-corrected time, not the device clock', () => {
    // The device clock runs 2 hours fast: its 01:00 on the cutoff day is really 23:00 the day before.
    const skewed = webEvent(1, { timestamp: CUTOFF + HOUR });
    const out = processEnvelopes([upload([skewed], { query: { upload_timestamp: String(INGEST + 2 * HOUR) } })], keep2);
    assert.deepEqual(
      out.bad_rows.map((r) => r.reason_code),
      ['EXPIRED_EVENT'],
    );
    assert.deepEqual(out.events, []);
  });

  it('a rejected event starts no session and no user: nothing of it reaches the removed day', () => {
    const only = webEvent(1, { unique_id: 'pseudo-old', timestamp: CUTOFF - HOUR, attributes: { _session_id: 'old-session' } });
    const out = processEnvelopes([upload([only, onCutoff(2)])], keep2);
    assert.deepEqual(
      out.sessions.map((s) => [s.user_pseudo_id, s.day]),
      [['pseudo-1', 27]],
    );
    assert.deepEqual(
      out.users.map((u) => [u.user_pseudo_id, u.day]),
      [['pseudo-1', 27]],
    );
    assert.ok(![...out.sessions, ...out.users, ...out.events, ...out.items].some((r) => r.day === 26));
  });

  it('counts expired events; a duplicate of one is rejected again (the check comes before dedupe, like LATE_EVENT)', () => {
    const stats = runCore([upload([beforeCutoff(1), onCutoff(2)]), upload([beforeCutoff(1)], { requestId: 'retry' })], keep2).stats;
    assert.equal(stats.expired, 2);
    assert.equal(stats.badRows, 2);
    assert.equal(stats.events, 1);
    assert.equal(stats.expiredBadRows, 0);
  });

  it('writes no bad row on a removed day either (a backlog that arrived then): it is counted instead', () => {
    const arrivedThen = CUTOFF - 3 * HOUR;
    const core = runCore(
      [
        upload([{ event_type: 'broken' }, webEvent(1, { timestamp: arrivedThen - MIN })], { ingestTime: arrivedThen, query: { upload_timestamp: String(arrivedThen) } }),
        'not an envelope',
      ],
      keep2,
    );
    assert.deepEqual(
      core.rows.bad_rows.map((r) => [r.app_id, r.reason_code]),
      [['_unknown', 'INVALID_ENVELOPE']],
      'a record without an app has no retention',
    );
    assert.equal(core.stats.expired, 1);
    assert.equal(core.stats.expiredBadRows, 2, 'the INVALID_EVENT and EXPIRED_EVENT rows of the day retention removed');
    assert.deepEqual(core.rows.events, []);
  });

  it('is deterministic: the cutoff comes from the run time (or retentionTime), never the clock', () => {
    const records = [upload([beforeCutoff(1), onCutoff(2), webEvent(3, { timestamp: CUTOFF + DAY })])];
    const first = JSON.stringify(processEnvelopes(records, keep2));
    const realNow = Date.now;
    try {
      Date.now = () => TODAY + 400 * DAY;
      assert.equal(JSON.stringify(processEnvelopes(records, keep2)), first, 'a later wall clock changes nothing');
    } finally {
      Date.now = realNow;
    }
    // A run just after midnight of the next day: the cutoff moved one day.
    const nextDay = processEnvelopes(records, { ...keep2, runTime: TODAY + DAY + 5 * MIN });
    assert.deepEqual(ids(nextDay.bad_rows), [beforeCutoff(1).event_id, onCutoff(2).event_id]);
    assert.deepEqual(ids(nextDay.events), [webEvent(3).event_id]);
    // retentionTime, when given, is what the cutoff comes from (reprocessing passes its start).
    const asOf = processEnvelopes(records, { ...keep2, runTime: TODAY - 10 * DAY, retentionTime: TODAY + DAY });
    assert.deepEqual(ids(asOf.bad_rows), ids(nextDay.bad_rows));
  });

  it('reprocessing a range the retention removed outputs nothing, and counts what it dropped', () => {
    const core = runCore([upload([beforeCutoff(1), webEvent(2, { timestamp: CUTOFF - 12 * HOUR })])], {
      ...keep2,
      partitionRange: { from: CUTOFF - 2 * DAY, to: CUTOFF },
    });
    assert.deepEqual(core.rows, { events: [], sessions: [], users: [], items: [], bad_rows: [] });
    assert.equal(core.stats.expired, 2);
  });

  it('sharded runs apply it too (each shard gets the apps’ retention)', async () => {
    const records = [upload([beforeCutoff(1), onCutoff(2)]), upload([beforeCutoff(3), onCutoff(4)].map((e) => ({ ...e, unique_id: 'pseudo-2' })), { requestId: 'req-2' })];
    const writer = new MemoryWriter();
    const run = await new InProcessEngine(writer).start('job-1', keep2, 2);
    for (const r of records) await run.push(r);
    const { stats } = await run.finish();
    assert.equal(stats.expired, 2);
    assert.deepEqual(writer.rows.bad_rows.map((r) => r.reason_code), ['EXPIRED_EVENT', 'EXPIRED_EVENT']);
    assert.equal(writer.rows.events.length, 2);
  });
});

describe('retention cutoff as a number', () => {
  it('is the midnight retentionCutoff names, for every hour of a day and any retention', () => {
    for (let t = Date.UTC(2024, 1, 27); t < Date.UTC(2024, 2, 3); t += 5 * HOUR + 7 * MIN) {
      for (const days of [1, 2, 30, 400]) {
        const ms = retentionCutoffMs(t, days);
        assert.equal(new Date(ms).toISOString(), `${retentionCutoff(t, days)}T00:00:00.000Z`);
      }
    }
  });

  it('lists only apps that remove data', () => {
    assert.deepEqual(
      retentionDaysByApp([
        { appId: 'a', retentionDays: 7, revision: 1, deleted: false },
        { appId: 'b', retentionDays: 0, revision: 3, deleted: false },
        { appId: 'c', retentionDays: 30, revision: 2, deleted: true },
      ]),
      { a: 7, c: 30 },
      'a deleted app’s data keeps ageing out: its events are refused as well',
    );
  });
});

describe('pipe configuration (EMR path)', () => {
  it('carries each app’s retention into the settings; absent means none', () => {
    const s = settingsFromPipeConfig({ runTime: '2026-11-29T10:15:00Z', retentionDays: { shop_web: 2, blog_web: 0 } });
    assert.deepEqual(s.retentionDays, { shop_web: 2, blog_web: 0 });
    assert.equal(s.runTime, INGEST + 15 * MIN);
    assert.deepEqual(settingsFromPipeConfig({ runTime: INGEST }).retentionDays, {});
  });

  it('refuses a retention that is not a whole number of days ≥ 0, or a bad app id', () => {
    for (const retentionDays of [{ shop_web: -1 }, { shop_web: 1.5 }, { shop_web: '2' }, { 'bad app': 2 }]) {
      assert.throws(() => settingsFromPipeConfig({ runTime: INGEST, retentionDays }), JSON.stringify(retentionDays));
    }
  });
});

function runCore(records: string[], s: ProcessingSettings) {
  const rows: TableRows = { events: [], sessions: [], users: [], items: [], bad_rows: [] };
  const core = new ProcessingCore(s, {
    row: (table, row) => {
      (rows[table] as unknown[]).push(row);
    },
    openSession: () => undefined,
  });
  for (const r of records) core.push(r);
  core.end();
  return { rows, stats: core.stats };
}

class MemoryWriter implements TableWriter {
  readonly rows: TableRows = { events: [], sessions: [], users: [], items: [], bad_rows: [] };
  async open(): Promise<TableOutput> {
    return {
      append: (table, row) => {
        (this.rows[table] as unknown[]).push(row);
      },
      abort: async () => undefined,
      commit: async () => ({ files: [], partitions: [], rowCounts: {} }),
    };
  }
}
