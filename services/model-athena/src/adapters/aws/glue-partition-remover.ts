import { BatchDeletePartitionCommand, GlueClient } from '@aws-sdk/client-glue';
import type { Partition } from '@clickstream/contracts';
import type { PartitionRemover } from '../../ports/partition-remover.js';

// BatchDeletePartition takes at most 25 partitions per call.
const BATCH = 25;
const RETRYABLE = new Set(['ThrottlingException', 'InternalServiceException', 'ConcurrentModificationException', 'OperationTimeoutException']);
const values = (p: Partition) => [p.appId, String(p.year), String(p.month), String(p.day)];
const keyOf = (v: readonly string[]) => v.join('/');

/** Glue BatchDeletePartition, by table, in batches; a partition Glue does not have is already gone. */
export class GluePartitionRemover implements PartitionRemover {
  constructor(
    private readonly database: string,
    private readonly client: GlueClient = new GlueClient({}),
    private readonly retry = { attempts: 5, baseDelayMs: 200 },
  ) {}

  async removePartitions(partitions: readonly Partition[]): Promise<{ removed: number; alreadyGone: number }> {
    let removed = 0;
    let alreadyGone = 0;
    const byTable = new Map<string, Partition[]>();
    for (const p of partitions) byTable.set(p.table, [...(byTable.get(p.table) ?? []), p]);
    for (const [table, parts] of byTable) {
      for (let i = 0; i < parts.length; i += BATCH) {
        const out = await this.deleteBatch(table, parts.slice(i, i + BATCH));
        removed += out.removed;
        alreadyGone += out.alreadyGone;
      }
    }
    return { removed, alreadyGone };
  }

  /** Deletes one batch, retrying only the entries (or whole calls) that failed for a retryable reason. */
  private async deleteBatch(table: string, batch: Partition[]): Promise<{ removed: number; alreadyGone: number }> {
    let pending = batch;
    let removed = 0;
    let alreadyGone = 0;
    for (let attempt = 1; pending.length > 0; attempt++) {
      let errors: { key: string; code: string; message: string }[];
      try {
        const out = await this.client.send(
          new BatchDeletePartitionCommand({ DatabaseName: this.database, TableName: table, PartitionsToDelete: pending.map((p) => ({ Values: values(p) })) }),
        );
        errors = (out.Errors ?? []).map((e) => ({ key: keyOf(e.PartitionValues ?? []), code: e.ErrorDetail?.ErrorCode ?? 'Unknown', message: e.ErrorDetail?.ErrorMessage ?? '' }));
      } catch (error) {
        const name = (error as { name?: string }).name ?? '';
        if (!RETRYABLE.has(name) || attempt >= this.retry.attempts) throw error;
        await sleep(this.retry.baseDelayMs * 2 ** (attempt - 1));
        continue;
      }
      const failed = new Set<string>();
      const retry = new Set<string>();
      for (const e of errors) {
        failed.add(e.key);
        if (e.code === 'EntityNotFoundException') alreadyGone++;
        else if (RETRYABLE.has(e.code)) retry.add(e.key);
        else throw new Error(`Glue refused to delete partition ${e.key} of ${table}: ${e.code} ${e.message}`);
      }
      removed += pending.filter((p) => !failed.has(keyOf(values(p)))).length;
      pending = pending.filter((p) => retry.has(keyOf(values(p))));
      if (pending.length > 0) {
        if (attempt >= this.retry.attempts) throw new Error(`Glue kept throttling the deletion of ${pending.length} partitions of ${table}`);
        await sleep(this.retry.baseDelayMs * 2 ** (attempt - 1));
      }
    }
    return { removed, alreadyGone };
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
