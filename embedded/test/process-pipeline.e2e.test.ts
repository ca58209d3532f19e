// Generated SDK traffic through the whole embedded platform: /collect → durable log → the streaming
// processing core (with a per-app pipeline configuration received as PipelineConfigChanged.v1) →
// Parquet → views; then `reprocess` of the day from the raw files replaces the partitions without
// duplicating a row, and its announcement is published when the platform starts again.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MalformedCases, sdkRequests, generateTraffic, type TrafficOptions } from '@clickstream/traffic-generator';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { EmbeddedConfig } from '../src/config.js';
import { startEmbedded, type EmbeddedRuntime } from '../src/runtime.js';

const quiet = { info: () => undefined, error: (m: string, e?: unknown) => console.error(m, e) };
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe('processing generated traffic end to end, then reprocessing the day', () => {
  let dataDir: string;
  let runtime: EmbeddedRuntime;
  const now = Date.now();
  let options: TrafficOptions;

  const start = () => startEmbedded(EmbeddedConfig.parse({ PORT: '0', DATA_DIR: dataDir, PROCESS_INTERVAL_SECONDS: '3600' }), quiet);
  const count = async (sql: string) => Number((await runtime.warehouse.query<{ n: number }>(sql))[0]!.n);

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'clickstream-process-e2e-'));
    runtime = await start();
    const app = runtime.demoAppId;
    options = {
      seed: 'e2e',
      from: now - 10 * 60_000,
      to: now,
      events: 1500,
      apps: [
        { appId: app, kind: 'web', host: 'demo.example.com', weight: 3 },
        { appId: app, kind: 'mobile', host: 'com.example.demo', weight: 1 },
      ],
      shares: { malformed: 0.05, late: 0.01, future: 0.01 },
    };
  });
  after(async () => {
    await runtime.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('applies the app’s pipeline configuration, and turns every upload into rows or the bad rows the generator expects', async () => {
    await runtime.bus.publish([
      {
        source: 'clickstream.console-api',
        detailType: 'PipelineConfigChanged.v1',
        detail: {
          projectId: 'demo',
          appIds: [runtime.demoAppId],
          version: 1,
          config: {
            ingest: { sink: 'kinesis' },
            process: { intervalSeconds: 900, sessionTimeoutMinutes: 30, lateEventWindowHours: 72, anonymiseIp: true, enrichers: ['user-agent', 'geo', 'traffic-source', 'bots'], plugins: [] },
            model: { targets: ['athena'], redshiftLoadIntervalMinutes: 5 },
          },
          changedBy: 'e2e@example.com',
          changedAt: new Date(now).toISOString(),
        },
      },
    ]);
    await runtime.bus.drain();

    for (const request of sdkRequests(options)) {
      const headers: Record<string, string> = { ...request.headers, 'x-forwarded-for': request.clientIp };
      delete headers.origin;
      const res = await fetch(`${runtime.url}${request.path}`, { method: 'POST', headers, body: request.body });
      assert.equal(res.status, 200, await res.text());
    }
    await runtime.runJob('process.schedule-start-job');

    const uploads = [...generateTraffic(options)];
    const expectedBad = new Map<string, number>();
    for (const u of uploads) for (const c of u.meta.malformed) {
      const code = (MalformedCases[c] as { badRow: string }).badRow;
      expectedBad.set(code, (expectedBad.get(code) ?? 0) + 1);
    }
    const accepted = uploads.filter((u) => !u.meta.retryOf).reduce((n, u) => n + u.meta.events - u.meta.malformed.length, 0);

    assert.equal(await count('SELECT count(*)::INTEGER AS n FROM events'), accepted, 'every valid event once (retries deduplicated)');
    const bad = await runtime.warehouse.query<{ reason_code: string; n: number }>('SELECT reason_code, count(*)::INTEGER AS n FROM bad_rows GROUP BY 1 ORDER BY 1');
    assert.deepEqual(Object.fromEntries(bad.map((b) => [b.reason_code, b.n])), Object.fromEntries([...expectedBad].sort()));
    assert.equal(await count("SELECT count(*)::INTEGER AS n FROM events WHERE client_ip IS NOT NULL AND client_ip NOT LIKE '%.0' AND client_ip NOT LIKE '%::'"), 0, 'IP anonymisation from the pipeline configuration');
    assert.ok((await count('SELECT count(DISTINCT country)::INTEGER AS n FROM events')) >= 5, 'countries from the forwarded addresses');
    assert.ok((await count('SELECT count(*)::INTEGER AS n FROM sessions')) > 10);
    assert.ok((await count('SELECT count(*)::INTEGER AS n FROM users')) > 10);
    assert.ok((await count('SELECT count(*)::INTEGER AS n FROM items')) > 10);
    assert.equal(await count('SELECT count(*)::INTEGER AS n FROM events WHERE session_id IS NULL'), 0);
  });

  it('reprocessing the day from the raw files replaces the partitions: same rows, none twice, announced at the next start', async () => {
    const before = {
      events: await count('SELECT count(*)::INTEGER AS n FROM events'),
      sessions: await count('SELECT count(*)::INTEGER AS n FROM sessions'),
      bad: await count('SELECT count(*)::INTEGER AS n FROM bad_rows'),
    };
    await runtime.close(); // rolls the durable log into raw files; reprocess runs with the platform stopped
    // Exactly what `npm run reprocess -- --app … --from … --to …` runs.
    const cli = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'services/process/scripts/reprocess.ts', '--app', runtime.demoAppId, '--from', utcDay(now - 10 * 60_000), '--to', utcDay(now), '--data-dir', dataDir],
      { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' } },
    );
    assert.equal(cli.status, 0, cli.stderr);
    assert.match(cli.stderr, /\[#+\] 100%/, 'a progress bar on stderr');
    const result = JSON.parse(cli.stdout) as { jobId: string; events: number; rawFiles: number; replaced: string[] };
    assert.ok(result.rawFiles > 0 && result.replaced.length > 0);
    assert.equal(result.events, before.events);
    assert.deepEqual(await readdir(join(dataDir, 'objects', 'process', 'outbox')), [`${result.jobId}.json`]);

    runtime = await start();
    await runtime.bus.drain();
    assert.ok(
      runtime.bus.history().some((e) => e['detail-type'] === 'ProcessingCompleted.v1' && (e.detail as { jobId: string }).jobId === result.jobId),
      'the outbox was published at start',
    );
    assert.deepEqual(await readdir(join(dataDir, 'objects', 'process', 'outbox')), []);
    assert.equal(await count('SELECT count(*)::INTEGER AS n FROM events'), before.events);
    assert.equal(await count('SELECT count(DISTINCT event_id)::INTEGER AS n FROM events'), before.events, 'no event twice');
    assert.equal(await count('SELECT count(*)::INTEGER AS n FROM sessions'), before.sessions);
    assert.equal(await count('SELECT count(*)::INTEGER AS n FROM bad_rows'), before.bad);
    const files = await readdir(join(dataDir, 'warehouse', 'events'), { recursive: true });
    assert.ok(files.filter((f) => f.endsWith('.parquet')).every((f) => f.includes(result.jobId)), 'the job files were replaced by the reprocess files');
  });
});
