// The process service in embedded mode: the same handlers, bound to the local engines.
import { FsObjectStore, type EmbeddedEnvironment, type LocalService } from '@clickstream/runtime';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDbTableWriter } from './adapters/local/duckdb-table-writer.js';
import { InProcessLauncher } from './adapters/local/in-process-launcher.js';
import { LogRawInput } from './adapters/local/log-raw-input.js';
import { ObjectStoreCheckpoints } from './adapters/local/object-store-checkpoints.js';
import { ObjectStoreOutbox } from './adapters/local/object-store-outbox.js';
import { ObjectStorePipelineConfigs } from './adapters/local/object-store-pipeline-configs.js';
import { ObjectStoreSessionState } from './adapters/local/object-store-session-state.js';
import { WorkerEngine } from './adapters/local/worker-engine.js';
import { ObjectStoreAppRetention } from './adapters/local/object-store-app-retention.js';
import { ObjectStoreExpiryAnnouncements } from './adapters/local/object-store-expiry-announcements.js';
import { ObjectStoreWarehousePartitions } from './adapters/local/object-store-warehouse-partitions.js';
import { handler as onJobStateChange } from './handlers/on-job-state-change.js';
import { handler as onPipelineConfigChanged } from './handlers/on-pipeline-config-changed.js';
import { handler as scheduleStartJob } from './handlers/schedule-start-job.js';
import { handler as onAppChanged } from './handlers/on-app-changed.js';
import { handler as scheduleApplyRetention } from './handlers/schedule-apply-retention.js';
import { useLocalRetentionPorts } from './retention-wiring.js';
import { useLocalPorts } from './wiring.js';

export interface ProcessLocalOptions {
  /** Stream records (uploads) per run. The input streams through the core, so this bounds a run's duration, not its memory. */
  maxRecordsPerRun?: number;
  /** Worker threads a large run is split over (by user; smaller runs use one core in process). Default: the machine's cores, at most 8. */
  processingThreads?: number;
}

export async function startLocal(env: EmbeddedEnvironment, options: ProcessLocalOptions = {}): Promise<LocalService> {
  const pipelineConfigs = new ObjectStorePipelineConfigs(env.objects);
  const outbox = new ObjectStoreOutbox(env.objects);
  const retention = new ObjectStoreAppRetention(env.objects);
  const copier = await DuckDbTableWriter.openCopier(env.warehouse.root);
  const writer = new DuckDbTableWriter(copier, join(env.dataDir, 'process', 'staging'));
  const jobPorts = {
    input: new LogRawInput(env.stream),
    checkpoints: new ObjectStoreCheckpoints(env.objects),
    writer,
    engine: new WorkerEngine(writer, { threads: options.processingThreads }),
    sessionState: new ObjectStoreSessionState(env.objects),
    pipelineConfigs,
    retention,
    publisher: env.publisher,
    clock: env.clock,
  };
  useLocalPorts({
    jobs: new InProcessLauncher(jobPorts, options.maxRecordsPerRun ?? 50_000, () => outbox.drain(env.publisher)),
    // Locally the run publishes its own result; EMR state changes never arrive.
    results: { read: async () => undefined },
    pipelineConfigs,
    publisher: env.publisher,
    clock: env.clock,
  });
  // Retention deletes warehouse files through the object-store port, rooted at the warehouse folder.
  useLocalRetentionPorts({
    retention,
    partitions: new ObjectStoreWarehousePartitions(new FsObjectStore(env.warehouse.root)),
    announcements: new ObjectStoreExpiryAnnouncements(env.objects),
    publisher: env.publisher,
    clock: env.clock,
  });
  return {
    serviceDir: fileURLToPath(new URL('..', import.meta.url)),
    functions: {
      'schedule-start-job': scheduleStartJob,
      'on-job-state-change': onJobStateChange,
      'on-pipeline-config-changed': onPipelineConfigChanged,
      'on-app-changed': onAppChanged,
      'schedule-apply-retention': scheduleApplyRetention,
    },
    // Reprocessing done while the platform was stopped is announced as soon as it is back.
    start: async () => {
      await outbox.drain(env.publisher);
    },
    stop: async () => {
      copier.close();
    },
  };
}
