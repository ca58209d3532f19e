import * as z from 'zod';
import { defineContract } from '../contract.js';
import { AppId, IsoTime, Partition, TableName } from '../common.js';
import { Sources } from '../sources.js';

/** Opaque positions in the raw input (log offsets locally, S3 keys or timestamps on AWS). */
const InputRange = z.object({ from: z.string().min(1), to: z.string().min(1) });

/** One Parquet file a run wrote, relative to the warehouse root. */
export const WrittenFile = z.object({
  table: TableName,
  appId: AppId,
  key: z.string().min(1),
  rows: z.number().int().nonnegative(),
});

export const ProcessingCompleted = defineContract({
  source: Sources.process,
  detailType: 'ProcessingCompleted.v1',
  producer: 'process',
  description:
    'A processing run wrote its Parquet files; lists every partition and file it touched so modeling can register or load exactly those.',
  schema: z.object({
    jobId: z.string().min(1),
    appIds: z.array(AppId),
    inputRange: InputRange,
    partitions: z.array(Partition),
    files: z.array(WrittenFile),
    rowCounts: z.partialRecord(TableName, z.number().int().nonnegative()),
    badRowCount: z.number().int().nonnegative(),
    startedAt: IsoTime,
    completedAt: IsoTime,
  }),
  example: {
    jobId: 'job-00000000000000000000-00000000000000000012',
    appIds: ['shop_web'],
    inputRange: { from: '00000000000000000000', to: '00000000000000000012' },
    partitions: [
      {
        table: 'events',
        appId: 'shop_web',
        year: 2026,
        month: 11,
        day: 29,
        location: 'events/app_id=shop_web/year=2026/month=11/day=29',
      },
    ],
    files: [
      {
        table: 'events',
        appId: 'shop_web',
        key: 'events/app_id=shop_web/year=2026/month=11/day=29/job-00000000000000000000-00000000000000000012-0.parquet',
        rows: 10,
      },
    ],
    rowCounts: { events: 10 },
    badRowCount: 0,
    startedAt: '2026-11-29T10:15:00.000Z',
    completedAt: '2026-11-29T10:15:02.000Z',
  },
});

export const ProcessingFailed = defineContract({
  source: Sources.process,
  detailType: 'ProcessingFailed.v1',
  producer: 'process',
  description: 'A processing run failed; its input stays unconsumed and the next run retries it.',
  schema: z.object({
    jobId: z.string().min(1),
    inputRange: InputRange,
    error: z.object({ code: z.string().min(1), message: z.string() }),
    failedAt: IsoTime,
  }),
  example: {
    jobId: 'job-00000000000000000000-00000000000000000012',
    inputRange: { from: '00000000000000000000', to: '00000000000000000012' },
    error: { code: 'WAREHOUSE_WRITE_FAILED', message: 'disk full' },
    failedAt: '2026-11-29T10:15:02.000Z',
  },
});
