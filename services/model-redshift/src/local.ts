// The model-redshift service in embedded mode: file tracking in the local object store, the load
// state machine's ASL run in process (aws-local-stepfunctions), and a DuckDB database file
// (DATA_DIR/redshift.duckdb) standing in for Redshift, reached through the same SQL.
import { WarehouseTables, type TableName } from '@clickstream/contracts';
import { DuckDbWarehouse, type EmbeddedEnvironment, type LambdaFunction, type LocalService } from '@clickstream/runtime';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDbStatementRunner } from './adapters/local/duckdb-statement-runner.js';
import { LocalStepFunctions } from './adapters/local/local-step-functions.js';
import { ObjectStoreFileTracker } from './adapters/local/object-store-file-tracker.js';
import { ObjectStoreLeases } from './adapters/local/object-store-leases.js';
import { ObjectStoreManifests } from './adapters/local/object-store-manifests.js';
import { ObjectStorePipelineTargets } from './adapters/local/object-store-pipeline-targets.js';
import { readAsl } from './domain/asl.js';
import { LoadSettings } from './domain/load-settings.js';
import { applySchema } from './domain/migrations.js';
import { loadMigrations, loadViews } from './domain/sql-files.js';
import { handler as loadCheckStatement } from './handlers/load-check-statement.js';
import { handler as loadClaimFiles } from './handlers/load-claim-files.js';
import { handler as loadContinue } from './handlers/load-continue.js';
import { handler as loadLease } from './handlers/load-lease.js';
import { handler as loadMarkFiles } from './handlers/load-mark-files.js';
import { handler as loadPublish } from './handlers/load-publish.js';
import { handler as loadRunStatement } from './handlers/load-run-statement.js';
import { handler as loadWriteManifest } from './handlers/load-write-manifest.js';
import { handler as onPipelineConfigChanged } from './handlers/on-pipeline-config-changed.js';
import { handler as onProcessingCompleted } from './handlers/on-processing-completed.js';
import { handler as onPartitionsExpired } from './handlers/on-partitions-expired.js';
import { handler as scheduleStartLoad } from './handlers/schedule-start-load.js';
import { logger, useLocalPorts } from './wiring.js';

/** The functions the state machine's Task states call, by serverless.yml name. */
export const loadTaskFunctions: Readonly<Record<string, LambdaFunction>> = {
  'load-lease': loadLease,
  'load-claim-files': loadClaimFiles,
  'load-write-manifest': loadWriteManifest,
  'load-run-statement': loadRunStatement,
  'load-check-statement': loadCheckStatement,
  'load-mark-files': loadMarkFiles,
  'load-publish': loadPublish,
  'load-continue': loadContinue,
};

export const REDSHIFT_STAND_IN_FILE = 'redshift.duckdb';

export interface LocalRedshiftOptions {
  /** Milliseconds each Wait state waits locally (default 25: a few polls per statement, no 10 s pauses). */
  waitMs?: number;
  settings?: Partial<LoadSettings>;
}

export async function startLocal(env: EmbeddedEnvironment, options: LocalRedshiftOptions = {}): Promise<LocalService> {
  const db = await DuckDbWarehouse.open(join(env.dataDir, REDSHIFT_STAND_IN_FILE), env.warehouse.root);
  const statements = new DuckDbStatementRunner(db, env.objects);
  const leases = new ObjectStoreLeases(env.objects);
  const launcher = new LocalStepFunctions(readAsl(), loadTaskFunctions, { waitMs: options.waitMs ?? 25, logger });
  useLocalPorts({
    files: new ObjectStoreFileTracker(env.objects, env.clock),
    leases,
    targets: new ObjectStorePipelineTargets(env.objects),
    launcher,
    manifests: new ObjectStoreManifests(env.objects, env.warehouse.root),
    statements,
    publisher: env.publisher,
    clock: env.clock,
    settings: LoadSettings.parse(options.settings ?? {}),
  });
  // The schema exists before any trigger can arrive, as the custom resource makes it exist on deploy.
  await applySchema(statements, loadMigrations(), loadViews(), { pollMs: 2, timeoutMs: 60_000, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) });
  // Local executions live in this process: a lease left by the previous run (killed mid-load)
  // belongs to an execution that no longer exists, so it must not hold its table until it expires.
  for (const table of Object.keys(WarehouseTables) as TableName[]) await leases.forceRelease(table);
  return {
    serviceDir: fileURLToPath(new URL('..', import.meta.url)),
    functions: {
      'on-processing-completed': onProcessingCompleted,
      'schedule-start-load': scheduleStartLoad,
      'on-pipeline-config-changed': onPipelineConfigChanged,
      'on-partitions-expired': onPartitionsExpired,
    },
    stop: async () => {
      await launcher.idle();
      await statements.idle();
      db.close();
    },
  };
}
