// PartitionsExpired.v1 for model-redshift's retention tests: the event detail for some day
// partitions of one table and app, and its delivery to the on-partitions-expired handler.
import { PartitionsExpired, partitionLocation, type DetailOf, type TableName } from '@clickstream/contracts';
import type { Context } from 'aws-lambda';
import { handler } from '../../src/handlers/on-partitions-expired.js';

export type Day = { year: number; month: number; day: number };

export function expired(table: TableName, appId: string, days: Day[], cutoff = '2026-11-28'): DetailOf<typeof PartitionsExpired> {
  return PartitionsExpired.schema.parse({
    appId,
    table,
    cutoff,
    retentionDays: 1,
    partitions: days.map((d) => ({ table, appId, ...d, location: partitionLocation({ table, appId, ...d }) })),
    expiredAt: '2026-11-29T03:15:00.000Z',
  });
}

export const deliver = (detail: DetailOf<typeof PartitionsExpired>, id = 'evt-1') =>
  handler(
    { version: '0', id, 'detail-type': PartitionsExpired.detailType, source: PartitionsExpired.source, account: '0', time: '2026-11-29T03:15:00Z', region: 'eu-west-1', resources: [], detail } as never,
    { functionName: 'on-partitions-expired', awsRequestId: 'r' } as Context,
  );
