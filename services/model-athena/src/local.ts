// The model-athena service in embedded mode: DuckDB views stand in for Glue and Athena.
import type { EmbeddedEnvironment, LocalService } from '@clickstream/runtime';
import { fileURLToPath } from 'node:url';
import { DuckDbCatalog } from './adapters/local/duckdb-catalog.js';
import { DuckDbPartitionRemover } from './adapters/local/duckdb-partition-remover.js';
import { loadViewFiles } from './domain/view-files.js';
import { handler as onProcessingCompleted } from './handlers/on-processing-completed.js';
import { handler as scheduleCreatePartitions } from './handlers/schedule-create-partitions.js';
import { handler as onPartitionsExpired } from './handlers/on-partitions-expired.js';
import { useLocalRetentionPorts } from './retention-wiring.js';
import { useLocalPorts } from './wiring.js';

export async function startLocal(env: EmbeddedEnvironment): Promise<LocalService> {
  const catalog = new DuckDbCatalog(env.warehouse, loadViewFiles());
  useLocalPorts({ catalog, views: catalog, publisher: env.publisher, clock: env.clock });
  useLocalRetentionPorts({ partitions: new DuckDbPartitionRemover(env.warehouse, catalog) });
  return {
    serviceDir: fileURLToPath(new URL('..', import.meta.url)),
    functions: {
      'on-processing-completed': onProcessingCompleted,
      'schedule-create-partitions': scheduleCreatePartitions,
      'on-partitions-expired': onPartitionsExpired,
    },
    // Views exist from the first start, so queries work before any data arrives.
    start: async () => {
      await catalog.ensureSchema();
      await catalog.apply(loadViewFiles());
    },
  };
}
