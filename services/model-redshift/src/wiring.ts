import { createLogger, loadConfig, portsHolder, systemClock } from '@clickstream/lambda-kit';
import { EventBridgePublisher } from '@clickstream/lambda-kit/eventbridge';
import * as z from 'zod';
import { DynamoDbFileTracker, DynamoDbLeases } from './adapters/aws/dynamodb-file-tracker.js';
import { DynamoDbPipelineTargets } from './adapters/aws/dynamodb-pipeline-targets.js';
import { RedshiftDataStatementRunner, type RedshiftTarget } from './adapters/aws/redshift-data-runner.js';
import { S3Manifests } from './adapters/aws/s3-manifests.js';
import { SfnLoadLauncher } from './adapters/aws/sfn-load-launcher.js';
import { LoadSettings } from './domain/load-settings.js';
import type { ModelRedshiftPorts } from './ports/index.js';

export const logger = createLogger('model-redshift');

export const AwsConfig = z
  .object({
    MODE: z.literal('aws'),
    FILES_TABLE: z.string().min(1),
    WAREHOUSE_BUCKET: z.string().min(1),
    MANIFEST_PREFIX: z.string().regex(/^[\w./-]*\/$/, 'a key prefix ending in /').default('_redshift/manifests/'),
    EVENT_BUS_NAME: z.string().min(1),
    STATE_MACHINE_ARN: z.string().startsWith('arn:'),
    REDSHIFT_DATABASE: z.string().min(1),
    /** Serverless: the workgroup name. Provisioned: leave empty and set REDSHIFT_CLUSTER_ID. */
    REDSHIFT_WORKGROUP: z.string().default(''),
    REDSHIFT_CLUSTER_ID: z.string().default(''),
    REDSHIFT_DB_USER: z.string().default(''),
    /** The role Redshift assumes to read the bucket in COPY; empty = the namespace's default IAM role. */
    COPY_ROLE_ARN: z.string().default(''),
  })
  .and(LoadSettings)
  .refine((c) => c.REDSHIFT_WORKGROUP !== '' || c.REDSHIFT_CLUSTER_ID !== '', {
    message: 'set REDSHIFT_WORKGROUP (Serverless) or REDSHIFT_CLUSTER_ID (provisioned)',
  });
export type AwsConfig = z.output<typeof AwsConfig>;

export function redshiftTarget(config: AwsConfig): RedshiftTarget {
  return config.REDSHIFT_CLUSTER_ID
    ? { database: config.REDSHIFT_DATABASE, clusterIdentifier: config.REDSHIFT_CLUSTER_ID, ...(config.REDSHIFT_DB_USER ? { dbUser: config.REDSHIFT_DB_USER } : {}) }
    : { database: config.REDSHIFT_DATABASE, workgroupName: config.REDSHIFT_WORKGROUP };
}

export function wireAws(config: AwsConfig): ModelRedshiftPorts {
  return {
    files: new DynamoDbFileTracker(config.FILES_TABLE),
    leases: new DynamoDbLeases(config.FILES_TABLE),
    targets: new DynamoDbPipelineTargets(config.FILES_TABLE),
    launcher: new SfnLoadLauncher(config.STATE_MACHINE_ARN, logger),
    manifests: new S3Manifests(config.WAREHOUSE_BUCKET, config.MANIFEST_PREFIX),
    statements: new RedshiftDataStatementRunner(redshiftTarget(config), config.COPY_ROLE_ARN),
    publisher: new EventBridgePublisher(config.EVENT_BUS_NAME),
    clock: systemClock,
    settings: LoadSettings.parse(config),
  };
}

/** The ports of this cold start: the embedded host sets local ones, Lambda parses its environment. */
export const { ports, useLocalPorts } = portsHolder<ModelRedshiftPorts>(() => wireAws(loadConfig(AwsConfig)));
