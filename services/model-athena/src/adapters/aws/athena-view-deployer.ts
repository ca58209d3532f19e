import { AthenaClient, GetQueryExecutionCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import type { ViewSql } from '../../domain/analysis-views.js';
import type { ViewDeployer } from '../../ports/view-deployer.js';

export interface PollSettings {
  firstDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs each view's DDL as an Athena query in the workgroup (which enforces the results bucket and
 * its encryption) and waits for it, one at a time because later views select from earlier ones.
 */
export class AthenaViewDeployer implements ViewDeployer {
  constructor(
    private readonly workgroup: string,
    private readonly database: string,
    private readonly client: AthenaClient = new AthenaClient({}),
    private readonly poll: PollSettings = { firstDelayMs: 250, maxDelayMs: 2000, timeoutMs: 120_000 },
    private readonly wait: (ms: number) => Promise<void> = sleep,
  ) {}

  async apply(views: readonly ViewSql[]): Promise<{ applied: string[] }> {
    const applied: string[] = [];
    for (const view of views) {
      await this.runDdl(view);
      applied.push(view.name);
    }
    return { applied };
  }

  private async runDdl(view: ViewSql): Promise<void> {
    const started = await this.client.send(
      new StartQueryExecutionCommand({
        QueryString: withoutLeadingComments(view.sql),
        WorkGroup: this.workgroup,
        QueryExecutionContext: { Catalog: 'AwsDataCatalog', Database: this.database },
      }),
    );
    const id = started.QueryExecutionId;
    if (!id) throw new Error(`${view.name}: Athena returned no query execution id`);
    let delay = this.poll.firstDelayMs;
    let waited = 0;
    for (;;) {
      const { QueryExecution } = await this.client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
      const state = QueryExecution?.Status?.State;
      if (state === 'SUCCEEDED') return;
      if (state === 'FAILED' || state === 'CANCELLED') {
        throw new Error(`${view.name}: Athena query ${id} ${state}: ${QueryExecution?.Status?.StateChangeReason ?? 'no reason given'}`);
      }
      if (waited >= this.poll.timeoutMs) throw new Error(`${view.name}: Athena query ${id} still ${state ?? 'unknown'} after ${waited} ms`);
      await this.wait(delay);
      waited += delay;
      delay = Math.min(delay * 2, this.poll.maxDelayMs);
    }
  }
}

/**
 * The view files open with `--` comments explaining them; Athena picks the engine for a statement
 * from its first keyword, and a statement starting with a comment can be sent to the Hive DDL engine,
 * which does not know CREATE OR REPLACE VIEW.
 */
export function withoutLeadingComments(sql: string): string {
  return sql.replace(/^(?:\s*--[^\n]*(?:\n|$))+/, '').trimStart();
}
