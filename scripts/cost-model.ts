// npm run cost [-- --scenario 10M|1B|all] [--sink kinesis|firehose] [--warehouse athena|redshift|both]
//              [--json] [--detail] [--free-tier] [--<parameter> <value> …]
// Monthly AWS cost of running Clickstream, from the parameters in scripts/cost-model/params.ts, the
// prices in scripts/cost-model/prices.ts and what services/*/serverless.yml deploy. See docs/COST.md.
import { parseArgs } from 'node:util';
import { readDeployment } from './cost-model/deployment.js';
import { runMatrix, SINKS, WAREHOUSES, type ModelResult } from './cost-model/model.js';
import { flagOf, PARAM_KEYS, parseVolume, SCENARIOS, type ModelInput } from './cost-model/params.js';
import { detailTable, headline, matrixTable } from './cost-model/report.js';
import { servicesRoot } from './template-check.js';

const SPECIAL = new Set(['events', 'sink', 'warehouse', 'freeTier']);

export function parseCli(argv: string[]): { scenarios: [string, number][]; sinks: string[]; warehouses: string[]; input: ModelInput; json: boolean; detail: boolean } {
  const paramFlags = Object.fromEntries(PARAM_KEYS.filter((k) => !SPECIAL.has(k)).map((k) => [flagOf(k), { type: 'string' as const }]));
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      scenario: { type: 'string', default: 'all' },
      events: { type: 'string' },
      sink: { type: 'string' },
      warehouse: { type: 'string' },
      json: { type: 'boolean', default: false },
      detail: { type: 'boolean', default: false },
      'free-tier': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
      ...paramFlags,
    },
  });
  if (values.help) throw new HelpRequested();
  const input: Record<string, unknown> = { freeTier: values['free-tier'] };
  for (const key of PARAM_KEYS) {
    if (SPECIAL.has(key)) continue;
    const v = (values as Record<string, unknown>)[flagOf(key)];
    if (v !== undefined) input[key] = v;
  }
  const scenarioText = String(values.scenario);
  let scenarios: [string, number][];
  if (values.events !== undefined) scenarios = [[String(values.events), parseVolume(String(values.events))]];
  else if (scenarioText === 'all') scenarios = [['10M', SCENARIOS['10M'] as number], ['1B', SCENARIOS['1B'] as number]];
  else scenarios = scenarioText.split(',').map((s) => [s, parseVolume(s)]);
  const pick = (given: unknown, all: readonly string[], name: string): string[] => {
    if (given === undefined) return [...all];
    const list = String(given).split(',');
    for (const v of list) if (!all.includes(v) && !(name === 'warehouse' && v === 'both')) throw new Error(`--${name} ${v}: expected one of ${[...all, ...(name === 'warehouse' ? ['both'] : [])].join(', ')}`);
    return list;
  };
  return {
    scenarios,
    sinks: pick(values.sink, SINKS, 'sink'),
    warehouses: pick(values.warehouse, WAREHOUSES, 'warehouse'),
    input: input as ModelInput,
    json: values.json === true,
    detail: values.detail === true,
  };
}

class HelpRequested extends Error {}

const HELP = `npm run cost -- [--scenario 10M|100M|1B|all|<n>] [--events <n>] [--sink kinesis,firehose] [--warehouse athena,redshift,both]
                [--json] [--detail] [--free-tier] [--<parameter> <value> …]
Parameters (defaults in scripts/cost-model/params.ts, explained in docs/COST.md):
  ${PARAM_KEYS.filter((k) => !SPECIAL.has(k)).map((k) => `--${flagOf(k)}`).join(' ')}`;

function main(): void {
  let cli: ReturnType<typeof parseCli>;
  try {
    cli = parseCli(process.argv.slice(2));
  } catch (error) {
    if (error instanceof HelpRequested) {
      console.log(HELP);
      return;
    }
    console.error(`cost: ${(error as Error).message}\n${HELP}`);
    process.exitCode = 2;
    return;
  }
  const deployment = readDeployment(servicesRoot);
  const runs: { scenario: string; results: ModelResult[] }[] = [];
  try {
    for (const [name, events] of cli.scenarios) {
      runs.push({ scenario: name, results: runMatrix({ ...cli.input, events }, deployment, cli.sinks, cli.warehouses) });
    }
  } catch (error) {
    console.error(`cost: ${(error as Error).message}`);
    process.exitCode = 2;
    return;
  }
  if (cli.json) {
    console.log(JSON.stringify({ deployment: { sources: deployment.sources }, scenarios: runs }, null, 2));
    return;
  }
  for (const run of runs) {
    const events = run.results[0]?.params.events ?? 0;
    console.log(`\n## ${run.scenario}: ${events.toLocaleString('en-US')} events/month (${run.results[0]?.params.eventsPerRequest} per request), ${run.results[0]?.params.region}\n`);
    console.log(matrixTable(run.results));
    console.log('');
    for (const r of run.results) console.log(`- ${headline(r)}`);
    if (cli.detail) for (const r of run.results) console.log(`\n### ${r.params.sink} + ${r.params.warehouse}\n\n${detailTable(r)}\n\n${r.components.flatMap((c) => c.notes.map((n) => `- ${c.name}: ${n}`)).join('\n')}`);
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) main();
