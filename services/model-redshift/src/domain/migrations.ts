import type { LoadStatement, StatementRunner } from '../ports/statement-runner.js';
import type { Migration, ViewFile } from './sql-files.js';

export interface WaitSettings {
  pollMs: number;
  timeoutMs: number;
  sleep: (ms: number) => Promise<void>;
}

const defaultWait: WaitSettings = {
  pollMs: 1000,
  timeoutMs: 240_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Submits statements as one transaction and polls until they finish; throws the engine's error. */
export async function runToCompletion(runner: StatementRunner, statements: readonly LoadStatement[], what: string, wait = defaultWait): Promise<void> {
  const id = await runner.start(statements);
  for (let waited = 0; ; waited += wait.pollMs) {
    const state = await runner.describe(id);
    if (state.status === 'FINISHED') return;
    if (state.status === 'FAILED') throw new Error(`${what} failed: ${state.error ?? 'no reason given'}`);
    if (waited >= wait.timeoutMs) throw new Error(`${what} still running after ${waited} ms (statement ${id})`);
    await wait.sleep(wait.pollMs);
  }
}

const sql = (text: string): LoadStatement => ({ kind: 'sql', sql: text });

/**
 * Brings the schema up to date: each migration not yet in `schema_migrations` runs in its own
 * transaction together with the row recording it (so a failed one leaves no trace and is retried
 * whole on the next deploy); then every reporting view is (re)created. Idempotent: CloudFormation
 * may call it again.
 */
export async function applySchema(
  runner: StatementRunner,
  migrations: readonly Migration[],
  views: readonly ViewFile[],
  wait = defaultWait,
): Promise<{ applied: string[]; version: number; views: string[] }> {
  await runToCompletion(
    runner,
    [sql('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL, name VARCHAR(256) NOT NULL, applied_at TIMESTAMP NOT NULL)')],
    'creating schema_migrations',
    wait,
  );
  const rows = await runner.query('SELECT version FROM schema_migrations');
  const done = new Set(rows.map((r) => Number(r.version)));
  const applied: string[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    const record = `INSERT INTO schema_migrations (version, name, applied_at) VALUES (${m.version}, '${m.name.replaceAll("'", "''")}', GETDATE())`;
    await runToCompletion(runner, [...m.statements.map(sql), sql(record)], `migration ${m.name}`, wait);
    applied.push(m.name);
  }
  const viewStatements = views.flatMap((v) => v.statements.map(sql));
  if (viewStatements.length > 0) await runToCompletion(runner, viewStatements, 'reporting views', wait);
  return { applied, version: Math.max(0, ...migrations.map((m) => m.version)), views: views.map((v) => v.name) };
}
