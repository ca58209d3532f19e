import { createLogger, loadConfig, portsHolder, systemClock } from '@clickstream/lambda-kit';
import { EventBridgePublisher } from '@clickstream/lambda-kit/eventbridge';
import * as z from 'zod';
import { AthenaViewDeployer } from './adapters/aws/athena-view-deployer.js';
import { GlueCatalog } from './adapters/aws/glue-catalog.js';
import type { ModelAthenaPorts } from './ports/index.js';

export const logger = createLogger('model-athena');

export const AwsConfig = z.object({
  MODE: z.literal('aws'),
  GLUE_DATABASE: z.string().min(1),
  WAREHOUSE_BUCKET: z.string().min(1),
  ATHENA_WORKGROUP: z.string().min(1),
  EVENT_BUS_NAME: z.string().min(1),
});
export type AwsConfig = z.infer<typeof AwsConfig>;

export function wireAws(config: AwsConfig): ModelAthenaPorts {
  return {
    catalog: new GlueCatalog(config.GLUE_DATABASE, config.WAREHOUSE_BUCKET),
    views: new AthenaViewDeployer(config.ATHENA_WORKGROUP, config.GLUE_DATABASE),
    publisher: new EventBridgePublisher(config.EVENT_BUS_NAME),
    clock: systemClock,
  };
}

/** The ports of this cold start: the embedded host sets local ones, Lambda parses its environment. */
export const { ports, useLocalPorts } = portsHolder<ModelAthenaPorts>(() => wireAws(loadConfig(AwsConfig)));
