import {
  BatchCreatePartitionCommand,
  GetTableCommand,
  GlueClient,
  paginateGetPartitions,
  type StorageDescriptor,
} from '@aws-sdk/client-glue';
import type { Partition } from '@clickstream/contracts';
import type { Catalog } from '../../ports/catalog.js';

// BatchCreatePartition takes at most 100 partitions per call.
const BATCH = 100;
const RETRYABLE = new Set(['ThrottlingException', 'InternalServiceException', 'ConcurrentModificationException']);

export class GlueCatalog implements Catalog {
  private readonly descriptors = new Map<string, Promise<StorageDescriptor>>();

  constructor(
    private readonly database: string,
    private readonly warehouseBucket: string,
    private readonly client: GlueClient = new GlueClient({}),
    private readonly retry = { attempts: 5, baseDelayMs: 200 },
  ) {}

  async addPartitions(partitions: readonly Partition[]): Promise<{ added: number; alreadyPresent: number }> {
    let added = 0;
    let alreadyPresent = 0;
    const byTable = new Map<string, Partition[]>();
    for (const p of partitions) byTable.set(p.table, [...(byTable.get(p.table) ?? []), p]);
    for (const [table, parts] of byTable) {
      const descriptor = await this.descriptor(table);
      for (let i = 0; i < parts.length; i += BATCH) {
        const result = await this.createBatch(table, descriptor, parts.slice(i, i + BATCH));
        added += result.added;
        alreadyPresent += result.alreadyPresent;
      }
    }
    return { added, alreadyPresent };
  }

  async activeApps(): Promise<string[]> {
    const apps = new Set<string>();
    for await (const page of paginateGetPartitions({ client: this.client }, { DatabaseName: this.database, TableName: 'events' })) {
      for (const p of page.Partitions ?? []) if (p.Values?.[0]) apps.add(p.Values[0]);
    }
    return [...apps].sort();
  }

  /** Creates one batch, retrying only the entries that failed for a retryable reason. */
  private async createBatch(table: string, descriptor: StorageDescriptor, batch: Partition[]) {
    let pending = batch;
    let added = 0;
    let alreadyPresent = 0;
    for (let attempt = 1; pending.length > 0; attempt++) {
      let errors: { values: string[]; code: string; message: string }[];
      try {
        const out = await this.client.send(
          new BatchCreatePartitionCommand({
            DatabaseName: this.database,
            TableName: table,
            PartitionInputList: pending.map((p) => ({
              Values: [p.appId, String(p.year), String(p.month), String(p.day)],
              StorageDescriptor: { ...descriptor, Location: `s3://${this.warehouseBucket}/${p.location}/` },
            })),
          }),
        );
        errors = (out.Errors ?? []).map((e) => ({
          values: e.PartitionValues ?? [],
          code: e.ErrorDetail?.ErrorCode ?? 'Unknown',
          message: e.ErrorDetail?.ErrorMessage ?? '',
        }));
      } catch (error) {
        // The whole call was throttled: every entry is retried.
        const name = (error as { name?: string }).name ?? '';
        if (!RETRYABLE.has(name) || attempt >= this.retry.attempts) throw error;
        await sleep(this.retry.baseDelayMs * 2 ** (attempt - 1));
        continue;
      }
      const key = (values: readonly string[]) => values.join('/');
      const failedKeys = new Set<string>();
      const retry: string[] = [];
      for (const e of errors) {
        failedKeys.add(key(e.values));
        if (e.code === 'AlreadyExistsException') alreadyPresent++;
        else if (RETRYABLE.has(e.code)) retry.push(key(e.values));
        else throw new Error(`Glue rejected partition ${key(e.values)} of ${table}: ${e.code} ${e.message}`);
      }
      const values = (p: Partition) => key([p.appId, String(p.year), String(p.month), String(p.day)]);
      added += pending.filter((p) => !failedKeys.has(values(p))).length;
      pending = pending.filter((p) => retry.includes(values(p)));
      if (pending.length > 0) {
        if (attempt >= this.retry.attempts) throw new Error(`Glue kept throttling ${pending.length} partitions of ${table}`);
        await sleep(this.retry.baseDelayMs * 2 ** (attempt - 1));
      }
    }
    return { added, alreadyPresent };
  }

  /** Partitions reuse the table's storage descriptor (columns, SerDe) with their own location. */
  private descriptor(table: string): Promise<StorageDescriptor> {
    let d = this.descriptors.get(table);
    if (!d) {
      d = this.client.send(new GetTableCommand({ DatabaseName: this.database, Name: table })).then((out) => {
        const sd = out.Table?.StorageDescriptor;
        if (!sd) throw new Error(`Glue table ${this.database}.${table} has no storage descriptor`);
        return sd;
      });
      d.catch(() => this.descriptors.delete(table));
      this.descriptors.set(table, d);
    }
    return d;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
