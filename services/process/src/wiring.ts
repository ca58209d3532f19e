import { createLogger, loadConfig, portsHolder, systemClock } from '@clickstream/lambda-kit';
import { EventBridgePublisher } from '@clickstream/lambda-kit/eventbridge';
import * as z from 'zod';
import { DynamoDbAppRetention } from './adapters/aws/dynamodb-app-retention.js';
import { DynamoDbEmrJobState } from './adapters/aws/dynamodb-emr-job-state.js';
import { DynamoDbPipelineConfigs } from './adapters/aws/dynamodb-pipeline-configs.js';
import { EmrServerlessRuns } from './adapters/aws/emr-serverless-runs.js';
import { S3JobFiles } from './adapters/aws/s3-job-files.js';
import { S3RawObjects } from './adapters/aws/s3-raw-objects.js';
import { startEmrRun } from './domain/start-emr-run.js';
import type { ProcessPorts } from './ports/index.js';

export const logger = createLogger('process');

/** Spark's memory notation as EMR Serverless accepts it (whole megabytes or gigabytes). */
const SparkMemory = z.string().regex(/^[1-9][0-9]*[mg]$/, 'Spark memory like 4g or 512m');

export const AwsConfig = z.object({
  MODE: z.literal('aws'),
  RAW_BUCKET: z.string().min(1),
  WAREHOUSE_BUCKET: z.string().min(1),
  EMR_APPLICATION_ID: z.string().min(1),
  EMR_JOB_ROLE_ARN: z.string().min(1),
  EVENT_BUS_NAME: z.string().min(1),
  STATE_TABLE: z.string().min(1),
  // Run sizing (serverless.yml params emrDriverCores …): small by default, see sparkSubmitParameters.
  EMR_DRIVER_CORES: z.coerce.number().int().min(1).max(16).default(1),
  EMR_DRIVER_MEMORY: SparkMemory.default('4g'),
  EMR_EXECUTOR_CORES: z.coerce.number().int().min(1).max(16).default(1),
  EMR_EXECUTOR_MEMORY: SparkMemory.default('4g'),
  EMR_MAX_EXECUTORS: z.coerce.number().int().min(1).max(1000).default(4),
});
export type AwsConfig = z.infer<typeof AwsConfig>;

export function wireAws(config: AwsConfig): ProcessPorts {
  const files = new S3JobFiles(config.WAREHOUSE_BUCKET);
  const state = new DynamoDbEmrJobState(config.STATE_TABLE);
  const pipelineConfigs = new DynamoDbPipelineConfigs(config.STATE_TABLE);
  const retention = new DynamoDbAppRetention(config.STATE_TABLE);
  const publisher = new EventBridgePublisher(config.EVENT_BUS_NAME);
  const runs = new EmrServerlessRuns({
    applicationId: config.EMR_APPLICATION_ID,
    executionRoleArn: config.EMR_JOB_ROLE_ARN,
    warehouseBucket: config.WAREHOUSE_BUCKET,
    sizing: {
      driverCores: config.EMR_DRIVER_CORES,
      driverMemory: config.EMR_DRIVER_MEMORY,
      executorCores: config.EMR_EXECUTOR_CORES,
      executorMemory: config.EMR_EXECUTOR_MEMORY,
      maxExecutors: config.EMR_MAX_EXECUTORS,
    },
  });
  const raw = new S3RawObjects(config.RAW_BUCKET);
  return {
    jobs: { launch: (firedAt) => startEmrRun({ runs, state, raw, files, configs: pipelineConfigs, retention, publisher, rawBucket: config.RAW_BUCKET }, firedAt) },
    results: files,
    jobState: state,
    pipelineConfigs,
    publisher,
    clock: systemClock,
    emrApplicationId: config.EMR_APPLICATION_ID,
  };
}

/** The ports of this cold start: the embedded host sets local ones, Lambda parses its environment. */
export const { ports, useLocalPorts } = portsHolder<ProcessPorts>(() => wireAws(loadConfig(AwsConfig)));
