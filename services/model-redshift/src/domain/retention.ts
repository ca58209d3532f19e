import type { DetailOf, PartitionsExpired, TableName } from '@clickstream/contracts';
import type { ModelRedshiftPorts } from '../ports/index.js';
import type { LoadStatement } from '../ports/statement-runner.js';
import { expireTrackedFiles } from './expired-files.js';
import { loadMergeStatements } from './sql-files.js';

/** The key of the merged tables: their rows are recomputed from the parts left. */
const MERGED_KEY: Partial<Record<TableName, string>> = { sessions: 'session_id', users: 'user_pseudo_id' };

/**
 * The statements that delete an app's rows of the UTC days before `cutoff` from one warehouse
 * table, as one transaction. The day is the partition's (year/month/day columns), the same day
 * process deleted the files of. events, items, bad_rows: a DELETE. sessions and users: the
 * expired parts go, and every key they belonged to is recomputed from the parts that are left with
 * the load's own merge (sql/merge/<table>.sql, its touched keys swapped for the expired ones), so
 * the merged rows stay what model-athena's merged views compute from the remaining files. Rows
 * older than the cutoff go whichever partitions the event names: a missed earlier event is
 * covered by the next one. Running them again deletes nothing more.
 */
export function expiryStatements(table: TableName, appId: string, cutoff: string, merges: (table: TableName) => string[] = loadMergeStatements): LoadStatement[] {
  // Both come from a validated contract; checked again because they are written into the SQL.
  if (!/^[A-Za-z0-9_]{1,64}$/.test(appId)) throw new Error(`bad app id ${appId}`);
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(cutoff);
  if (!m) throw new Error(`bad cutoff ${cutoff}`);
  const before = `app_id = '${appId}' AND year * 10000 + month * 100 + day < ${Number(m[1]) * 10_000 + Number(m[2]) * 100 + Number(m[3])}`;
  const sql = (text: string): LoadStatement => ({ kind: 'sql', sql: text });
  const key = MERGED_KEY[table];
  if (!key) return [sql(`DELETE FROM ${table} WHERE ${before}`)];

  const parts = `${table}_parts`;
  const expired = `expired_${table}`;
  const statements = merges(table);
  const recompute = statements.find((s) => s.startsWith(`CREATE TEMP TABLE merge_${table} `));
  const merge = statements.find((s) => s.startsWith(`MERGE INTO ${table} `));
  const touched = new RegExp(`\\(SELECT DISTINCT app_id, ${key} FROM stage_${table}\\) touched`, 'g');
  if (!recompute || !merge || (recompute.match(touched) ?? []).length !== 1) {
    throw new Error(`sql/merge/${table}.sql no longer has the shape retention reuses (CREATE TEMP TABLE merge_${table} … touched, MERGE INTO ${table})`);
  }
  return [
    sql(`CREATE TEMP TABLE ${expired} AS SELECT DISTINCT app_id, ${key} FROM ${parts} WHERE ${before}`),
    sql(`DELETE FROM ${parts} WHERE ${before}`),
    sql(`DELETE FROM ${table} USING ${expired} WHERE ${table}.app_id = ${expired}.app_id AND ${table}.${key} = ${expired}.${key}`),
    sql(recompute.replace(touched, `(SELECT DISTINCT app_id, ${key} FROM ${expired}) touched`)),
    sql(merge),
    sql(`DROP TABLE merge_${table}`),
    sql(`DROP TABLE ${expired}`),
  ];
}

export interface ExpiryOptions {
  /** Lease owner (one per delivery). */
  owner: string;
  sleep: (ms: number) => Promise<void>;
  /** How long to wait for a running load of the table to hand its lease over. */
  leaseWaitMs: number;
  /** How long to wait for the statements to finish. */
  statementWaitMs: number;
  pollMs: number;
}

/** What one PartitionsExpired.v1 changed here. */
export interface ExpiryOutcome {
  /** Tracked files of the expired days moved to EXPIRED (they will never load). */
  filesExpired: string[];
}

/**
 * Applies one PartitionsExpired.v1 to Redshift. First, without the lease, the app's NEW and FAILED
 * files of the expired days become EXPIRED (conditional moves, safe beside a running load), so a
 * load chain working through the backlog stops taking them at its next batch. Then, under the
 * table's load lease (a load and a deletion never interleave on it), the files a load held or
 * failed meanwhile go the same way, and the rows are deleted; this waits for the transaction to
 * finish. Throws when the lease stays taken or the statements fail or run too long: the event is
 * delivered again, which is harmless.
 */
export async function expirePartitions(
  p: Pick<ModelRedshiftPorts, 'files' | 'statements' | 'leases' | 'clock' | 'settings'>,
  detail: DetailOf<typeof PartitionsExpired>,
  options: ExpiryOptions,
): Promise<ExpiryOutcome> {
  const statements = expiryStatements(detail.table, detail.appId, detail.cutoff);
  const scope = { table: detail.table, appId: detail.appId, cutoff: detail.cutoff };
  const before = await expireTrackedFiles(p.files, scope, p.clock.now(), { holdsLease: false });
  const ttl = p.settings.LEASE_TTL_SECONDS * 1000;
  const waitUntil = p.clock.now() + options.leaseWaitMs;
  while (!(await p.leases.acquire(detail.table, options.owner, p.clock.now(), ttl))) {
    if (p.clock.now() >= waitUntil) throw new Error(`the ${detail.table} table stayed leased by a load for ${options.leaseWaitMs} ms; retrying later`);
    await options.sleep(options.pollMs);
  }
  // Set from the moment the transaction may have started until it is known to have ended.
  let mayRun = false;
  try {
    const underLease = await expireTrackedFiles(p.files, scope, p.clock.now(), { holdsLease: true });
    mayRun = true;
    const id = await p.statements.start(statements);
    const deadline = p.clock.now() + options.statementWaitMs;
    for (;;) {
      const state = await p.statements.describe(id);
      if (state.status === 'FINISHED') break;
      if (state.status === 'FAILED') {
        mayRun = false;
        throw new Error(`deleting expired rows of ${detail.table} (${detail.appId}, before ${detail.cutoff}) failed: ${state.error}`);
      }
      if (p.clock.now() >= deadline) throw new Error(`deleting expired rows of ${detail.table} still running after ${options.statementWaitMs} ms`);
      await options.sleep(options.pollMs);
    }
    mayRun = false;
    return { filesExpired: [...before.expired, ...underLease.expired] };
  } finally {
    // A transaction still running keeps the lease until it expires: no load may start beside it.
    if (!mayRun) await p.leases.release(detail.table, options.owner);
  }
}
