// One shard of a job, in a worker thread: the unchanged processing core over the records the job's
// thread routes here, staging its rows as CSV for the job's thread to copy into Parquet.
import { parentPort, workerData } from 'node:worker_threads';
import { ProcessingCore } from '../../domain/core/processing-core.js';
import type { OpenSession } from '../../domain/core/session-state.js';
import { useSharedIpLocationDatabases } from '../../domain/geo/ip-locations.js';
import { CsvStaging } from './csv-staging.js';
import type { ShardWorkerData, ToShard } from './worker-engine.js';

const port = parentPort;
if (!port) throw new Error('shard-worker runs in a worker thread');
const { settings, stagingDir, ipLocations } = workerData as ShardWorkerData;
if (ipLocations) useSharedIpLocationDatabases(ipLocations);

const openSessions: OpenSession[] = [];
let staging: CsvStaging | undefined;
let core: ProcessingCore | undefined;
try {
  staging = new CsvStaging(stagingDir);
  const out = staging;
  core = new ProcessingCore(settings, { row: (table, row) => out.append(table, row), openSession: (s) => openSessions.push(s) });
  port.postMessage({ type: 'ready' });
} catch (error) {
  fail(error);
}

port.on('message', (message: ToShard) => {
  if (!core || !staging) return;
  try {
    if (message.type === 'records') {
      for (const record of message.records) core.push(record);
      port.postMessage({ type: 'ack' });
    } else {
      core.end();
      const staged = staging.close();
      port.postMessage({ type: 'done', stats: core.stats, openSessions, staged });
      port.close();
    }
  } catch (error) {
    fail(error);
  }
});

function fail(error: unknown): void {
  staging?.discard();
  core = undefined;
  port!.postMessage({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  port!.close();
}
