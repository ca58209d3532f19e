import { createLogger, loadConfig, portsHolder, systemClock } from '@clickstream/lambda-kit';
import { EventBridgePublisher } from '@clickstream/lambda-kit/eventbridge';
import * as z from 'zod';
import { AthenaAnalytics } from './adapters/aws/athena-analytics.js';
import { DynamoDbAppStore, DynamoDbHealthStore } from './adapters/aws/dynamodb-stores.js';
import type { ConsoleApiPorts } from './ports/index.js';

export const logger = createLogger('console-api');

export const AwsConfig = z.object({
  MODE: z.literal('aws'),
  TABLE_NAME: z.string().min(1),
  EVENT_BUS_NAME: z.string().min(1),
  ATHENA_WORKGROUP: z.string().min(1),
  GLUE_DATABASE: z.string().min(1),
});
export type AwsConfig = z.infer<typeof AwsConfig>;

export function wireAws(config: AwsConfig): ConsoleApiPorts {
  return {
    apps: new DynamoDbAppStore(config.TABLE_NAME),
    analytics: new AthenaAnalytics(config.ATHENA_WORKGROUP, config.GLUE_DATABASE),
    health: new DynamoDbHealthStore(config.TABLE_NAME),
    publisher: new EventBridgePublisher(config.EVENT_BUS_NAME),
    clock: systemClock,
  };
}

/** The ports of this cold start: the embedded host sets local ones, Lambda parses its environment. */
export const { ports, useLocalPorts } = portsHolder<ConsoleApiPorts>(() => wireAws(loadConfig(AwsConfig)));
