import { createLogger, loadConfig, portsHolder, systemClock, trustedProxyList } from '@clickstream/lambda-kit';
import * as z from 'zod';
import { DynamoDbAppDirectory } from './adapters/aws/dynamodb-app-directory.js';
import { FirehoseSink } from './adapters/aws/firehose-sink.js';
import { KinesisSink } from './adapters/aws/kinesis-sink.js';
import { CachedAppDirectory } from './domain/cached-directory.js';
import { IngestLimits } from './domain/limits.js';
import type { IngestPorts } from './ports/index.js';

export const logger = createLogger('ingest');

const csv = z
  .string()
  .default('')
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));

/** The Lambda environment, as serverless.yml sets it. */
export const AwsConfig = z.object({
  MODE: z.literal('aws'),
  SINK: z.enum(['kinesis', 'firehose']).default('kinesis'),
  STREAM_NAME: z.string().default(''),
  DELIVERY_STREAM_NAME: z.string().default(''),
  APPS_TABLE: z.string().min(1),
  TRUSTED_PROXIES: csv,
  APP_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).default(30),
}).refine((c) => (c.SINK === 'kinesis' ? c.STREAM_NAME : c.DELIVERY_STREAM_NAME) !== '', {
  message: 'STREAM_NAME (kinesis) or DELIVERY_STREAM_NAME (firehose) is required for the chosen SINK',
});
export type AwsConfig = z.infer<typeof AwsConfig>;

export function wireAws(config: AwsConfig): IngestPorts {
  return {
    apps: new CachedAppDirectory(new DynamoDbAppDirectory(config.APPS_TABLE), systemClock, config.APP_CACHE_TTL_SECONDS * 1000),
    sink: config.SINK === 'kinesis' ? new KinesisSink(config.STREAM_NAME) : new FirehoseSink(config.DELIVERY_STREAM_NAME),
    clock: systemClock,
    trustedProxies: trustedProxyList(config.TRUSTED_PROXIES),
    maxBodyBytes: IngestLimits.maxBodyBytes,
    // Kinesis takes 1 MiB per record and Firehose 1000 KiB; leave room for the partition key.
    maxRecordBytes: 1000 * 1024,
  };
}

/** The ports of this cold start: the embedded host sets local ones, Lambda parses its environment. */
export const { ports, useLocalPorts } = portsHolder<IngestPorts>(() => wireAws(loadConfig(AwsConfig)));
