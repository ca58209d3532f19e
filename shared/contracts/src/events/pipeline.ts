import * as z from 'zod';
import { defineContract } from '../contract.js';
import { IsoTime, ProjectId } from '../common.js';
import { Sources } from '../sources.js';

/** The "pipeline builder" model of one project: every stage's settings, validated as a whole. */
export const PipelineConfig = z.object({
  ingest: z.object({ sink: z.enum(['kinesis', 'firehose']).default('kinesis') }),
  process: z.object({
    /** How often processing runs, in seconds. */
    intervalSeconds: z.number().int().min(10).max(86_400).default(900),
    sessionTimeoutMinutes: z.number().int().min(1).max(1_440).default(30),
    lateEventWindowHours: z.number().int().min(1).max(24 * 30).default(72),
    anonymiseIp: z.boolean().default(false),
    enrichers: z.array(z.string().min(1)).default(['user-agent', 'geo', 'traffic-source', 'bots']),
    plugins: z
      .array(z.object({ name: z.string().min(1), options: z.record(z.string(), z.unknown()).default({}) }))
      .default([]),
  }),
  model: z.object({
    targets: z.array(z.enum(['athena', 'redshift'])).min(1).default(['athena']),
    redshiftLoadIntervalMinutes: z.number().int().min(1).max(1_440).default(5),
  }),
});
export type PipelineConfig = z.infer<typeof PipelineConfig>;

export const PipelineConfigChanged = defineContract({
  source: Sources.consoleApi,
  detailType: 'PipelineConfigChanged.v1',
  producer: 'console-api',
  description: "A project's pipeline configuration got a new version.",
  schema: z.object({
    projectId: ProjectId,
    appIds: z.array(z.string()),
    version: z.number().int().positive(),
    config: PipelineConfig,
    changedBy: z.string().min(1),
    changedAt: IsoTime,
  }),
  example: {
    projectId: 'shop',
    appIds: ['shop_web'],
    version: 2,
    config: {
      ingest: { sink: 'kinesis' },
      process: {
        intervalSeconds: 900,
        sessionTimeoutMinutes: 30,
        lateEventWindowHours: 72,
        anonymiseIp: true,
        enrichers: ['user-agent', 'geo', 'traffic-source', 'bots'],
        plugins: [],
      },
      model: { targets: ['athena', 'redshift'], redshiftLoadIntervalMinutes: 5 },
    },
    changedBy: 'admin@example.com',
    changedAt: '2026-11-29T10:05:00.000Z',
  },
});
