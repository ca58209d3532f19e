// The ports of the retention functions (on-app-changed, schedule-apply-retention), kept beside
// wiring.ts so the processing run's ports stay as they are: the same environment, its own holder.
import { loadConfig, portsHolder, systemClock } from '@clickstream/lambda-kit';
import { EventBridgePublisher } from '@clickstream/lambda-kit/eventbridge';
import * as z from 'zod';
import { DynamoDbAppRetention } from './adapters/aws/dynamodb-app-retention.js';
import { DynamoDbExpiryAnnouncements } from './adapters/aws/dynamodb-expiry-announcements.js';
import { S3WarehousePartitions } from './adapters/aws/s3-warehouse-partitions.js';
import type { RetentionPorts } from './domain/retention.js';

export const RetentionAwsConfig = z.object({
  MODE: z.literal('aws'),
  WAREHOUSE_BUCKET: z.string().min(1),
  STATE_TABLE: z.string().min(1),
  EVENT_BUS_NAME: z.string().min(1),
});
export type RetentionAwsConfig = z.infer<typeof RetentionAwsConfig>;

export function wireRetentionAws(config: RetentionAwsConfig): RetentionPorts {
  return {
    retention: new DynamoDbAppRetention(config.STATE_TABLE),
    partitions: new S3WarehousePartitions(config.WAREHOUSE_BUCKET),
    announcements: new DynamoDbExpiryAnnouncements(config.STATE_TABLE),
    publisher: new EventBridgePublisher(config.EVENT_BUS_NAME),
    clock: systemClock,
  };
}

export const { ports: retentionPorts, useLocalPorts: useLocalRetentionPorts } = portsHolder<RetentionPorts>(() =>
  wireRetentionAws(loadConfig(RetentionAwsConfig)),
);
