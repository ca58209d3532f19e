import { createLogger, loadConfig, portsHolder, systemClock } from '@clickstream/lambda-kit';
import { EventBridgePublisher } from '@clickstream/lambda-kit/eventbridge';
import * as z from 'zod';
import { AthenaAnalytics } from './adapters/aws/athena-analytics.js';
import { DynamoDbSavedExplorations } from './adapters/aws/dynamodb-analytics-explorations.js';
import { DynamoDbHealthStore } from './adapters/aws/dynamodb-health.js';
import {
  defaultDocumentClient,
  DynamoDbAppStore,
  DynamoDbMetadataStore,
  DynamoDbPipelineConfigStore,
  DynamoDbProjectStore,
} from './adapters/aws/dynamodb-stores.js';
import { DynamoDbOutbox } from './adapters/aws/dynamodb-outbox.js';
import { oidcAuth, OidcConfig } from './adapters/oidc/oidc-config.js';
import { dataVersion } from './domain/pipeline-health.js';
import type { ConsoleApiPorts } from './ports/index.js';

export const logger = createLogger('console-api');

export const AwsConfig = z
  .object({
    MODE: z.literal('aws'),
    TABLE_NAME: z.string().min(1),
    EVENT_BUS_NAME: z.string().min(1),
    ATHENA_WORKGROUP: z.string().min(1),
    GLUE_DATABASE: z.string().min(1),
  })
  .extend(OidcConfig.shape);
export type AwsConfig = z.infer<typeof AwsConfig>;

export function wireAws(config: AwsConfig): ConsoleApiPorts {
  const doc = defaultDocumentClient();
  const health = new DynamoDbHealthStore(config.TABLE_NAME, doc);
  return {
    projects: new DynamoDbProjectStore(config.TABLE_NAME, doc),
    apps: new DynamoDbAppStore(config.TABLE_NAME, doc),
    pipelines: new DynamoDbPipelineConfigStore(config.TABLE_NAME, doc),
    metadata: new DynamoDbMetadataStore(config.TABLE_NAME, doc),
    analytics: new AthenaAnalytics(config.ATHENA_WORKGROUP, config.GLUE_DATABASE, undefined, undefined, undefined, {
      externalVersion: async () => dataVersion(await health.latest()),
    }),
    savedExplorations: new DynamoDbSavedExplorations(config.TABLE_NAME, doc),
    health,
    outbox: new DynamoDbOutbox(config.TABLE_NAME, doc),
    publisher: new EventBridgePublisher(config.EVENT_BUS_NAME),
    clock: systemClock,
    // On AWS users come from the identity provider only; without one, only public routes answer.
    auth: oidcAuth(config) ?? { mode: 'unconfigured', reason: 'Sign-in is not set up: deploy with the oidcIssuer parameter (OIDC_ISSUER).' },
  };
}

/** The ports of this cold start: the embedded host sets local ones, Lambda parses its environment. */
export const { ports, useLocalPorts } = portsHolder<ConsoleApiPorts>(() => wireAws(loadConfig(AwsConfig)));
