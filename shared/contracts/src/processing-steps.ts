import * as z from 'zod';

/**
 * The processing steps the process service runs (services/process/src/domain/pipeline/registry.ts),
 * as the other services may know them: console-api checks a pipeline configuration against this
 * catalogue before saving it, because process fails a run on an unknown step name or options it
 * cannot parse. A process test holds its registry and this catalogue to the same names and kinds;
 * the option schemas here are the checks that keep a run from failing, not a copy of every rule.
 */
export interface ProcessingStepInfo {
  name: string;
  kind: 'enricher' | 'plugin' | 'built-in';
  description: string;
  options: z.ZodType;
}

const anyOptions = z.record(z.string(), z.unknown());

export const processingSteps: readonly ProcessingStepInfo[] = [
  { name: 'user-agent', kind: 'enricher', description: 'Browser, OS and device from the user agent', options: anyOptions },
  { name: 'bots', kind: 'enricher', description: 'Flags known bots and crawlers', options: anyOptions },
  { name: 'geo', kind: 'enricher', description: 'Country, region and city from the IP address (DB-IP)', options: anyOptions },
  {
    name: 'traffic-source',
    kind: 'enricher',
    description: 'UTM parameters, click ids and referrer → source, medium, campaign and channel group',
    options: z.object({ channelRules: z.array(z.record(z.string(), z.unknown())).optional(), sourceCategories: anyOptions.optional() }),
  },
  { name: 'truncate', kind: 'built-in', description: 'Cuts oversized values (always on)', options: anyOptions },
  { name: 'anonymise-ip', kind: 'built-in', description: 'Zeroes the host part of IP addresses (process.anonymiseIp)', options: anyOptions },
  {
    name: 'example-pii-redactor',
    kind: 'plugin',
    description: 'Replaces the values of the named attributes by a salted hash',
    options: z.object({ keys: z.array(z.string().min(1)).min(1), salt: z.string().optional() }),
  },
];

export const enricherStepNames = processingSteps.filter((s) => s.kind === 'enricher').map((s) => s.name);
export const processingStepByName: ReadonlyMap<string, ProcessingStepInfo> = new Map(processingSteps.map((s) => [s.name, s]));
