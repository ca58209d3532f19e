import * as z from 'zod';
import { defineContract } from '../contract.js';
import { IsoTime, Partition, TableName } from '../common.js';
import { Sources } from '../sources.js';

export const AthenaPartitionsAdded = defineContract({
  source: Sources.modelAthena,
  detailType: 'AthenaPartitionsAdded.v1',
  producer: 'model-athena',
  description: 'The partitions of a processing run are queryable (Glue catalog on AWS, DuckDB views locally).',
  schema: z.object({
    jobId: z.string().min(1),
    partitions: z.array(Partition),
    /** Partitions that were already registered (a replay): reported, not an error. */
    alreadyPresent: z.number().int().nonnegative(),
    addedAt: IsoTime,
  }),
  example: {
    jobId: 'job-00000000000000000000-00000000000000000012',
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
    alreadyPresent: 0,
    addedAt: '2026-11-29T10:15:03.000Z',
  },
});

export const RedshiftLoadCompleted = defineContract({
  source: Sources.modelRedshift,
  detailType: 'RedshiftLoadCompleted.v1',
  producer: 'model-redshift',
  description: 'A batch of processed files was merged into a Redshift table.',
  schema: z.object({
    loadId: z.string().min(1),
    table: TableName,
    files: z.array(z.string().min(1)),
    rowsMerged: z.number().int().nonnegative(),
    completedAt: IsoTime,
  }),
  example: {
    loadId: 'events-2026-11-29T10-20-00Z',
    table: 'events',
    files: ['events/app_id=shop_web/year=2026/month=11/day=29/job-00000000000000000000-00000000000000000012-0.parquet'],
    rowsMerged: 10,
    completedAt: '2026-11-29T10:20:30.000Z',
  },
});

export const RedshiftLoadFailed = defineContract({
  source: Sources.modelRedshift,
  detailType: 'RedshiftLoadFailed.v1',
  producer: 'model-redshift',
  description: 'A load into Redshift failed; its files are marked FAILED and retried with backoff.',
  schema: z.object({
    loadId: z.string().min(1),
    table: TableName,
    files: z.array(z.string().min(1)),
    attempt: z.number().int().positive(),
    error: z.object({ code: z.string().min(1), message: z.string() }),
    failedAt: IsoTime,
  }),
  example: {
    loadId: 'events-2026-11-29T10-20-00Z',
    table: 'events',
    files: ['events/app_id=shop_web/year=2026/month=11/day=29/job-00000000000000000000-00000000000000000012-0.parquet'],
    attempt: 1,
    error: { code: 'COPY_FAILED', message: 'S3 access denied' },
    failedAt: '2026-11-29T10:20:30.000Z',
  },
});
