import {
  BatchExecuteStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
  type Field,
} from '@aws-sdk/client-redshift-data';
import type { LoadStatement, StatementRunner, StatementState } from '../../ports/statement-runner.js';

/** Where the statements run: a Serverless workgroup, or a provisioned cluster as a database user. */
export type RedshiftTarget = { database: string } & ({ workgroupName: string } | { clusterIdentifier: string; dbUser?: string });

export interface QueryPolling {
  pollMs: number;
  timeoutMs: number;
  sleep: (ms: number) => Promise<void>;
}

const quote = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** Redshift's spelling of a load statement; the role is Redshift's for reading the bucket, `default` if none is set. */
export function renderForRedshift(statement: LoadStatement, copyRoleArn: string): string {
  if (statement.kind === 'sql') return statement.sql;
  if (!/^\w+$/.test(statement.table)) throw new Error(`bad COPY target ${statement.table}`);
  const role = copyRoleArn ? quote(copyRoleArn) : 'default';
  return `COPY ${statement.table} FROM ${quote(statement.manifest)} IAM_ROLE ${role} FORMAT AS PARQUET MANIFEST`;
}

function fieldValue(f: Field): unknown {
  if (f.isNull) return null;
  return f.stringValue ?? f.longValue ?? f.doubleValue ?? f.booleanValue ?? null;
}

/** The Redshift Data API: BatchExecuteStatement (one transaction) and DescribeStatement polls. */
export class RedshiftDataStatementRunner implements StatementRunner {
  constructor(
    private readonly target: RedshiftTarget,
    private readonly copyRoleArn: string,
    private readonly client: RedshiftDataClient = new RedshiftDataClient({}),
    private readonly polling: QueryPolling = { pollMs: 500, timeoutMs: 120_000, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) },
  ) {}

  async start(statements: readonly LoadStatement[]): Promise<string> {
    const out = await this.client.send(
      new BatchExecuteStatementCommand({
        ...this.where(),
        Sqls: statements.map((s) => renderForRedshift(s, this.copyRoleArn)),
        StatementName: 'clickstream-model-redshift',
      }),
    );
    if (!out.Id) throw new Error('BatchExecuteStatement returned no statement id');
    return out.Id;
  }

  async describe(id: string): Promise<StatementState> {
    const out = await this.client.send(new DescribeStatementCommand({ Id: id }));
    switch (out.Status) {
      case 'FINISHED':
        return { status: 'FINISHED' };
      case 'FAILED':
      case 'ABORTED':
        return { status: 'FAILED', error: out.Error ?? `statement ${out.Status.toLowerCase()}` };
      default:
        // SUBMITTED, PICKED, STARTED
        return { status: 'RUNNING' };
    }
  }

  async query(sql: string): Promise<Record<string, unknown>[]> {
    const started = await this.client.send(new ExecuteStatementCommand({ ...this.where(), Sql: sql, StatementName: 'clickstream-model-redshift' }));
    const id = started.Id;
    if (!id) throw new Error('ExecuteStatement returned no statement id');
    for (let waited = 0; ; waited += this.polling.pollMs) {
      const state = await this.describe(id);
      if (state.status === 'FINISHED') break;
      if (state.status === 'FAILED') throw new Error(`query failed: ${state.error}`);
      if (waited >= this.polling.timeoutMs) throw new Error(`query ${id} still running after ${waited} ms`);
      await this.polling.sleep(this.polling.pollMs);
    }
    const rows: Record<string, unknown>[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new GetStatementResultCommand({ Id: id, NextToken: token }));
      const names = (page.ColumnMetadata ?? []).map((c, i) => c.name ?? `column${i}`);
      for (const record of page.Records ?? []) rows.push(Object.fromEntries(record.map((f, i) => [names[i] ?? `column${i}`, fieldValue(f)])));
      token = page.NextToken;
    } while (token);
    return rows;
  }

  private where() {
    const t = this.target;
    return 'workgroupName' in t
      ? { WorkgroupName: t.workgroupName, Database: t.database }
      : { ClusterIdentifier: t.clusterIdentifier, Database: t.database, ...(t.dbUser ? { DbUser: t.dbUser } : {}) };
  }
}
