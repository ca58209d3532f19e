import type { DuckDbWarehouse, ObjectStore } from '@clickstream/runtime';
import { randomUUID } from 'node:crypto';
import type { LoadStatement, StatementRunner, StatementState } from '../../ports/statement-runner.js';
import { renderForDuckDb, toDuckDbSql } from './duckdb-dialect.js';

interface Submitted {
  state: StatementState;
  done: Promise<void>;
}

// Finished statements are kept for polling; the oldest go once there are this many.
const KEEP = 1000;

/**
 * The Redshift Data API over the embedded DuckDB database that stands in for Redshift: `start`
 * answers at once and runs the statements in the background as one transaction (BEGIN … COMMIT,
 * ROLLBACK on the first error), `describe` reports RUNNING, FINISHED or FAILED — so the state
 * machine's Wait/poll loop runs for real.
 */
export class DuckDbStatementRunner implements StatementRunner {
  private readonly submitted = new Map<string, Submitted>();

  constructor(
    private readonly db: DuckDbWarehouse,
    private readonly objects: ObjectStore,
  ) {}

  async start(statements: readonly LoadStatement[]): Promise<string> {
    const id = randomUUID();
    const entry: Submitted = { state: { status: 'RUNNING' }, done: Promise.resolve() };
    entry.done = this.runInTransaction(statements).then(
      () => {
        entry.state = { status: 'FINISHED' };
      },
      (error: unknown) => {
        entry.state = { status: 'FAILED', error: error instanceof Error ? error.message : String(error) };
      },
    );
    this.submitted.set(id, entry);
    for (const old of this.submitted.keys()) {
      if (this.submitted.size <= KEEP) break;
      if (this.submitted.get(old)?.state.status !== 'RUNNING') this.submitted.delete(old);
    }
    return id;
  }

  async describe(id: string): Promise<StatementState> {
    const entry = this.submitted.get(id);
    if (!entry) throw new Error(`no statement ${id}`);
    return entry.state;
  }

  async query(sql: string): Promise<Record<string, unknown>[]> {
    return this.db.query(toDuckDbSql(sql));
  }

  /** Runs statements now and waits (schema migrations at start-up). */
  async execute(statements: readonly LoadStatement[]): Promise<void> {
    await this.runInTransaction(statements);
  }

  /** Resolves once nothing is running. */
  async idle(): Promise<void> {
    await Promise.all([...this.submitted.values()].map((s) => s.done));
  }

  private async runInTransaction(statements: readonly LoadStatement[]): Promise<void> {
    // Rendered before the transaction: reading a manifest can fail without leaving one open.
    const sqls: string[] = [];
    for (const s of statements) sqls.push(await renderForDuckDb(s, (uri) => this.readManifest(uri)));
    await this.db.withConnection(async (c) => {
      await c.run('BEGIN TRANSACTION');
      try {
        for (const sql of sqls) await c.run(sql);
        await c.run('COMMIT');
      } catch (error) {
        await c.run('ROLLBACK');
        throw error;
      }
    });
  }

  private async readManifest(uri: string): Promise<string> {
    const body = await this.objects.get(uri);
    if (!body) throw new Error(`manifest ${uri} not found`);
    return body.toString('utf8');
  }
}
