// The process service in embedded mode: the same handlers, bound to the local engines.
import type { EmbeddedEnvironment, LocalService } from '@clickstream/runtime';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDbTableWriter } from './adapters/local/duckdb-table-writer.js';
import { InProcessLauncher } from './adapters/local/in-process-launcher.js';
import { LogRawInput } from './adapters/local/log-raw-input.js';
import { ObjectStoreCheckpoints } from './adapters/local/object-store-checkpoints.js';
import { handler as onJobStateChange } from './handlers/on-job-state-change.js';
import { handler as scheduleStartJob } from './handlers/schedule-start-job.js';
import { useLocalPorts } from './wiring.js';

export interface ProcessLocalOptions {
  /** Stream records (uploads) per run: a run holds its input in memory, so this bounds memory (~10 KB per upload). */
  maxRecordsPerRun?: number;
}

export async function startLocal(env: EmbeddedEnvironment, options: ProcessLocalOptions = {}): Promise<LocalService> {
  const jobPorts = {
    input: new LogRawInput(env.stream),
    checkpoints: new ObjectStoreCheckpoints(env.objects),
    writer: new DuckDbTableWriter(env.warehouse, join(env.dataDir, 'process', 'staging')),
    publisher: env.publisher,
    clock: env.clock,
  };
  useLocalPorts({
    jobs: new InProcessLauncher(jobPorts, options.maxRecordsPerRun ?? 5_000),
    // Locally the run publishes its own result; EMR state changes never arrive.
    results: { read: async () => undefined },
    publisher: env.publisher,
    clock: env.clock,
  });
  return {
    serviceDir: fileURLToPath(new URL('..', import.meta.url)),
    functions: { 'schedule-start-job': scheduleStartJob, 'on-job-state-change': onJobStateChange },
  };
}
