import { DeleteObjectsCommand, paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import { partitionDay, partitionLocation, type Partition, type TableName } from '@clickstream/contracts';
import type { WarehousePartitions } from '../../ports/app-retention.js';

// DeleteObjects takes at most 1,000 keys per call.
const DELETE_BATCH = 1_000;

/**
 * The warehouse bucket's partitions. Listing walks the hive folders with a delimiter (year, then
 * month, then day: a few calls per app and table, whatever the number of files), skipping folders
 * that cannot hold an expired day; deleting lists the partition's keys and removes them in batches.
 */
export class S3WarehousePartitions implements WarehousePartitions {
  constructor(
    private readonly bucket: string,
    private readonly client: S3Client = new S3Client({}),
  ) {}

  async listBefore(table: TableName, appId: string, cutoff: string): Promise<Partition[]> {
    const [cy, cm] = cutoff.split('-').map(Number) as [number, number];
    const out: Partition[] = [];
    const base = `${table}/app_id=${appId}/`;
    for (const year of await this.folders(base, 'year')) {
      if (year > cy) continue;
      for (const month of await this.folders(`${base}year=${year}/`, 'month')) {
        if (year === cy && month > cm) continue;
        for (const day of await this.folders(`${base}year=${year}/month=${month}/`, 'day')) {
          const p = { table, appId, year, month, day };
          if (partitionDay(p) < cutoff) out.push({ ...p, location: partitionLocation(p) });
        }
      }
    }
    return out.sort((a, b) => (partitionDay(a) < partitionDay(b) ? -1 : 1));
  }

  async delete(partition: Partition): Promise<number> {
    let deleted = 0;
    for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: `${partition.location}/` })) {
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : []));
      for (let i = 0; i < keys.length; i += DELETE_BATCH) {
        const batch = keys.slice(i, i + DELETE_BATCH);
        const out = await this.client.send(
          new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
        );
        // DeleteObjects answers 200 with per-key errors: a key left behind must fail the run (it retries).
        const errors = out.Errors ?? [];
        if (errors.length > 0) {
          throw new Error(`S3 kept ${errors.length} object(s) of ${partition.location}: ${errors[0]?.Key} ${errors[0]?.Code} ${errors[0]?.Message}`);
        }
        deleted += batch.length;
      }
    }
    return deleted;
  }

  /** The numbers of the `name=N/` folders right under `prefix`. */
  private async folders(prefix: string, name: string): Promise<number[]> {
    const values: number[] = [];
    const pattern = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${name}=(\\d{1,4})/$`);
    for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: prefix, Delimiter: '/' })) {
      for (const common of page.CommonPrefixes ?? []) {
        const m = common.Prefix ? pattern.exec(common.Prefix) : null;
        if (m) values.push(Number(m[1]));
      }
    }
    return values.sort((a, b) => a - b);
  }
}
