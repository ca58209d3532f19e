import { createLogger, loadConfig, portsHolder, systemClock } from '@clickstream/lambda-kit';
import * as z from 'zod';
import { DynamoDbFileTracker } from './adapters/aws/dynamodb-file-tracker.js';
import type { ModelRedshiftPorts } from './ports/index.js';

export const logger = createLogger('model-redshift');

export const AwsConfig = z.object({
  MODE: z.literal('aws'),
  FILES_TABLE: z.string().min(1),
});
export type AwsConfig = z.infer<typeof AwsConfig>;

export function wireAws(config: AwsConfig): ModelRedshiftPorts {
  return { files: new DynamoDbFileTracker(config.FILES_TABLE), clock: systemClock };
}

/** The ports of this cold start: the embedded host sets local ones, Lambda parses its environment. */
export const { ports, useLocalPorts } = portsHolder<ModelRedshiftPorts>(() => wireAws(loadConfig(AwsConfig)));
