// The pipe contract the EMR Serverless driver relies on, tested on the real bundle with the exact
// command the driver runs: `node process-core.cjs --config <file>`, JSON lines in, tagged JSON lines out.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rawRecords } from '@clickstream/traffic-generator';
import { buildProcessCore } from '../scripts/build-process-core.js';
import { processEnvelopes } from '../src/domain/process-envelopes.js';
import { settingsFromPipeConfig, type PipeConfig } from '../src/pipe/pipe-config.js';
import type { OpenSession } from '../src/domain/core/session-state.js';
import { HOUR, INGEST, MIN, upload, webEvent } from './fixtures.js';

const TABLES = new Set(['events', 'sessions', 'users', 'items', 'bad_rows', 'session_state']);

describe('process-core pipe (node process-core.cjs)', () => {
  let dir: string;
  let bundle: string;
  let configFile: string;
  const config: PipeConfig = {
    runTime: INGEST + 5 * MIN,
    inputOrder: 'arrival',
    apps: { shop_web: { sessionTimeoutMinutes: 30, lateEventWindowHours: 72, anonymiseIp: true, enrichers: ['user-agent', 'geo', 'traffic-source', 'bots'], plugins: [], intervalSeconds: 900 } },
  };
  const handedOver = JSON.stringify({
    table: 'session_state',
    row: { app_id: 'shop_web', user_key: 'pseudo-2', session_id: 'srv-from-last-run', start: INGEST - 40 * MIN, last: INGEST - 20 * MIN },
  });
  const input = [
    handedOver,
    upload([webEvent(1), webEvent(2, { event_type: 'add_to_cart', items: [{ id: 'sku-1', price: 5, quantity: 1 }] })]),
    upload([webEvent(3, { unique_id: 'pseudo-2', attributes: { _page_url: 'https://shop.example.com/p' } }), { event_type: 'broken' }], { requestId: 'req-2' }),
    upload([webEvent(4, { timestamp: INGEST - 100 * HOUR })], { requestId: 'req-3' }),
    'not json at all',
  ];

  const run = (stdin: string, args = ['--config', configFile], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, [bundle, ...args], { input: stdin, encoding: 'utf8', env: { PATH: process.env.PATH, ...env }, maxBuffer: 1 << 28 });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'process-core-pipe-'));
    ({ bundle } = await buildProcessCore(join(dir, 'dist')));
    configFile = join(dir, 'run.json');
    await writeFile(configFile, JSON.stringify(config));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('reads envelopes and handed-over sessions, writes one tagged row per line, exit 0', () => {
    const out = run(`${input.join('\n')}\n`);
    assert.equal(out.status, 0, out.stderr);
    assert.equal(out.stderr, '');
    assert.ok(out.stdout.endsWith('\n'));
    const lines = out.stdout.slice(0, -1).split('\n').map((l) => JSON.parse(l) as { table: string; row: Record<string, unknown> });
    for (const l of lines) assert.ok(TABLES.has(l.table) && typeof l.row === 'object', JSON.stringify(l).slice(0, 80));
    const of = (t: string) => lines.filter((l) => l.table === t).map((l) => l.row);
    assert.equal(of('events').length, 3);
    assert.equal(of('items').length, 1);
    assert.deepEqual(of('bad_rows').map((r) => r.reason_code).sort(), ['INVALID_ENVELOPE', 'INVALID_EVENT', 'LATE_EVENT']);
    const e3 = of('events').find((e) => e.user_pseudo_id === 'pseudo-2')!;
    assert.equal(e3.session_id, 'srv-from-last-run', 'the handed-over server session continues');
    assert.equal(of('events')[0]!.country, 'US', 'the geo database travels with the bundle');
    assert.equal(of('events')[0]!.client_ip, '8.8.8.0', 'per-app settings apply (IP anonymisation)');
    assert.deepEqual(
      of('session_state').map((s) => s.session_id).sort(),
      ['srv-from-last-run', ...of('events').filter((e) => e.user_pseudo_id === 'pseudo-1').map((e) => e.session_id as string)].filter((v, i, a) => a.indexOf(v) === i).sort(),
      'open server sessions are handed to the next run',
    );
  });

  it('gives exactly the rows of the in-process core, and the same bytes on every run', () => {
    const out = run(`${input.join('\n')}\n`);
    const again = run(`${input.join('\n')}\n`);
    assert.equal(again.stdout, out.stdout, 'deterministic');
    const open: OpenSession[] = [];
    const expected = processEnvelopes(input, settingsFromPipeConfig(config), open);
    const lines = out.stdout.slice(0, -1).split('\n').map((l) => JSON.parse(l) as { table: keyof typeof expected | 'session_state'; row: unknown });
    for (const table of ['events', 'sessions', 'users', 'items', 'bad_rows'] as const) {
      assert.deepEqual(lines.filter((l) => l.table === table).map((l) => l.row), expected[table], table);
    }
    assert.deepEqual(lines.filter((l) => l.table === 'session_state').map((l) => l.row), open);
  });

  it('streams generated traffic of every kind through, deterministically', () => {
    const from = Date.UTC(2026, 10, 1);
    const traffic = [...rawRecords({ seed: 'pipe', from, to: from + 6 * HOUR, events: 4000, corruptRecords: 0.01, shares: { malformed: 0.05 } })];
    const stdin = `${traffic.join('\n')}\n`;
    const cfg = JSON.stringify({ runTime: from + 6 * HOUR, inputOrder: 'arrival' });
    const a = run(stdin, [], { CLICKSTREAM_PROCESS_CONFIG: cfg });
    const b = run(stdin, [], { CLICKSTREAM_PROCESS_CONFIG: cfg });
    assert.equal(a.status, 0, a.stderr);
    assert.equal(a.stdout, b.stdout);
    const counts = new Map<string, number>();
    for (const l of a.stdout.slice(0, -1).split('\n')) {
      const t = (JSON.parse(l) as { table: string }).table;
      counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    assert.ok((counts.get('events') ?? 0) > 2000 && (counts.get('bad_rows') ?? 0) > 50 && (counts.get('sessions') ?? 0) > 50, JSON.stringify([...counts]));
  });

  it("applies the apps' retention from the manifest's configuration: events on removed days become EXPIRED_EVENT", () => {
    // Keeping 2 days as of the run (2026-11-29): 2026-11-27 is the first day kept.
    const cutoff = Date.UTC(2026, 10, 27);
    const stdin = `${upload([webEvent(11, { timestamp: cutoff - 1 }), webEvent(12, { timestamp: cutoff })], { requestId: 'req-r' })}\n`;
    const cfg = { runTime: INGEST + 5 * MIN, inputOrder: 'arrival', retentionDays: { shop_web: 2 } } satisfies PipeConfig;
    const out = run(stdin, [], { CLICKSTREAM_PROCESS_CONFIG: JSON.stringify(cfg) });
    assert.equal(out.status, 0, out.stderr);
    const lines = out.stdout.slice(0, -1).split('\n').map((l) => JSON.parse(l) as { table: string; row: Record<string, unknown> });
    const of = (t: string) => lines.filter((l) => l.table === t).map((l) => l.row);
    assert.deepEqual(
      of('bad_rows').map((r) => [r.reason_code, r.event_id, r.day]),
      [['EXPIRED_EVENT', webEvent(11).event_id, 29]],
    );
    assert.deepEqual(
      of('events').map((e) => [e.event_id, e.day]),
      [[webEvent(12).event_id, 27]],
    );
    const kept = run(stdin, [], { CLICKSTREAM_PROCESS_CONFIG: JSON.stringify({ ...cfg, retentionDays: { shop_web: 0 } }) });
    assert.equal(kept.stdout.split('\n').filter((l) => l.startsWith('{"table":"events"')).length, 2, 'retention 0 keeps everything');
  });

  it('refuses a missing or invalid configuration with exit 2 and a reason, writing nothing', () => {
    const none = run('', []);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /no configuration/);
    const bad = run('', [], { CLICKSTREAM_PROCESS_CONFIG: JSON.stringify({ runTime: 'yesterday' }) });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /runTime/);
    const unknownStep = run('', [], {
      CLICKSTREAM_PROCESS_CONFIG: JSON.stringify({ runTime: 1, apps: { a: { enrichers: ['no-such-step'] } } }),
    });
    assert.equal(unknownStep.status, 2);
    assert.match(unknownStep.stderr, /no-such-step/);
    assert.equal(unknownStep.stdout, '');
  });
});
