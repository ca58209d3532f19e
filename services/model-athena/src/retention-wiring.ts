// The ports of on-partitions-expired, beside wiring.ts so the catalog ports stay as they are:
// the same environment, its own holder.
import { loadConfig, portsHolder } from '@clickstream/lambda-kit';
import * as z from 'zod';
import { GluePartitionRemover } from './adapters/aws/glue-partition-remover.js';
import type { PartitionRemover } from './ports/partition-remover.js';

export interface RetentionPorts {
  partitions: PartitionRemover;
}

export const RetentionAwsConfig = z.object({ MODE: z.literal('aws'), GLUE_DATABASE: z.string().min(1) });

export const { ports: retentionPorts, useLocalPorts: useLocalRetentionPorts } = portsHolder<RetentionPorts>(() => ({
  partitions: new GluePartitionRemover(loadConfig(RetentionAwsConfig).GLUE_DATABASE),
}));
