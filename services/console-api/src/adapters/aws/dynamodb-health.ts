import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AppHealthRecords, CompletedRun, ExpiredPartitions, LatestByKind, LoadOutcome, PipelineHealthStore } from '../../ports/pipeline-health.js';
import { conditional, defaultDocumentClient, queryAll } from './dynamodb-stores.js';

/*
 * Pipeline health in the console's single table. Items expire (TTL attribute `expiresAt`, epoch
 * seconds) a few days after the event they describe, so partitions stay small.
 *   HEALTH          <kind>                              latest event of each kind
 *   JOB#<job>       JOB                                 startedAt, completedAt, apps, queryableAt (either order)
 *   APPHEALTH#<app> RUN#<completedAt>#<job>             one run's counts for the app
 *   APPHEALTH#<app> LASTRUN | QUERYABLE                 newest run / newest queryable run
 *   APPHEALTH#<app> LOAD#<loadId>#<table>               latest Redshift load outcome touching the app
 *   APPHEALTH#<app> RETENTION                           last retention run: expiredAt + its events by
 *                                                       `<table>#<first partition>` (no TTL: kept however old)
 */
const KEEP_SECONDS = 8 * 24 * 3_600;
const expiresAt = (iso: string) => Math.floor(Date.parse(iso) / 1000) + KEEP_SECONDS;
const appKey = (appId: string) => `APPHEALTH#${appId}`;

export class DynamoDbHealthStore implements PipelineHealthStore {
  constructor(
    private readonly table: string,
    private readonly doc = defaultDocumentClient(),
  ) {}

  async record(kind: string, at: string, summary: Record<string, unknown>): Promise<void> {
    await conditional(
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: 'HEALTH', sk: kind, at, summary },
          ConditionExpression: 'attribute_not_exists(sk) OR #at <= :at',
          ExpressionAttributeNames: { '#at': 'at' },
          ExpressionAttributeValues: { ':at': at },
        }),
      ),
    );
  }

  async latest(): Promise<LatestByKind> {
    const items = await queryAll(this.doc, { TableName: this.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'HEALTH' } });
    return Object.fromEntries(items.map((i) => [String(i.sk), { at: String(i.at), summary: i.summary as Record<string, unknown> }]));
  }

  async recordRun(run: CompletedRun): Promise<void> {
    const appIds = Object.keys(run.apps).sort();
    const job = await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `JOB#${run.jobId}`, sk: 'JOB' },
        UpdateExpression: 'SET startedAt = :s, completedAt = :c, apps = :apps, expiresAt = :exp',
        ExpressionAttributeValues: { ':s': run.startedAt, ':c': run.completedAt, ':apps': appIds, ':exp': expiresAt(run.completedAt) },
        ReturnValues: 'ALL_NEW',
      }),
    );
    for (const appId of appIds) {
      const counts = run.apps[appId]!;
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: appKey(appId),
            sk: `RUN#${run.completedAt}#${run.jobId}`,
            jobId: run.jobId,
            startedAt: run.startedAt,
            completedAt: run.completedAt,
            events: counts.events,
            badRows: counts.badRows,
            expiresAt: expiresAt(run.completedAt),
          },
        }),
      );
      await this.newer(appId, 'LASTRUN', 'completedAt', { jobId: run.jobId, startedAt: run.startedAt, completedAt: run.completedAt });
    }
    const queryableAt = job.Attributes?.queryableAt;
    if (typeof queryableAt === 'string') await this.markQueryable(appIds, run.jobId, run.startedAt, queryableAt);
  }

  async recordQueryable(jobId: string, queryableAt: string): Promise<void> {
    const job = await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `JOB#${jobId}`, sk: 'JOB' },
        // The first registration counts; a replay or a re-registration changes nothing.
        UpdateExpression: 'SET queryableAt = if_not_exists(queryableAt, :q), expiresAt = if_not_exists(expiresAt, :exp)',
        ExpressionAttributeValues: { ':q': queryableAt, ':exp': expiresAt(queryableAt) },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const a = job.Attributes ?? {};
    if (typeof a.startedAt === 'string' && Array.isArray(a.apps)) {
      await this.markQueryable(a.apps as string[], jobId, a.startedAt, String(a.queryableAt));
    }
  }

  async recordLoad(load: LoadOutcome): Promise<void> {
    for (const appId of load.appIds) {
      // Newer outcome wins; at the same instant a completion beats a failure.
      await conditional(
        this.doc.send(
          new PutCommand({
            TableName: this.table,
            Item: {
              pk: appKey(appId),
              sk: `LOAD#${load.loadId}#${load.table}`,
              loadId: load.loadId,
              table: load.table,
              status: load.status,
              at: load.at,
              ...(load.attempt !== undefined ? { attempt: load.attempt } : {}),
              ...(load.error ? { error: load.error } : {}),
              expiresAt: expiresAt(load.at),
            },
            ConditionExpression: load.status === 'completed' ? 'attribute_not_exists(sk) OR #at <= :at' : 'attribute_not_exists(sk) OR #at < :at',
            ExpressionAttributeNames: { '#at': 'at' },
            ExpressionAttributeValues: { ':at': load.at },
          }),
        ),
      );
    }
  }

  async recordRetention(expired: ExpiredPartitions): Promise<void> {
    const Key = { pk: appKey(expired.appId), sk: 'RETENTION' };
    const part = `${expired.table}#${expired.first}`;
    const sameRun = () =>
      conditional(
        this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key,
            // A replay sets the same value again.
            UpdateExpression: 'SET parts.#part = :part',
            ConditionExpression: 'expiredAt = :at',
            ExpressionAttributeNames: { '#part': part },
            ExpressionAttributeValues: { ':part': expired, ':at': expired.expiredAt },
          }),
        ),
      );
    if (await sameRun()) return;
    const newRun = await conditional(
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...Key, expiredAt: expired.expiredAt, parts: { [part]: expired } },
          ConditionExpression: 'attribute_not_exists(sk) OR expiredAt < :at',
          ExpressionAttributeValues: { ':at': expired.expiredAt },
        }),
      ),
    );
    if (newRun) return;
    // Neither: another event of this run was just written first (the update now applies), or the
    // stored run is newer (expiredAt only grows), and this event changes nothing.
    await sameRun();
  }

  async appRecords(appId: string, since: string): Promise<AppHealthRecords> {
    const pk = appKey(appId);
    const [runItems, lastRun, queryable, loads, retention] = await Promise.all([
      queryAll(this.doc, {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': pk, ':from': `RUN#${since}`, ':to': 'RUN#\uffff' },
      }),
      this.doc.send(new GetCommand({ TableName: this.table, Key: { pk, sk: 'LASTRUN' } })),
      this.doc.send(new GetCommand({ TableName: this.table, Key: { pk, sk: 'QUERYABLE' } })),
      queryAll(this.doc, {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :load)',
        FilterExpression: '#status = :failed',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':pk': pk, ':load': 'LOAD#', ':failed': 'failed' },
      }),
      this.doc.send(new GetCommand({ TableName: this.table, Key: { pk, sk: 'RETENTION' } })),
    ]);
    // A job reported twice (a rerun after a crash) counts once: its latest report.
    const runs = new Map<string, AppHealthRecords['runs'][number]>();
    for (const i of runItems) {
      runs.set(String(i.jobId), {
        jobId: String(i.jobId),
        startedAt: String(i.startedAt),
        completedAt: String(i.completedAt),
        events: Number(i.events),
        badRows: Number(i.badRows),
      });
    }
    const l = lastRun.Item;
    const q = queryable.Item;
    return {
      runs: [...runs.values()].sort((a, b) => a.completedAt.localeCompare(b.completedAt)),
      retention: Object.values((retention.Item?.parts ?? {}) as Record<string, ExpiredPartitions>)
        .map((p) => ({ ...p, partitions: Number(p.partitions), retentionDays: Number(p.retentionDays) }))
        .sort((a, b) => a.table.localeCompare(b.table) || a.first.localeCompare(b.first)),
      ...(l ? { lastRun: { jobId: String(l.jobId), startedAt: String(l.startedAt), completedAt: String(l.completedAt) } } : {}),
      ...(q ? { queryable: { jobId: String(q.jobId), startedAt: String(q.startedAt), queryableAt: String(q.queryableAt) } } : {}),
      failedLoads: loads
        .map((i) => ({
          loadId: String(i.loadId),
          table: String(i.table),
          attempt: Number(i.attempt ?? 1),
          error: (i.error as { code: string; message: string } | undefined) ?? { code: 'UNKNOWN', message: '' },
          failedAt: String(i.at),
        }))
        .sort((a, b) => a.failedAt.localeCompare(b.failedAt)),
    };
  }

  private async markQueryable(appIds: readonly string[], jobId: string, startedAt: string, queryableAt: string): Promise<void> {
    for (const appId of appIds) await this.newer(appId, 'QUERYABLE', 'startedAt', { jobId, startedAt, queryableAt });
  }

  /** Writes `values` under the app's `sk` unless a record with a later `field` is there. */
  private async newer(appId: string, sk: string, field: 'completedAt' | 'startedAt', values: Record<string, string>): Promise<void> {
    await conditional(
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: appKey(appId), sk, ...values },
          ConditionExpression: 'attribute_not_exists(sk) OR #f <= :v',
          ExpressionAttributeNames: { '#f': field },
          ExpressionAttributeValues: { ':v': values[field] },
        }),
      ),
    );
  }
}
