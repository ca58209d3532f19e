import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

export type SqlParams = DuckDBValue[] | Record<string, DuckDBValue>;

/**
 * The embedded warehouse: one DuckDB database file (views, catalog tables) over Parquet files
 * under `root`. Services share it the way they would share Athena or Redshift on AWS.
 */
export class DuckDbWarehouse {
  private closed = false;

  private constructor(
    private readonly instance: DuckDBInstance,
    /** Directory holding the Parquet tables (`<root>/<table>/app_id=…/…`). */
    readonly root: string,
  ) {}

  /**
   * `threads`: DuckDB's threads per query (default 2). One suits an instance that runs many
   * small statements side by side (each then runs on its caller's thread, without the
   * hand-offs that cost a parallel query a quarter more CPU in all).
   */
  static async open(databasePath: string, root: string, options: { threads?: number } = {}): Promise<DuckDbWarehouse> {
    if (databasePath !== ':memory:') await mkdir(dirname(databasePath), { recursive: true });
    await mkdir(root, { recursive: true });
    const instance = await DuckDBInstance.create(databasePath, { threads: String(options.threads ?? 2) });
    return new DuckDbWarehouse(instance, root);
  }

  /** Runs `fn` on a connection of its own, so concurrent callers never share a statement. */
  async withConnection<T>(fn: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('warehouse is closed');
    const connection = await this.instance.connect();
    try {
      return await fn(connection);
    } finally {
      connection.closeSync();
    }
  }

  /** Rows as JSON-safe objects (BIGINT → number or string, TIMESTAMP → ISO text). */
  async query<T = Record<string, unknown>>(sql: string, params?: SqlParams): Promise<T[]> {
    return this.withConnection(async (c) => {
      const reader = await c.runAndReadAll(sql, params);
      return reader.getRowObjectsJson() as T[];
    });
  }

  async run(sql: string, params?: SqlParams): Promise<void> {
    await this.withConnection(async (c) => {
      await c.run(sql, params);
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.instance.closeSync();
  }
}

/** Quotes a string as an SQL literal, for the few places DuckDB takes no parameter (paths in COPY). */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Quotes an identifier. */
export function sqlIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
