// Runs the model for one configuration, or for the matrix of sinks × warehouses the docs compare.
import { allComponents, type ComponentCost } from './components.js';
import type { Deployment } from './deployment.js';
import { parseParams, type ModelInput, type ModelParams } from './params.js';
import { pricesFor } from './prices.js';
import { deriveUsage, type Usage } from './usage.js';

/** The target: under $15 per 10 M events end to end on the Athena path. */
export const TARGET_USD_PER_10M = 15;

export interface ModelResult {
  params: ModelParams;
  usage: Usage;
  components: ComponentCost[];
  totalUsd: number;
  usdPer10MEvents: number;
  /** Components sorted by cost, largest first, with their share of the total. */
  dominant: { id: string; usd: number; share: number }[];
  target: { usdPer10M: number; met: boolean } | undefined;
}

export function runModel(input: ModelInput, deployment: Deployment): ModelResult {
  const p = parseParams(input);
  const $ = pricesFor(p.region);
  const u = deriveUsage(p, deployment);
  const components = allComponents({ p, d: deployment, u, $ });
  const totalUsd = components.reduce((s, c) => s + c.usd, 0);
  const usdPer10MEvents = (totalUsd / p.events) * 10_000_000;
  const dominant = [...components]
    .sort((a, b) => b.usd - a.usd)
    .map((c) => ({ id: c.id, usd: c.usd, share: totalUsd > 0 ? c.usd / totalUsd : 0 }));
  const target = p.warehouse === 'athena' ? { usdPer10M: TARGET_USD_PER_10M, met: usdPer10MEvents < TARGET_USD_PER_10M } : undefined;
  return { params: p, usage: u, components, totalUsd, usdPer10MEvents, dominant, target };
}

export const SINKS = ['kinesis', 'firehose'] as const;
export const WAREHOUSES = ['athena', 'redshift'] as const;

/** Every sink × warehouse combination for one set of parameters. */
export function runMatrix(input: ModelInput, deployment: Deployment, sinks: readonly string[] = SINKS, warehouses: readonly string[] = WAREHOUSES): ModelResult[] {
  return sinks.flatMap((sink) => warehouses.map((warehouse) => runModel({ ...input, sink: sink as ModelParams['sink'], warehouse: warehouse as ModelParams['warehouse'] }, deployment)));
}
