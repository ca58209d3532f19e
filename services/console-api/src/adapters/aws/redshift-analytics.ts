import {
  CancelStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
  type ColumnMetadata,
  type Field,
} from '@aws-sdk/client-redshift-data';
import { AppError } from '@clickstream/lambda-kit';
import { AnalyticsEngine, type AnalyticsEngineOptions } from '../../domain/analytics/engine.js';
import type { BoundQuery, RelationName } from '../../domain/analytics/sql.js';
import type { AnalyticsWarehouse } from '../../ports/analytics.js';

/** Where the statements run: Redshift Serverless (workgroup) or a provisioned cluster. */
export interface RedshiftTarget {
  database: string;
  workgroupName?: string;
  clusterIdentifier?: string;
  /** Provisioned clusters: temporary credentials for this user; or a Secrets Manager secret. */
  dbUser?: string;
  secretArn?: string;
  /** Schema holding the warehouse relations (model-redshift's). */
  schema?: string;
  /** Physical names for logical relations, e.g. `events_deduped` → `events` where MERGE already dedupes. */
  relations?: Partial<Record<RelationName, string>>;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,126}$/;

/**
 * Bound SQL through the Redshift Data API: ExecuteStatement with named Parameters (`:p1`…, values
 * as text), polling DescribeStatement, then every page of GetStatementResult.
 */
export class RedshiftAnalyticsWarehouse implements AnalyticsWarehouse {
  readonly dialect = 'redshift' as const;

  constructor(
    private readonly target: RedshiftTarget,
    private readonly client: RedshiftDataClient = new RedshiftDataClient({}),
    private readonly pollMs = 250,
    private readonly timeoutMs = 25_000,
  ) {
    if (!target.workgroupName === !target.clusterIdentifier) throw new Error('Redshift target: give exactly one of workgroupName and clusterIdentifier');
    for (const name of [target.schema, ...Object.values(target.relations ?? {})]) {
      if (name !== undefined && !IDENTIFIER.test(name)) throw new Error(`Redshift target: not an identifier: ${name}`);
    }
  }

  relation(name: RelationName): string {
    const physical = this.target.relations?.[name] ?? name;
    return this.target.schema ? `"${this.target.schema}"."${physical}"` : `"${physical}"`;
  }

  async select(query: BoundQuery): Promise<Record<string, unknown>[]> {
    const { database, workgroupName, clusterIdentifier, dbUser, secretArn } = this.target;
    const started = await this.client.send(
      new ExecuteStatementCommand({
        Sql: query.sql,
        Database: database,
        ...(workgroupName ? { WorkgroupName: workgroupName } : { ClusterIdentifier: clusterIdentifier }),
        ...(dbUser ? { DbUser: dbUser } : {}),
        ...(secretArn ? { SecretArn: secretArn } : {}),
        // The dialect binds only non-empty text, numbers and booleans (NULL and '' are literals).
        ...(query.params.length > 0 ? { Parameters: query.params.map((value, i) => ({ name: `p${i + 1}`, value: String(value) })) } : {}),
      }),
    );
    const id = started.Id;
    if (!id) throw new Error('Redshift Data API returned no statement id');
    const hasResult = await this.waitFor(id);
    return hasResult ? this.results(id) : [];
  }

  private async waitFor(id: string): Promise<boolean> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const s = await this.client.send(new DescribeStatementCommand({ Id: id }));
      if (s.Status === 'FINISHED') return s.HasResultSet === true;
      if (s.Status === 'FAILED' || s.Status === 'ABORTED') throw new Error(`Redshift statement ${s.Status.toLowerCase()}: ${s.Error ?? ''}`);
      if (Date.now() > deadline) {
        await Promise.resolve(this.client.send(new CancelStatementCommand({ Id: id }))).catch(() => undefined);
        throw new AppError(504, 'QUERY_TIMEOUT', `Redshift statement timed out after ${this.timeoutMs} ms; narrow the date range or filters.`);
      }
      await new Promise((r) => setTimeout(r, this.pollMs));
    }
  }

  private async results(id: string): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let columns: ColumnMetadata[] | undefined;
    let token: string | undefined;
    do {
      const page = await this.client.send(new GetStatementResultCommand({ Id: id, ...(token ? { NextToken: token } : {}) }));
      columns ??= page.ColumnMetadata ?? [];
      for (const record of page.Records ?? []) {
        const row: Record<string, unknown> = {};
        record.forEach((field, i) => {
          const column = columns![i];
          row[column?.label ?? column?.name ?? String(i)] = fieldValue(field);
        });
        out.push(row);
      }
      token = page.NextToken;
    } while (token);
    return out;
  }
}

function fieldValue(field: Field): unknown {
  if (field.isNull) return null;
  if (field.stringValue !== undefined) return field.stringValue;
  if (field.longValue !== undefined) return field.longValue;
  if (field.doubleValue !== undefined) return field.doubleValue;
  if (field.booleanValue !== undefined) return field.booleanValue;
  return null;
}

/** Analytics on AWS through Redshift: the query engine over model-redshift's tables. */
export class RedshiftAnalytics extends AnalyticsEngine {
  constructor(target: RedshiftTarget, client?: RedshiftDataClient, options: AnalyticsEngineOptions & { pollMs?: number; timeoutMs?: number } = {}) {
    super(new RedshiftAnalyticsWarehouse(target, client, options.pollMs, options.timeoutMs), options);
  }
}
