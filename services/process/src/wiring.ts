import { createLogger, loadConfig, portsHolder, systemClock } from '@clickstream/lambda-kit';
import { EventBridgePublisher } from '@clickstream/lambda-kit/eventbridge';
import * as z from 'zod';
import { EmrServerlessLauncher } from './adapters/aws/emr-serverless-launcher.js';
import { S3JobResults } from './adapters/aws/s3-job-results.js';
import type { ProcessPorts } from './ports/index.js';

export const logger = createLogger('process');

export const AwsConfig = z.object({
  MODE: z.literal('aws'),
  RAW_BUCKET: z.string().min(1),
  WAREHOUSE_BUCKET: z.string().min(1),
  EMR_APPLICATION_ID: z.string().min(1),
  EMR_JOB_ROLE_ARN: z.string().min(1),
  EVENT_BUS_NAME: z.string().min(1),
});
export type AwsConfig = z.infer<typeof AwsConfig>;

export function wireAws(config: AwsConfig): ProcessPorts {
  return {
    jobs: new EmrServerlessLauncher({
      applicationId: config.EMR_APPLICATION_ID,
      executionRoleArn: config.EMR_JOB_ROLE_ARN,
      warehouseBucket: config.WAREHOUSE_BUCKET,
      rawBucket: config.RAW_BUCKET,
    }),
    results: new S3JobResults(config.WAREHOUSE_BUCKET),
    publisher: new EventBridgePublisher(config.EVENT_BUS_NAME),
    clock: systemClock,
    emrApplicationId: config.EMR_APPLICATION_ID,
  };
}

/** The ports of this cold start: the embedded host sets local ones, Lambda parses its environment. */
export const { ports, useLocalPorts } = portsHolder<ProcessPorts>(() => wireAws(loadConfig(AwsConfig)));
