import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import type { Analytics } from '../../ports/analytics.js';

/** Analytics through Athena, always with execution parameters (values are never spliced into SQL). */
export class AthenaAnalytics implements Analytics {
  constructor(
    private readonly workgroup: string,
    private readonly database: string,
    private readonly client: AthenaClient = new AthenaClient({}),
    private readonly pollMs = 300,
    private readonly timeoutMs = 60_000,
  ) {}

  async eventCount(appId: string): Promise<number> {
    const rows = await this.query('SELECT count(*) AS n FROM events_deduped WHERE app_id = ?', [appId]);
    return Number(rows[0]?.[0] ?? 0);
  }

  private async query(sql: string, params: string[]): Promise<(string | undefined)[][]> {
    const started = await this.client.send(
      new StartQueryExecutionCommand({
        QueryString: sql,
        WorkGroup: this.workgroup,
        QueryExecutionContext: { Database: this.database },
        // Athena execution parameters are SQL literals: strings must be quoted and escaped.
        ExecutionParameters: params.map((p) => `'${p.replaceAll("'", "''")}'`),
      }),
    );
    const id = started.QueryExecutionId;
    if (!id) throw new Error('Athena returned no query execution id');
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const state = (await this.client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).QueryExecution?.Status;
      if (state?.State === 'SUCCEEDED') break;
      if (state?.State === 'FAILED' || state?.State === 'CANCELLED') {
        throw new Error(`Athena query ${state.State.toLowerCase()}: ${state.StateChangeReason ?? ''}`);
      }
      if (Date.now() > deadline) throw new Error('Athena query timed out');
      await new Promise((r) => setTimeout(r, this.pollMs));
    }
    const out = await this.client.send(new GetQueryResultsCommand({ QueryExecutionId: id }));
    // The first row of a SELECT's results is the header.
    return (out.ResultSet?.Rows ?? []).slice(1).map((r) => (r.Data ?? []).map((d) => d.VarCharValue));
  }
}
