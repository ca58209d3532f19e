import type { AppHealthRecords, CompletedRun, ExpiredPartitions, LatestByKind, LoadOutcome, PipelineHealthStore } from '../../ports/pipeline-health.js';
import type { SqliteDatabase } from './sqlite-database.js';

/** How long run and load records are kept (the health view looks back one day). */
const KEEP_MS = 8 * 24 * 3_600_000;

export class SqliteHealthStore implements PipelineHealthStore {
  constructor(private readonly db: SqliteDatabase) {}

  async record(kind: string, at: string, summary: Record<string, unknown>): Promise<void> {
    // An older event delivered late (or replayed) must not hide a newer one.
    this.db
      .prepare(
        `INSERT INTO health_latest (kind, at, summary) VALUES (?, ?, ?)
         ON CONFLICT (kind) DO UPDATE SET at = excluded.at, summary = excluded.summary WHERE excluded.at >= health_latest.at`,
      )
      .run(kind, at, JSON.stringify(summary));
  }

  async recordRun(run: CompletedRun): Promise<void> {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO health_runs (job_id, started_at, completed_at) VALUES (?, ?, ?)
           ON CONFLICT (job_id) DO UPDATE SET started_at = excluded.started_at, completed_at = excluded.completed_at
           WHERE health_runs.completed_at IS NULL OR excluded.completed_at >= health_runs.completed_at`,
        )
        .run(run.jobId, run.startedAt, run.completedAt);
      const upsert = this.db.prepare(
        `INSERT INTO health_run_apps (job_id, app_id, events, bad_rows) VALUES (?, ?, ?, ?)
         ON CONFLICT (job_id, app_id) DO UPDATE SET events = excluded.events, bad_rows = excluded.bad_rows`,
      );
      for (const [appId, c] of Object.entries(run.apps)) upsert.run(run.jobId, appId, c.events, c.badRows);
      this.prune(new Date(Date.parse(run.completedAt) - KEEP_MS).toISOString());
    })();
  }

  async recordQueryable(jobId: string, queryableAt: string): Promise<void> {
    // The first time a job's partitions became queryable; a replay or a re-registration changes nothing.
    this.db
      .prepare(
        `INSERT INTO health_runs (job_id, queryable_at) VALUES (?, ?)
         ON CONFLICT (job_id) DO UPDATE SET queryable_at = min(coalesce(health_runs.queryable_at, excluded.queryable_at), excluded.queryable_at)`,
      )
      .run(jobId, queryableAt);
  }

  async recordLoad(load: LoadOutcome): Promise<void> {
    this.db.transaction(() => {
      // Newer outcome wins; at the same instant a completion beats a failure.
      this.db
        .prepare(
          `INSERT INTO health_loads (load_id, table_name, status, at, attempt, error) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (load_id, table_name) DO UPDATE SET status = excluded.status, at = excluded.at,
             attempt = excluded.attempt, error = excluded.error
           WHERE excluded.at > health_loads.at OR (excluded.at = health_loads.at AND excluded.status = 'completed')`,
        )
        .run(load.loadId, load.table, load.status, load.at, load.attempt ?? null, load.error ? JSON.stringify(load.error) : null);
      const link = this.db.prepare('INSERT INTO health_load_apps (load_id, table_name, app_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
      for (const appId of load.appIds) link.run(load.loadId, load.table, appId);
    })();
  }

  async recordRetention(expired: ExpiredPartitions): Promise<void> {
    this.db.transaction(() => {
      const newest = (this.db.prepare('SELECT max(expired_at) AS at FROM health_retention WHERE app_id = ?').get(expired.appId) as { at: string | null }).at;
      // An event of an older run (a late delivery or a replay) must not replace the newer run.
      if (newest !== null && newest > expired.expiredAt) return;
      this.db
        .prepare(
          `INSERT INTO health_retention (app_id, expired_at, table_name, first_partition, cutoff, retention_days, partitions, oldest_day, newest_day)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        )
        .run(expired.appId, expired.expiredAt, expired.table, expired.first, expired.cutoff, expired.retentionDays, expired.partitions, expired.oldestDay, expired.newestDay);
      // Only the last run is shown: an older one goes once a newer one starts.
      this.db.prepare('DELETE FROM health_retention WHERE app_id = ? AND expired_at < ?').run(expired.appId, expired.expiredAt);
    })();
  }

  async latest(): Promise<LatestByKind> {
    const rows = this.db.prepare('SELECT kind, at, summary FROM health_latest ORDER BY kind').all() as { kind: string; at: string; summary: string }[];
    return Object.fromEntries(rows.map((r) => [r.kind, { at: r.at, summary: JSON.parse(r.summary) as Record<string, unknown> }]));
  }

  async appRecords(appId: string, since: string): Promise<AppHealthRecords> {
    const runs = this.db
      .prepare(
        `SELECT r.job_id AS jobId, r.started_at AS startedAt, r.completed_at AS completedAt, a.events, a.bad_rows AS badRows
         FROM health_run_apps a JOIN health_runs r USING (job_id)
         WHERE a.app_id = ? AND r.completed_at >= ? ORDER BY r.completed_at, r.job_id`,
      )
      .all(appId, since) as AppHealthRecords['runs'];
    const lastRun = this.db
      .prepare(
        `SELECT r.job_id AS jobId, r.started_at AS startedAt, r.completed_at AS completedAt
         FROM health_run_apps a JOIN health_runs r USING (job_id)
         WHERE a.app_id = ? AND r.completed_at IS NOT NULL ORDER BY r.completed_at DESC LIMIT 1`,
      )
      .get(appId) as AppHealthRecords['lastRun'];
    const queryable = this.db
      .prepare(
        `SELECT r.job_id AS jobId, r.started_at AS startedAt, r.queryable_at AS queryableAt
         FROM health_run_apps a JOIN health_runs r USING (job_id)
         WHERE a.app_id = ? AND r.started_at IS NOT NULL AND r.queryable_at IS NOT NULL ORDER BY r.started_at DESC LIMIT 1`,
      )
      .get(appId) as AppHealthRecords['queryable'];
    const failed = this.db
      .prepare(
        `SELECT l.load_id AS loadId, l.table_name AS tableName, l.attempt, l.error, l.at
         FROM health_load_apps la JOIN health_loads l USING (load_id, table_name)
         WHERE la.app_id = ? AND l.status = 'failed' ORDER BY l.at`,
      )
      .all(appId) as { loadId: string; tableName: string; attempt: number | null; error: string | null; at: string }[];
    const retention = this.db
      .prepare(
        `SELECT app_id AS appId, table_name AS "table", expired_at AS expiredAt, cutoff, retention_days AS retentionDays,
                first_partition AS first, partitions, oldest_day AS oldestDay, newest_day AS newestDay
         FROM health_retention
         WHERE app_id = ? AND expired_at = (SELECT max(expired_at) FROM health_retention WHERE app_id = ?)
         ORDER BY table_name, first_partition`,
      )
      .all(appId, appId) as ExpiredPartitions[];
    return {
      runs,
      retention,
      ...(lastRun ? { lastRun } : {}),
      ...(queryable ? { queryable } : {}),
      failedLoads: failed.map((f) => ({
        loadId: f.loadId,
        table: f.tableName,
        attempt: f.attempt ?? 1,
        error: f.error ? (JSON.parse(f.error) as { code: string; message: string }) : { code: 'UNKNOWN', message: '' },
        failedAt: f.at,
      })),
    };
  }

  private prune(before: string): void {
    this.db.prepare('DELETE FROM health_run_apps WHERE job_id IN (SELECT job_id FROM health_runs WHERE completed_at < ?)').run(before);
    this.db.prepare('DELETE FROM health_runs WHERE completed_at < ? OR (completed_at IS NULL AND queryable_at < ?)').run(before, before);
    this.db
      .prepare(
        `DELETE FROM health_load_apps WHERE (load_id, table_name) IN
         (SELECT load_id, table_name FROM health_loads WHERE status = 'completed' AND at < ?)`,
      )
      .run(before);
    this.db.prepare("DELETE FROM health_loads WHERE status = 'completed' AND at < ?").run(before);
  }
}
