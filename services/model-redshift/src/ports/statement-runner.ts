/**
 * The Redshift Data API as the load needs it: statements submitted as one transaction, then polled.
 * The embedded adapter runs the same statements on DuckDB through a dialect layer.
 */
export type LoadStatement =
  /** Plain SQL, written in Redshift's dialect. */
  | { kind: 'sql'; sql: string }
  /** `COPY <table> FROM <manifest> FORMAT AS PARQUET MANIFEST`: the one statement the engines spell differently. */
  | { kind: 'copy'; table: string; manifest: string };

export type StatementStatus = 'RUNNING' | 'FINISHED' | 'FAILED';

export interface StatementState {
  status: StatementStatus;
  /** FAILED: what the engine said. */
  error?: string;
}

export interface StatementRunner {
  /** Submits the statements, run in order in one transaction; answers at once with an id to poll. */
  start(statements: readonly LoadStatement[]): Promise<string>;
  describe(id: string): Promise<StatementState>;
  /** Runs one query and waits for its rows (schema migrations only; loads never block). */
  query(sql: string): Promise<Record<string, unknown>[]>;
}
