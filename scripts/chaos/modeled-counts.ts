// What the modeled tables hold of one chaos run, read beside the running server the way
// `npm run sql` does (own in-memory DuckDB, same views over the Parquet files).
import { DuckDbWarehouse } from '@clickstream/runtime';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDbCatalog } from '../../services/model-athena/src/adapters/local/duckdb-catalog.js';
import { loadViewFiles } from '../../services/model-athena/src/domain/view-files.js';

export interface ModeledCounts {
  /** Acknowledged valid event ids absent from `events_deduped`. */
  missing: string[];
  /** Rows beyond the first for an event id in `events_deduped` (must be 0). */
  duplicated: number;
  /** Extra copies in the raw `events` table (client retries after a lost 200). */
  retriedCopies: number;
  badRowsFound: number;
  badRowsMissing: number;
  redshift?: { lost: number; duplicated: number };
}

/** The Redshift stand-in's database file, where the model-redshift service keeps its tables in embedded mode. */
export const REDSHIFT_DATABASE = 'redshift.duckdb';

export async function countModeled(
  dataDir: string,
  runTag: string,
  ackedValid: ReadonlySet<string>,
  ackedInvalid: ReadonlySet<string>,
  options: { redshift?: boolean } = {},
): Promise<ModeledCounts> {
  const warehouse = await DuckDbWarehouse.open(':memory:', join(dataDir, 'warehouse'));
  try {
    await new DuckDbCatalog(warehouse, loadViewFiles()).refreshViews();
    const like = { pattern: `${runTag}-%` };
    const deduped = await warehouse.query<{ event_id: string; n: number | string }>(
      'SELECT event_id, count(*) AS n FROM events_deduped WHERE event_id LIKE $pattern GROUP BY event_id',
      like,
    );
    const found = new Map(deduped.map((r) => [r.event_id, Number(r.n)]));
    const [raw] = await warehouse.query<{ copies: number | string }>(
      'SELECT count(*) - count(DISTINCT event_id) AS copies FROM events WHERE event_id LIKE $pattern',
      like,
    );
    const bad = await warehouse.query<{ event_id: string }>('SELECT DISTINCT event_id FROM bad_rows WHERE event_id LIKE $pattern', like);
    const badIds = new Set(bad.map((r) => r.event_id));
    const counts: ModeledCounts = {
      missing: [...ackedValid].filter((id) => !found.has(id)),
      duplicated: [...found.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0),
      retriedCopies: Number(raw?.copies ?? 0),
      badRowsFound: [...ackedInvalid].filter((id) => badIds.has(id)).length,
      badRowsMissing: [...ackedInvalid].filter((id) => !badIds.has(id)).length,
    };
    if (options.redshift) counts.redshift = await redshiftCounts(dataDir, like.pattern, ackedValid);
    return counts;
  } finally {
    warehouse.close();
  }
}

/** The Redshift path's `events` table, when the model-redshift service keeps one; undefined otherwise. */
async function redshiftCounts(dataDir: string, pattern: string, ackedValid: ReadonlySet<string>): Promise<{ lost: number; duplicated: number } | undefined> {
  const path = join(dataDir, REDSHIFT_DATABASE);
  if (!existsSync(path)) return undefined;
  const db = await DuckDbWarehouse.open(':memory:', join(dataDir, 'warehouse'));
  try {
    await db.run(`ATTACH '${path.replaceAll("'", "''")}' AS redshift (READ_ONLY)`);
    const tables = await db.query<{ schema_name: string }>(
      "SELECT schema_name FROM duckdb_tables() WHERE database_name = 'redshift' AND table_name = 'events' ORDER BY schema_name = 'main' DESC LIMIT 1",
    );
    if (tables.length === 0) return undefined;
    const table = `redshift."${tables[0]!.schema_name}".events`;
    const rows = await db.query<{ event_id: string; n: number | string }>(
      `SELECT event_id, count(*) AS n FROM ${table} WHERE event_id LIKE $pattern GROUP BY event_id`,
      { pattern },
    );
    const found = new Map(rows.map((r) => [r.event_id, Number(r.n)]));
    return {
      lost: [...ackedValid].filter((id) => !found.has(id)).length,
      duplicated: [...found.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0),
    };
  } finally {
    db.close();
  }
}
