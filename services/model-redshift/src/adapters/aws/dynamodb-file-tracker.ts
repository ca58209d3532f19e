import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, paginateQuery, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableName } from '@clickstream/contracts';
import { systemClock, type Clock } from '@clickstream/lambda-kit';
import type { FailureOutcome, FileFilter, FileRecord, FileStatus, FileTracker, LeaseStore, TrackedFile } from '../../ports/file-tracker.js';

const conditionFailed = (error: unknown) => error instanceof ConditionalCheckFailedException;

/** The condition that a file is still as `file` was read: same status, same load (or none). */
function unchanged(file: FileRecord): { condition: string; values: Record<string, unknown> } {
  return file.loadId === undefined
    ? { condition: '#s = :was AND attribute_not_exists(loadId)', values: { ':was': file.status } }
    : { condition: '#s = :was AND loadId = :wasLoad', values: { ':was': file.status, ':wasLoad': file.loadId } };
}

/** A FilterExpression (with its values) for a status listing narrowed by `where`. */
function filterOf(where: FileFilter): { filter?: string; values: Record<string, unknown> } {
  const parts: string[] = [];
  const values: Record<string, unknown> = {};
  if (where.table !== undefined) {
    parts.push('#t = :t');
    values[':t'] = where.table;
  }
  if (where.appId !== undefined) {
    parts.push('appId = :app');
    values[':app'] = where.appId;
  }
  return parts.length ? { filter: parts.join(' AND '), values } : { values };
}

/**
 * Files table (pk `key`) with a `status` GSI. Every change is a conditional write on the state the
 * caller read, so a replay records nothing, two loads never claim one file, and a load that lost a
 * file (to an operator or a newer load) never marks it.
 */
export class DynamoDbFileTracker implements FileTracker {
  constructor(
    private readonly table: string,
    private readonly doc = DynamoDBDocumentClient.from(new DynamoDBClient({})),
    private readonly clock: Clock = systemClock,
  ) {}

  async recordNew(file: TrackedFile): Promise<boolean> {
    const now = this.clock.now();
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...file, status: 'NEW', attempts: 0, updatedAt: now },
          ConditionExpression: 'attribute_not_exists(#k)',
          ExpressionAttributeNames: { '#k': 'key' },
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  }

  async countByStatus(status: FileStatus): Promise<number> {
    let n = 0;
    const pages = paginateQuery(
      { client: this.doc },
      {
        TableName: this.table,
        IndexName: 'by-status',
        KeyConditionExpression: '#s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': status },
        Select: 'COUNT',
      },
    );
    for await (const page of pages) n += page.Count ?? 0;
    return n;
  }

  listByStatus(status: FileStatus, where: FileFilter = {}): Promise<FileRecord[]> {
    const { filter, values } = filterOf(where);
    return this.queryStatus(status, Infinity, filter, values);
  }

  async get(key: string): Promise<FileRecord | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: { key }, ConsistentRead: true }));
    return out.Item as FileRecord | undefined;
  }

  async candidates(table: TableName, now: number, limit: number, currentLoadId?: string): Promise<FileRecord[]> {
    const out: FileRecord[] = [];
    const orphan = { filter: '#t = :t AND loadId <> :load', values: { ':t': table, ':load': currentLoadId ?? '' } };
    const due = { filter: '#t = :t AND nextAttemptAt <= :now', values: { ':t': table, ':now': now } };
    const fresh = { filter: '#t = :t', values: { ':t': table } };
    for (const [status, f] of [['LOADING', orphan], ['FAILED', due], ['NEW', fresh]] as const) {
      if (out.length >= limit) break;
      out.push(...(await this.queryStatus(status, limit - out.length, f.filter, f.values)));
    }
    return out;
  }

  async claim(file: FileRecord, loadId: string, now: number): Promise<boolean> {
    const attempts = file.status === 'LOADING' ? file.attempts + 1 : file.attempts;
    const was = unchanged(file);
    return this.update(file.key, {
      UpdateExpression: 'SET #s = :loading, loadId = :load, attempts = :attempts, updatedAt = :now REMOVE nextAttemptAt',
      ConditionExpression: was.condition,
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':loading': 'LOADING', ':load': loadId, ':attempts': attempts, ':now': now, ...was.values },
    });
  }

  async expire(file: FileRecord, now: number): Promise<boolean> {
    const was = unchanged(file);
    return this.update(file.key, {
      UpdateExpression: 'SET #s = :expired, updatedAt = :now REMOVE nextAttemptAt',
      ConditionExpression: was.condition,
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':expired': 'EXPIRED', ':now': now, ...was.values },
    });
  }

  async markLoaded(keys: readonly string[], loadId: string, now: number): Promise<number> {
    let marked = 0;
    for (const key of keys) {
      if (
        await this.update(key, {
          UpdateExpression: 'SET #s = :loaded, updatedAt = :now REMOVE nextAttemptAt, lastError',
          ConditionExpression: '#s = :loading AND loadId = :load',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':loaded': 'LOADED', ':loading': 'LOADING', ':load': loadId, ':now': now },
        })
      ) {
        marked++;
      }
    }
    return marked;
  }

  async markFailed(outcomes: readonly FailureOutcome[], loadId: string, error: string, now: number): Promise<number> {
    let marked = 0;
    for (const o of outcomes) {
      const retry = o.nextAttemptAt !== undefined;
      if (
        await this.update(o.key, {
          UpdateExpression: `SET #s = :failed, attempts = :attempts, lastError = :error, updatedAt = :now${retry ? ', nextAttemptAt = :next' : ' REMOVE nextAttemptAt'}`,
          ConditionExpression: '#s = :loading AND loadId = :load',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':failed': 'FAILED',
            ':loading': 'LOADING',
            ':load': loadId,
            ':attempts': o.attempts,
            ':error': error,
            ':now': now,
            ...(retry ? { ':next': o.nextAttemptAt } : {}),
          },
        })
      ) {
        marked++;
      }
    }
    return marked;
  }

  async resetExhausted(now: number, table?: TableName): Promise<string[]> {
    const exhausted = await this.queryStatus(
      'FAILED',
      Infinity,
      table ? 'attribute_not_exists(nextAttemptAt) AND #t = :t' : 'attribute_not_exists(nextAttemptAt)',
      table ? { ':t': table } : {},
    );
    const reset: string[] = [];
    for (const f of exhausted) {
      const done = await this.update(f.key, {
        UpdateExpression: 'SET #s = :new, attempts = :zero, updatedAt = :now REMOVE loadId',
        ConditionExpression: '#s = :failed AND attribute_not_exists(nextAttemptAt)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':new': 'NEW', ':failed': 'FAILED', ':zero': 0, ':now': now },
      });
      if (done) reset.push(f.key);
    }
    return reset;
  }

  private async update(key: string, input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName' | 'Key'>): Promise<boolean> {
    try {
      await this.doc.send(new UpdateCommand({ TableName: this.table, Key: { key }, ...input }));
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  }

  private async queryStatus(status: FileStatus, limit: number, filter?: string, values: Record<string, unknown> = {}): Promise<FileRecord[]> {
    const out: FileRecord[] = [];
    const pages = paginateQuery(
      { client: this.doc },
      {
        TableName: this.table,
        IndexName: 'by-status',
        KeyConditionExpression: '#s = :s',
        ...(filter ? { FilterExpression: filter } : {}),
        ExpressionAttributeNames: { '#s': 'status', ...(filter?.includes('#t') ? { '#t': 'table' } : {}) },
        ExpressionAttributeValues: { ':s': status, ...values },
      },
    );
    for await (const page of pages) {
      out.push(...((page.Items ?? []) as FileRecord[]));
      if (out.length >= limit) break;
    }
    return out.slice(0, limit);
  }
}

/** The table's lease: an item `lease#<table>` in the files table (no `status`, so outside the GSI). */
export class DynamoDbLeases implements LeaseStore {
  constructor(
    private readonly table: string,
    private readonly doc = DynamoDBDocumentClient.from(new DynamoDBClient({})),
  ) {}

  async acquire(table: TableName, owner: string, now: number, ttlMs: number): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { key: `lease#${table}`, owner, expiresAt: now + ttlMs },
          ConditionExpression: 'attribute_not_exists(#k) OR expiresAt <= :now OR #o = :owner',
          ExpressionAttributeNames: { '#k': 'key', '#o': 'owner' },
          ExpressionAttributeValues: { ':now': now, ':owner': owner },
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  }

  async release(table: TableName, owner: string): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { key: `lease#${table}` },
          ConditionExpression: '#o = :owner',
          ExpressionAttributeNames: { '#o': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
    } catch (error) {
      // Someone else holds it now (ours expired): not ours to free.
      if (!conditionFailed(error)) throw error;
    }
  }

  async holder(table: TableName, now: number): Promise<{ owner: string; expiresAt: number } | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: { key: `lease#${table}` }, ConsistentRead: true }));
    const item = out.Item as { owner: string; expiresAt: number } | undefined;
    return item && item.expiresAt > now ? { owner: item.owner, expiresAt: item.expiresAt } : undefined;
  }

  async forceRelease(table: TableName): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: { key: `lease#${table}` } }));
  }
}
