import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

/** One schema change. Applied once, in order, each in its own transaction; never edited once released. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'control plane: projects, apps, pipeline versions, metadata',
    sql: `
      CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE projects (
        project_id TEXT PRIMARY KEY,
        revision INTEGER NOT NULL,
        doc TEXT NOT NULL
      );
      -- A deleted app keeps its row (doc NULL) so its id is never reused and revisions stay monotonic.
      CREATE TABLE apps (
        app_id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL,
        revision INTEGER NOT NULL,
        deleted_at TEXT,
        doc TEXT
      );
      CREATE INDEX apps_by_project ON apps (project_id);
      CREATE TABLE pipeline_versions (
        project_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        doc TEXT NOT NULL,
        PRIMARY KEY (project_id, version)
      );
      CREATE TABLE metadata (
        app_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        doc TEXT NOT NULL,
        PRIMARY KEY (app_id, kind, name)
      );`,
  },
  {
    version: 2,
    name: 'local accounts and sessions',
    sql: `
      CREATE TABLE users (
        username TEXT PRIMARY KEY,
        role TEXT NOT NULL,
        disabled INTEGER NOT NULL,
        password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE sessions (
        id_hash TEXT PRIMARY KEY,
        username TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,
        csrf_token TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      );
      CREATE INDEX sessions_by_user ON sessions (username);
      CREATE INDEX sessions_by_expiry ON sessions (expires_at);`,
  },
  {
    version: 3,
    name: 'pipeline health',
    sql: `
      CREATE TABLE health_latest (kind TEXT PRIMARY KEY, at TEXT NOT NULL, summary TEXT NOT NULL);
      -- One row per processing job, filled by ProcessingCompleted and AthenaPartitionsAdded in either order.
      CREATE TABLE health_runs (
        job_id TEXT PRIMARY KEY,
        started_at TEXT,
        completed_at TEXT,
        queryable_at TEXT
      );
      CREATE INDEX health_runs_by_completion ON health_runs (completed_at);
      CREATE TABLE health_run_apps (
        job_id TEXT NOT NULL,
        app_id TEXT NOT NULL,
        events INTEGER NOT NULL,
        bad_rows INTEGER NOT NULL,
        PRIMARY KEY (job_id, app_id)
      );
      CREATE INDEX health_run_apps_by_app ON health_run_apps (app_id);
      CREATE TABLE health_loads (
        load_id TEXT NOT NULL,
        table_name TEXT NOT NULL,
        status TEXT NOT NULL,
        at TEXT NOT NULL,
        attempt INTEGER,
        error TEXT,
        PRIMARY KEY (load_id, table_name)
      );
      CREATE TABLE health_load_apps (
        load_id TEXT NOT NULL,
        table_name TEXT NOT NULL,
        app_id TEXT NOT NULL,
        PRIMARY KEY (load_id, table_name, app_id)
      );
      CREATE INDEX health_load_apps_by_app ON health_load_apps (app_id);`,
  },
  {
    version: 4,
    name: 'transactional outbox of contract events',
    sql: `
      -- Written in the same transaction as the change it announces; sent_at set once published.
      CREATE TABLE outbox (
        aggregate TEXT NOT NULL,
        seq INTEGER NOT NULL,
        detail_type TEXT NOT NULL,
        detail TEXT NOT NULL,
        created_at TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT,
        last_error TEXT,
        claimed_by TEXT,
        claimed_until TEXT,
        sent_at TEXT,
        PRIMARY KEY (aggregate, seq)
      );
      CREATE INDEX outbox_unsent ON outbox (aggregate, seq) WHERE sent_at IS NULL;
      CREATE INDEX outbox_sent ON outbox (sent_at) WHERE sent_at IS NOT NULL;`,
  },
  {
    version: 5,
    name: 'sign-in throttle counters',
    sql: `
      -- key: user:<username> or ip:<address>; times in epoch ms. A row means nothing after expires_at.
      CREATE TABLE sign_in_attempts (
        key TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        last_failure_at INTEGER NOT NULL,
        blocked_until INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX sign_in_attempts_by_expiry ON sign_in_attempts (expires_at);`,
  },
  {
    version: 6,
    name: 'pipeline health: last retention run per app',
    sql: `
      -- One row per PartitionsExpired.v1 of the app's last retention run (runs share expired_at; a
      -- table's partitions may span several events, told apart by their first partition).
      CREATE TABLE health_retention (
        app_id TEXT NOT NULL,
        expired_at TEXT NOT NULL,
        table_name TEXT NOT NULL,
        first_partition TEXT NOT NULL,
        cutoff TEXT NOT NULL,
        retention_days INTEGER NOT NULL,
        partitions INTEGER NOT NULL,
        oldest_day TEXT NOT NULL,
        newest_day TEXT NOT NULL,
        PRIMARY KEY (app_id, expired_at, table_name, first_partition)
      );`,
  },
];

/**
 * Opens (creating if needed) the console's SQLite database and brings its schema up to date.
 * WAL with synchronous=FULL: a write the API acknowledged survives a crash or power cut.
 */
export function openConsoleDatabase(path: string, schema: readonly Migration[] = migrations): SqliteDatabase {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, schema);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Applies the migrations newer than the database's version; refuses a database from a newer release. */
export function migrate(db: SqliteDatabase, schema: readonly Migration[]): number[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const current = (db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
  const known = Math.max(0, ...schema.map((m) => m.version));
  if (current > known) {
    throw new Error(`console database schema is version ${current}, newer than this release knows (${known}); upgrade Clickstream`);
  }
  const applied: number[] = [];
  for (const m of [...schema].sort((a, b) => a.version - b.version)) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
    })();
    applied.push(m.version);
  }
  return applied;
}
