import { DuckDbType, EventsTable, SessionsTable, UsersTable, type TableSpec } from '@clickstream/contracts';
import { SerialQueue, sqlString, type DuckDbWarehouse } from '@clickstream/runtime';
import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { activityDefinition, bucketOf, pageActivityDefinition, sequenceDefinition } from '../../domain/analytics/rollups.js';
import type { RelationName } from '../../domain/analytics/sql.js';

/**
 * Local copies of model-athena's analysis views, kept in sync with the Parquet files, so the
 * console's queries scan plain DuckDB tables instead of re-running the views' window functions
 * (dedupe by event id over all events, session and user merges) for every statement: on 10M
 * events that is seconds per statement against tens of milliseconds.
 *
 * Exactness: the copies equal the views. A new file of `events` can only change the rows of the
 * event ids it holds; the winner per (app_id, event_id) stays the first delivery by
 * (ingest_timestamp, request_id), as 001_events_deduped.sql defines it. New `sessions` / `users`
 * files change only their keys, whose merged rows are read from the views again. A file that
 * disappears or changes, or a view whose SQL changes, rebuilds everything from the views.
 *
 * Next to the copies it keeps the pre-aggregates of rollups.ts, made from the events copy: on new
 * files, the `activity` buckets and the `event_sequence` sessions any changed event belongs to
 * (before or after the change) are made again from the copy, so they stay what a rebuild makes.
 */
export class DuckDbAnalyticsSnapshot {
  private readonly queue = new SerialQueue();
  private ready = false;
  private dirty = true;
  private lastCheck = 0;

  constructor(
    private readonly warehouse: DuckDbWarehouse,
    private readonly options: { schema?: string; recheckMs?: number; now?: () => number } = {},
  ) {}

  private get schema(): string {
    return this.options.schema ?? 'console_analytics';
  }

  /** The relation to query: the copy once it exists, the view before (or if it cannot be made). */
  relation(name: RelationName): string {
    return this.ready && name !== 'bad_rows' ? `${this.schema}.${name}` : name;
  }

  /** Whether the pre-aggregates (rollups.ts) exist and are up to date: only with the copies. */
  get rollups(): boolean {
    return this.ready;
  }

  /** New data may have arrived: look at the files before the next query. */
  markDirty(): void {
    this.dirty = true;
  }

  /**
   * Brings the copies up to date if the files changed; returns whether they did. Checks at most
   * every `recheckMs` unless marked dirty. Serialised: concurrent callers wait for one refresh.
   */
  refresh(): Promise<boolean> {
    const now = (this.options.now ?? Date.now)();
    if (!this.dirty && this.ready && now - this.lastCheck < (this.options.recheckMs ?? 2_000)) return Promise.resolve(false);
    return this.queue.run(async () => {
      this.dirty = false;
      this.lastCheck = now;
      try {
        return await this.sync();
      } catch (error) {
        // Views not there yet (fresh data dir before model-athena started): query the relations themselves meanwhile.
        if (error instanceof ViewsMissing) {
          this.ready = false;
          this.dirty = true;
          return false;
        }
        throw error;
      }
    });
  }

  private async sync(): Promise<boolean> {
    const s = this.schema;
    const files = await this.listFiles();
    const definitions = await this.viewDefinitions();
    await this.warehouse.run(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await this.warehouse.run(`CREATE TABLE IF NOT EXISTS ${s}.files (table_name VARCHAR, path VARCHAR, size BIGINT, PRIMARY KEY (table_name, path))`);
    await this.warehouse.run(`CREATE TABLE IF NOT EXISTS ${s}.state (key VARCHAR PRIMARY KEY, value VARCHAR)`);
    const known = await this.warehouse.query<{ table_name: string; path: string; size: number | string }>(`SELECT table_name, path, size FROM ${s}.files`);
    const state = await this.warehouse.query<{ key: string; value: string }>(`SELECT key, value FROM ${s}.state`);
    const stored = (key: string) => state.find((r) => r.key === key)?.value;
    const knownByPath = new Map(known.map((k) => [k.path, Number(k.size)]));
    const current = new Map(files.map((f) => [f.path, f]));
    const replaced = known.some((k) => current.get(k.path)?.size !== Number(k.size));
    const added = files.filter((f) => !knownByPath.has(f.path));
    if (!this.ready || replaced || stored('definitions') !== definitions) {
      if (!(await this.tablesExist(COPIES)) || replaced || stored('definitions') !== definitions) {
        await this.rebuild(files, definitions);
        this.ready = true;
        return true;
      }
      await this.narrowCopies();
      // Copies from before the pre-aggregates existed, or of another definition of them: only those are made.
      if (stored('rollups') !== ROLLUPS_VERSION || !(await this.tablesExist(ROLLUPS))) {
        await this.transaction((run) => this.buildRollups(run));
      }
      this.ready = true;
    }
    if (added.length === 0) return false;
    await this.apply(added);
    return true;
  }

  private async tablesExist(names: readonly string[]): Promise<boolean> {
    const rows = await this.warehouse.query<{ table_name: string }>(`SELECT table_name FROM duckdb_tables() WHERE schema_name = $1`, [this.schema]);
    return names.every((name) => rows.some((r) => r.table_name === name));
  }

  /** The pre-aggregates of rollups.ts, from the events copy (sorted for range scans). */
  private async buildRollups(run: (sql: string) => Promise<void>): Promise<void> {
    const s = this.schema;
    await run(`CREATE OR REPLACE TABLE ${s}.activity AS ${activityDefinition(`${s}.events_deduped`)} ORDER BY "app_id", "bucket"`);
    await run(`CREATE OR REPLACE TABLE ${s}.page_activity AS ${pageActivityDefinition(`${s}.events_deduped`)} ORDER BY "app_id", "bucket"`);
    await run(`CREATE OR REPLACE TABLE ${s}.event_sequence AS ${sequenceDefinition(`${s}.events_deduped`)} ORDER BY "app_id", "event_timestamp"`);
    await run(`INSERT OR REPLACE INTO ${s}.state VALUES ('rollups', ${sqlString(ROLLUPS_VERSION)})`);
  }

  /**
   * The view's rows with its HUGEINT columns as BIGINT. DuckDB types a sum of BIGINTs HUGEINT
   * (Athena and Redshift: BIGINT); stored, HUGEINT is several times slower to scan (the session
   * breakdowns' sums: ~150 ms against ~35 ms over 28 days of 10M events). The values are per-row
   * counts and milliseconds, far inside BIGINT; one that is not fails the cast rather than change.
   */
  private async narrowSelect(view: (typeof COPIES)[number]): Promise<string> {
    const wide = await this.warehouse.query<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE SELECT * FROM ${view}) WHERE column_type = 'HUGEINT'`);
    if (wide.length === 0) return `SELECT * FROM ${view}`;
    return `SELECT * REPLACE (${wide.map((c) => `CAST("${c.column_name}" AS BIGINT) AS "${c.column_name}"`).join(', ')}) FROM ${view}`;
  }

  /** Copies made before narrowSelect: their HUGEINT columns become BIGINT in place (rows keep their order). */
  private async narrowCopies(): Promise<void> {
    const wide = await this.warehouse.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = $1 AND data_type = 'HUGEINT' AND table_name IN (${COPIES.map(sqlString).join(', ')})`,
      [this.schema],
    );
    if (wide.length === 0) return;
    await this.transaction(async (run) => {
      for (const c of wide) await run(`ALTER TABLE ${this.schema}.${c.table_name} ALTER COLUMN "${c.column_name}" SET DATA TYPE BIGINT`);
    });
  }

  /** Everything again from the views, in one transaction; the copies are sorted for range scans. */
  private async rebuild(files: DataFile[], definitions: string): Promise<void> {
    const s = this.schema;
    const [events, sessions, users] = await Promise.all(COPIES.map((view) => this.narrowSelect(view)));
    await this.transaction(async (run) => {
      await run(`CREATE OR REPLACE TABLE ${s}.events_deduped AS ${events} ORDER BY app_id, event_timestamp`);
      await run(`CREATE OR REPLACE TABLE ${s}.sessions_merged AS ${sessions} ORDER BY app_id, session_start`);
      await run(`CREATE OR REPLACE TABLE ${s}.users_merged AS ${users} ORDER BY app_id, first_touch_timestamp`);
      await this.buildRollups(run);
      await run(`DELETE FROM ${s}.files`);
      await this.track(run, files);
      await run(`INSERT OR REPLACE INTO ${s}.state VALUES ('definitions', ${sqlString(definitions)})`);
    });
  }

  /** Only what the new files change, in one transaction. */
  private async apply(added: DataFile[]): Promise<void> {
    const s = this.schema;
    const of = (table: string) => added.filter((f) => f.table === table);
    await this.transaction(async (run) => {
      const events = of('events');
      if (events.length > 0) {
        await run(`CREATE OR REPLACE TEMP TABLE incoming AS ${readFiles(EventsTable, events)}`);
        // Best new delivery per event; kept only where it beats the copy's current winner.
        await run(`CREATE OR REPLACE TEMP TABLE best AS SELECT * EXCLUDE (rank) FROM (
            SELECT *, row_number() OVER (PARTITION BY app_id, event_id ORDER BY ingest_timestamp, request_id) AS rank FROM incoming) WHERE rank = 1`);
        await run(`DELETE FROM best USING ${s}.events_deduped c
          WHERE c.app_id = best.app_id AND c.event_id = best.event_id
            AND (c.ingest_timestamp < best.ingest_timestamp OR (c.ingest_timestamp = best.ingest_timestamp AND c.request_id <= best.request_id))`);
        // The rows that change: the winners replaced and the new ones; their buckets and sessions are made again.
        await run(`CREATE OR REPLACE TEMP TABLE changed_events AS
          SELECT c.app_id, c.event_timestamp, c.session_id FROM ${s}.events_deduped c SEMI JOIN best ON c.app_id = best.app_id AND c.event_id = best.event_id
          UNION ALL SELECT app_id, event_timestamp, session_id FROM best`);
        await run(`DELETE FROM ${s}.events_deduped c USING best WHERE c.app_id = best.app_id AND c.event_id = best.event_id`);
        await run(`INSERT INTO ${s}.events_deduped BY NAME SELECT * FROM best`);
        await this.remakeRollups(run);
        await run('DROP TABLE changed_events');
        await run('DROP TABLE best');
        await run('DROP TABLE incoming');
      }
      for (const [table, view, spec, key] of [
        ['sessions', 'sessions_merged', SessionsTable, 'session_id'],
        ['users', 'users_merged', UsersTable, 'user_pseudo_id'],
      ] as const) {
        const files = of(table);
        if (files.length === 0) continue;
        await run(`CREATE OR REPLACE TEMP TABLE changed AS SELECT DISTINCT app_id, ${key} FROM (${readFiles(spec, files)})`);
        await run(`DELETE FROM ${s}.${view} c USING changed k WHERE c.app_id = k.app_id AND c.${key} = k.${key}`);
        await run(`INSERT INTO ${s}.${view} BY NAME SELECT v.* FROM ${view} v SEMI JOIN changed k ON v.app_id = k.app_id AND v.${key} = k.${key}`);
        await run('DROP TABLE changed');
      }
      await this.track(run, added);
    });
  }

  /** Makes again, from the events copy, the activity and page_activity buckets and the event_sequence sessions of `changed_events`. */
  private async remakeRollups(run: (sql: string) => Promise<void>): Promise<void> {
    const s = this.schema;
    const bucket = bucketOf('event_timestamp');
    await run(`CREATE OR REPLACE TEMP TABLE changed_buckets AS
      SELECT DISTINCT app_id, ${bucket} AS bucket FROM changed_events WHERE event_timestamp IS NOT NULL`);
    // The time bounds let the scans skip the copy's row groups outside the changed buckets.
    const inChanged = `e.event_timestamp >= (SELECT min(bucket) FROM changed_buckets) AND e.event_timestamp < (SELECT max(bucket) FROM changed_buckets) + INTERVAL 1 DAY
        AND EXISTS (SELECT 1 FROM changed_buckets k WHERE k.app_id = e.app_id AND k.bucket = ${bucketOf('e.event_timestamp')})`;
    for (const [table, definition] of [
      ['activity', activityDefinition],
      ['page_activity', pageActivityDefinition],
    ] as const) {
      await run(`DELETE FROM ${s}.${table} r USING changed_buckets k WHERE r.app_id = k.app_id AND r.bucket = k.bucket`);
      await run(`INSERT INTO ${s}.${table} BY NAME ${definition(`${s}.events_deduped`, inChanged)}`);
    }
    await run(`CREATE OR REPLACE TEMP TABLE changed_sessions AS SELECT DISTINCT app_id, session_id FROM changed_events WHERE session_id IS NOT NULL`);
    await run(`DELETE FROM ${s}.event_sequence r USING changed_sessions k WHERE r.app_id = k.app_id AND r.session_id = k.session_id`);
    await run(`INSERT INTO ${s}.event_sequence BY NAME ${sequenceDefinition(
      `${s}.events_deduped`,
      'EXISTS (SELECT 1 FROM changed_sessions k WHERE k.app_id = e.app_id AND k.session_id = e.session_id)',
    )}`);
    await run('DROP TABLE changed_buckets');
    await run('DROP TABLE changed_sessions');
  }

  private async track(run: (sql: string) => Promise<void>, files: DataFile[]): Promise<void> {
    for (let i = 0; i < files.length; i += 500) {
      const values = files
        .slice(i, i + 500)
        .map((f) => `(${sqlString(f.table)}, ${sqlString(f.path)}, ${f.size})`)
        .join(', ');
      await run(`INSERT OR REPLACE INTO ${this.schema}.files VALUES ${values}`);
    }
  }

  private async transaction(fn: (run: (sql: string) => Promise<void>) => Promise<void>): Promise<void> {
    await this.warehouse.withConnection(async (c) => {
      await c.run('BEGIN TRANSACTION');
      try {
        await fn(async (sql) => {
          await c.run(sql);
        });
        await c.run('COMMIT');
      } catch (error) {
        await c.run('ROLLBACK');
        throw error;
      }
    });
  }

  private async viewDefinitions(): Promise<string> {
    const rows = await this.warehouse.query<{ view_name: string; sql: string }>(
      `SELECT view_name, sql FROM duckdb_views() WHERE view_name IN ('events_deduped', 'sessions_merged', 'users_merged') AND NOT internal ORDER BY view_name`,
    );
    if (rows.length < 3) throw new ViewsMissing();
    return createHash('sha256').update(rows.map((r) => `${r.view_name}\n${r.sql}`).join('\n')).digest('hex');
  }

  private async listFiles(): Promise<DataFile[]> {
    const out: DataFile[] = [];
    for (const table of ['events', 'sessions', 'users']) {
      const dir = join(this.warehouse.root, table);
      let names: string[];
      try {
        names = await readdir(dir, { recursive: true });
      } catch {
        continue;
      }
      // All at once: one after another, the stats of a few hundred files took ~50 ms of every refresh.
      const paths = names.filter((n) => n.endsWith('.parquet')).sort().map((name) => join(dir, name));
      const infos = await Promise.all(paths.map((path) => stat(path).catch(() => undefined)));
      paths.forEach((path, i) => {
        const info = infos[i];
        if (info) out.push({ table, path, size: info.size });
      });
    }
    return out;
  }
}

const COPIES = ['events_deduped', 'sessions_merged', 'users_merged'] as const;
const ROLLUPS = ['activity', 'page_activity', 'event_sequence'] as const;
/** Changes with the pre-aggregates' definitions, so tables made by another version are made again. */
const ROLLUPS_VERSION = createHash('sha256').update([activityDefinition, pageActivityDefinition, sequenceDefinition].map((d) => d('source')).join('\n')).digest('hex');

class ViewsMissing extends Error {
  constructor() {
    super('the analysis views do not exist yet');
  }
}

interface DataFile {
  table: string;
  path: string;
  size: number;
}

/** The files' rows typed exactly as model-athena's table views type them (contract columns, hive keys). */
function readFiles(spec: TableSpec, files: DataFile[]): string {
  const columns = [...spec.columns, ...spec.partitionKeys];
  const select = columns.map((c) => `CAST("${c.name}" AS ${DuckDbType[c.type]}) AS "${c.name}"`).join(', ');
  const list = files.map((f) => sqlString(f.path)).join(', ');
  return `SELECT ${select} FROM read_parquet([${list}], hive_partitioning = true, union_by_name = true,
    hive_types = {'app_id': VARCHAR, 'year': INTEGER, 'month': INTEGER, 'day': INTEGER})`;
}
