// A load harness for tests: a temporary warehouse folder with real Parquet files, the local
// adapters, a DuckDB Redshift stand-in with the schema applied, a settable clock and a publisher
// that records what it sends — then the real ASL, run by LocalStepFunctions.
import { DuckDbType, WarehouseTables, partitionLocation, type DetailInputOf, type EventContract, type TableName } from '@clickstream/contracts';
import type { EventPublisher } from '@clickstream/lambda-kit';
import { DuckDbWarehouse, FsObjectStore, sqlString } from '@clickstream/runtime';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TestContext } from 'node:test';
import { DuckDbStatementRunner } from '../../src/adapters/local/duckdb-statement-runner.js';
import { LocalStepFunctions } from '../../src/adapters/local/local-step-functions.js';
import { ObjectStoreFileTracker } from '../../src/adapters/local/object-store-file-tracker.js';
import { ObjectStoreLeases } from '../../src/adapters/local/object-store-leases.js';
import { ObjectStoreManifests } from '../../src/adapters/local/object-store-manifests.js';
import { ObjectStorePipelineTargets } from '../../src/adapters/local/object-store-pipeline-targets.js';
import { readAsl } from '../../src/domain/asl.js';
import { LoadSettings } from '../../src/domain/load-settings.js';
import { applySchema } from '../../src/domain/migrations.js';
import { loadMigrations, loadViews, type Migration } from '../../src/domain/sql-files.js';
import { loadTaskFunctions } from '../../src/local.js';
import type { ModelRedshiftPorts } from '../../src/ports/index.js';
import { useLocalPorts } from '../../src/wiring.js';

export const JOB = 'job-00000000000000000000-00000000000000000012';
export const DAY = { year: 2026, month: 11, day: 29 };

export interface Published {
  detailType: string;
  detail: unknown;
}

export class RecordingPublisher implements EventPublisher {
  readonly sent: Published[] = [];
  async publish<C extends EventContract>(contract: C, detail: DetailInputOf<C>): Promise<void> {
    this.sent.push({ detailType: contract.detailType, detail: contract.schema.parse(detail) });
  }
}

export interface Harness {
  dir: string;
  warehouseRoot: string;
  store: FsObjectStore;
  db: DuckDbWarehouse;
  clock: { now: () => number; set(ms: number): void; advance(ms: number): void };
  publisher: RecordingPublisher;
  ports: ModelRedshiftPorts;
  sfn: LocalStepFunctions;
  files: ObjectStoreFileTracker;
  /** One execution of the load state machine for `table`, to its end. */
  run(table: TableName, chainId?: string): ReturnType<LocalStepFunctions['run']>;
  count(sql: string): Promise<number>;
}

export async function harness(
  t: TestContext,
  settings: Partial<LoadSettings> = {},
  { waitMs = 1, migrations = loadMigrations() }: { waitMs?: number; /** The schema to start from (default: every migration). */ migrations?: Migration[] } = {},
): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'redshift-load-'));
  const warehouseRoot = join(dir, 'warehouse');
  await mkdir(warehouseRoot, { recursive: true });
  const store = new FsObjectStore(join(dir, 'objects'));
  const db = await DuckDbWarehouse.open(join(dir, 'redshift.duckdb'), warehouseRoot);
  let now = Date.UTC(2026, 10, 29, 10, 20, 0);
  const clock = { now: () => now, set: (ms: number) => void (now = ms), advance: (ms: number) => void (now += ms) };
  const statements = new DuckDbStatementRunner(db, store);
  const publisher = new RecordingPublisher();
  const files = new ObjectStoreFileTracker(store, clock);
  const sfn = new LocalStepFunctions(readAsl(), loadTaskFunctions, { waitMs });
  const ports: ModelRedshiftPorts = {
    files,
    leases: new ObjectStoreLeases(store),
    targets: new ObjectStorePipelineTargets(store),
    launcher: sfn,
    manifests: new ObjectStoreManifests(store, warehouseRoot),
    statements,
    publisher,
    clock,
    settings: LoadSettings.parse(settings),
  };
  useLocalPorts(ports);
  await applySchema(statements, migrations, loadViews(), { pollMs: 1, timeoutMs: 30_000, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) });
  t.after(async () => {
    await sfn.idle();
    await statements.idle();
    db.close();
    await rm(dir, { recursive: true, force: true });
  });
  let chains = 0;
  return {
    dir,
    warehouseRoot,
    store,
    db,
    clock,
    publisher,
    ports,
    sfn,
    files,
    run: (table, chainId) => sfn.run({ table, chainId: chainId ?? `${table}-chain-${++chains}`, generation: 0 }),
    count: async (sql) => Number((await db.query<{ n: number | string }>(sql))[0]?.n ?? 0),
  };
}

/**
 * Writes rows as Parquet the way process does (the contract's file columns, in order, typed with
 * DuckDB types; partition keys only in the path) at `<table>/app_id=…/…/<job>.parquet`.
 */
export async function writeParquet(
  root: string,
  table: TableName,
  appId: string,
  rows: readonly Record<string, unknown>[],
  {
    job = JOB,
    day = DAY,
    without = [],
  }: { job?: string; day?: { year: number; month: number; day: number }; /** Columns a file written before they existed lacks. */ without?: readonly string[] } = {},
): Promise<{ key: string; rows: number }> {
  const spec = { ...WarehouseTables[table], columns: WarehouseTables[table].columns.filter((c) => !without.includes(c.name)) };
  const key = `${partitionLocation({ table, appId, ...day })}/${job}.parquet`;
  const path = join(root, key);
  await mkdir(dirname(path), { recursive: true });
  const jsonl = `${path}.jsonl`;
  await writeFile(jsonl, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const types = spec.columns.map((c) => `${sqlString(c.name)}: ${sqlString(DuckDbType[c.type])}`).join(', ');
  const select = spec.columns.map((c) => `"${c.name}"`).join(', ');
  const db = await DuckDbWarehouse.open(':memory:', root);
  try {
    await db.run(
      `COPY (SELECT ${select} FROM read_json(${sqlString(jsonl)}, format = 'newline_delimited', columns = {${types}})) TO ${sqlString(path)} (FORMAT parquet)`,
    );
  } finally {
    db.close();
    await rm(jsonl, { force: true });
  }
  return { key, rows: rows.length };
}

let seq = 0;
/** An events row with the fields the tests look at; the rest stay null. */
export function eventRow(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  seq++;
  return {
    event_id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    event_type: '_page_view',
    event_timestamp: '2026-11-29 10:00:00',
    client_timestamp: 1_795_000_000_000,
    ingest_timestamp: '2026-11-29 10:00:01',
    user_pseudo_id: 'user-1',
    session_id: 'session-1',
    request_id: `req-${seq}`,
    is_bot: false,
    truncated: false,
    ...overrides,
  };
}

export function sessionRow(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    session_id: 'session-1',
    user_pseudo_id: 'user-1',
    is_server_session: false,
    session_start: '2026-11-29 10:00:00',
    session_end: '2026-11-29 10:05:00',
    duration_ms: 300_000,
    entry_page: 'https://shop.example.com/',
    exit_page: 'https://shop.example.com/cart',
    page_view_count: 2,
    event_count: 3,
    engagement_time_msec: 20_000,
    is_bounce: false,
    channel_group: 'Direct',
    ...overrides,
  };
}

export function userRow(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    user_pseudo_id: 'user-1',
    first_touch_timestamp: '2026-11-29 10:00:00',
    first_channel_group: 'Direct',
    user_attributes: '{}',
    event_count: 3,
    last_seen: '2026-11-29 10:05:00',
    ...overrides,
  };
}

export function itemRow(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event_id: '00000000-0000-4000-8000-000000000001',
    event_type: 'add_to_cart',
    event_timestamp: '2026-11-29 10:00:00',
    user_pseudo_id: 'user-1',
    session_id: 'session-1',
    item_index: 0,
    item_id: 'sku-1',
    price: 9.5,
    quantity: 1,
    ...overrides,
  };
}

export function badRow(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { request_id: 'req-bad', ingest_timestamp: '2026-11-29 10:00:01', reason_code: 'INVALID_EVENT', reason: 'event_id must be a UUID', raw: '{}', ...overrides };
}
