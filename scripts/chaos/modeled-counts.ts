// What the modeled tables hold for one chaos run's apps, on both paths: the Athena path read beside
// the running server the way `npm run sql` does (own in-memory DuckDB, same views over the Parquet
// files), the Redshift path from the stand-in's database file (only while the server is stopped).
import { DuckDbWarehouse, sqlString } from '@clickstream/runtime';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDbCatalog } from '../../services/model-athena/src/adapters/local/duckdb-catalog.js';
import { loadViewFiles } from '../../services/model-athena/src/domain/view-files.js';
import type { ModeledEvent, ModeledPath } from './compare.js';
import { badRowKey } from './ledger.js';

/** The Redshift stand-in's database file, where the model-redshift service keeps its tables in embedded mode. */
export const REDSHIFT_DATABASE = 'redshift.duckdb';

export interface AthenaPath extends ModeledPath {
  /** Copies in the raw `events` table beyond the first per event id: resends after a lost 200, removed by events_deduped. */
  rawCopies: number;
}

interface EventRow {
  event_id: string;
  n: number | string;
  is_bot: boolean | null;
  truncated: boolean | null;
  t: number | string | null;
}
interface BadRowCount {
  reason_code: string;
  event_id: string | null;
  n: number | string;
}

/** `app_id IN ($app0, $app1, …)` with its parameters. */
function appFilter(apps: readonly string[]): { sql: string; params: Record<string, string> } {
  if (apps.length === 0) throw new Error('no apps to read');
  const params = Object.fromEntries(apps.map((a, i) => [`app${i}`, a]));
  return { sql: `app_id IN (${Object.keys(params).map((k) => `$${k}`).join(', ')})`, params };
}

async function readPath(db: DuckDbWarehouse, events: string, badRows: string, apps: readonly string[]): Promise<ModeledPath> {
  const { sql: where, params } = appFilter(apps);
  const eventRows = await db.query<EventRow>(
    `SELECT event_id, count(*) AS n, any_value(is_bot) AS is_bot, any_value(truncated) AS truncated, epoch_ms(min(event_timestamp)) AS t
     FROM ${events} WHERE ${where} GROUP BY event_id`,
    params,
  );
  const badRowCounts = await db.query<BadRowCount>(
    `SELECT reason_code, event_id, count(*) AS n FROM ${badRows} WHERE ${where} GROUP BY reason_code, event_id`,
    params,
  );
  return {
    events: new Map(
      eventRows.map((r): [string, ModeledEvent] => [r.event_id, { rows: Number(r.n), isBot: r.is_bot, truncated: r.truncated, time: r.t === null ? null : Number(r.t) }]),
    ),
    badRows: new Map(badRowCounts.map((r) => [badRowKey(r.reason_code, r.event_id), Number(r.n)])),
  };
}

/** The Athena path: `events_deduped` and `bad_rows` over the Parquet files. */
export async function readAthenaPath(dataDir: string, apps: readonly string[]): Promise<AthenaPath> {
  const warehouse = await DuckDbWarehouse.open(':memory:', join(dataDir, 'warehouse'));
  try {
    await new DuckDbCatalog(warehouse, loadViewFiles()).refreshViews();
    const path = await readPath(warehouse, 'events_deduped', 'bad_rows', apps);
    const { sql: where, params } = appFilter(apps);
    const [raw] = await warehouse.query<{ copies: number | string }>(`SELECT count(*) - count(DISTINCT event_id) AS copies FROM events WHERE ${where}`, params);
    return { ...path, rawCopies: Number(raw?.copies ?? 0) };
  } finally {
    warehouse.close();
  }
}

/** The Redshift path's `events` and `bad_rows`, or undefined when the stand-in holds no tables (yet). */
export async function readRedshiftPath(dataDir: string, apps: readonly string[]): Promise<ModeledPath | undefined> {
  const file = join(dataDir, REDSHIFT_DATABASE);
  if (!existsSync(file)) return undefined;
  const db = await DuckDbWarehouse.open(':memory:', join(dataDir, 'warehouse'));
  try {
    await db.run(`ATTACH ${sqlString(file)} AS redshift (READ_ONLY)`);
    const tables = await db.query<{ schema_name: string; table_name: string }>(
      "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = 'redshift' AND table_name IN ('events', 'bad_rows') ORDER BY schema_name = 'main' DESC",
    );
    const schema = tables.find((t) => tables.some((u) => u.schema_name === t.schema_name && u.table_name !== t.table_name))?.schema_name;
    if (schema === undefined) return undefined;
    const table = (name: string) => `redshift."${schema.replaceAll('"', '""')}".${name}`;
    return await readPath(db, table('events'), table('bad_rows'), apps);
  } finally {
    db.close();
  }
}
