import * as z from 'zod';
import { defineContract } from '../contract.js';
import { AppId, IsoTime, Partition, TableName, partitionLocation } from '../common.js';
import { Sources } from '../sources.js';

/** Partitions one PartitionsExpired.v1 names at most (an event stays far below EventBridge's 256 KB). */
export const MAX_EXPIRED_PARTITIONS_PER_EVENT = 500;

/** `YYYY-MM-DD` of a partition's UTC day, comparable as text. */
export const partitionDay = (p: { year: number; month: number; day: number }) =>
  `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;

export const PartitionsExpired = defineContract({
  source: Sources.process,
  detailType: 'PartitionsExpired.v1',
  producer: 'process',
  description:
    "Day partitions of one app's table fell out of the app's retention (`retentionDays`) and are being deleted from " +
    'the warehouse files: announced just before the files are deleted, so a crash repeats the announcement instead of ' +
    'losing it. Every partition is a UTC day before `cutoff`. Consumers drop them from the catalog (Glue / the DuckDB ' +
    'views) and Redshift deletes the rows of those days; each is idempotent. Up to 500 partitions per event; more ' +
    'make several events.',
  schema: z
    .object({
      appId: AppId,
      table: TableName,
      /** The first UTC day kept (`YYYY-MM-DD`): every partition before it is expired. */
      cutoff: z.iso.date(),
      retentionDays: z.number().int().positive(),
      partitions: z.array(Partition).min(1).max(MAX_EXPIRED_PARTITIONS_PER_EVENT),
      expiredAt: IsoTime,
    })
    .superRefine((d, ctx) => {
      d.partitions.forEach((p, i) => {
        if (p.table !== d.table || p.appId !== d.appId) ctx.addIssue({ code: 'custom', path: ['partitions', i], message: `not a partition of ${d.table} of ${d.appId}` });
        else if (partitionDay(p) >= d.cutoff) ctx.addIssue({ code: 'custom', path: ['partitions', i], message: `${partitionDay(p)} is not before the cutoff ${d.cutoff}` });
        else if (p.location !== partitionLocation(p)) ctx.addIssue({ code: 'custom', path: ['partitions', i, 'location'], message: `expected ${partitionLocation(p)}` });
      });
    }),
  example: {
    appId: 'shop_web',
    table: 'events',
    cutoff: '2025-10-30',
    retentionDays: 395,
    partitions: [
      { table: 'events', appId: 'shop_web', year: 2025, month: 10, day: 28, location: 'events/app_id=shop_web/year=2025/month=10/day=28' },
      { table: 'events', appId: 'shop_web', year: 2025, month: 10, day: 29, location: 'events/app_id=shop_web/year=2025/month=10/day=29' },
    ],
    expiredAt: '2026-11-29T03:15:04.000Z',
  },
});
