import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type ColumnInfo,
  type Row,
} from '@aws-sdk/client-athena';
import { AppError } from '@clickstream/lambda-kit';
import { AnalyticsEngine, type AnalyticsEngineOptions } from '../../domain/analytics/engine.js';
import type { BoundQuery, RelationName, SqlValue } from '../../domain/analytics/sql.js';
import type { AnalyticsWarehouse } from '../../ports/analytics.js';

/**
 * Bound SQL through Athena: StartQueryExecution with ExecutionParameters (values never spliced
 * into the SQL text), polling GetQueryExecution, then every page of GetQueryResults. Relations are
 * the Glue database's views (QueryExecutionContext).
 */
export class AthenaAnalyticsWarehouse implements AnalyticsWarehouse {
  readonly dialect = 'athena' as const;

  constructor(
    private readonly workgroup: string,
    private readonly database: string,
    private readonly client: AthenaClient = new AthenaClient({}),
    private readonly pollMs = 300,
    /** Under API Gateway's 29 s, so a slow query answers 504 rather than a dropped connection. */
    private readonly timeoutMs = 25_000,
  ) {}

  relation(name: RelationName): string {
    return name;
  }

  async select(query: BoundQuery): Promise<Record<string, unknown>[]> {
    const started = await this.client.send(
      new StartQueryExecutionCommand({
        QueryString: query.sql,
        WorkGroup: this.workgroup,
        QueryExecutionContext: { Database: this.database },
        ...(query.params.length > 0 ? { ExecutionParameters: query.params.map(athenaLiteral) } : {}),
      }),
    );
    const id = started.QueryExecutionId;
    if (!id) throw new Error('Athena returned no query execution id');
    await this.waitFor(id);
    return this.results(id);
  }

  private async waitFor(id: string): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const status = (await this.client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution?.Status;
      if (status?.State === 'SUCCEEDED') return;
      if (status?.State === 'FAILED' || status?.State === 'CANCELLED') {
        throw new Error(`Athena query ${status.State.toLowerCase()}: ${status.StateChangeReason ?? ''}`);
      }
      if (Date.now() > deadline) {
        // Nobody will read the answer: stop paying for the scan.
        await Promise.resolve(this.client.send(new StopQueryExecutionCommand({ QueryExecutionId: id }))).catch(() => undefined);
        throw new AppError(504, 'QUERY_TIMEOUT', `Athena query timed out after ${this.timeoutMs} ms; narrow the date range or filters.`);
      }
      await new Promise((r) => setTimeout(r, this.pollMs));
    }
  }

  private async results(id: string): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let columns: ColumnInfo[] | undefined;
    let names: string[] | undefined;
    let token: string | undefined;
    let first = true;
    do {
      const page = await this.client.send(new GetQueryResultsCommand({ QueryExecutionId: id, ...(token ? { NextToken: token } : {}) }));
      columns ??= page.ResultSet?.ResultSetMetadata?.ColumnInfo;
      let rows: Row[] = page.ResultSet?.Rows ?? [];
      if (first) {
        // The first row of a SELECT's results is the header.
        names = columns?.map((c) => c.Name ?? '') ?? (rows[0]?.Data ?? []).map((d) => d.VarCharValue ?? '');
        rows = rows.slice(1);
        first = false;
      }
      for (const row of rows) {
        const record: Record<string, unknown> = {};
        (row.Data ?? []).forEach((d, i) => {
          record[names![i] ?? String(i)] = d.VarCharValue ?? null;
        });
        out.push(record);
      }
      token = page.NextToken;
    } while (token);
    return out;
  }
}

/** Athena execution parameters are SQL literals: strings quoted with '' escaping, numbers and booleans as written. */
export function athenaLiteral(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('not a finite number');
    return String(value);
  }
  return `'${value.replaceAll("'", "''")}'`;
}

/** Analytics on AWS through Athena: the query engine over the Glue views. */
export class AthenaAnalytics extends AnalyticsEngine {
  constructor(
    workgroup: string,
    database: string,
    client: AthenaClient = new AthenaClient({}),
    pollMs = 300,
    timeoutMs = 25_000,
    options: AnalyticsEngineOptions = {},
  ) {
    super(new AthenaAnalyticsWarehouse(workgroup, database, client, pollMs, timeoutMs), options);
  }
}
