// What the services' serverless.yml files deploy, as far as it moves the bill: function memory and
// architecture, schedules, the Kinesis capacity mode, Firehose buffering, retention periods, EMR
// settings, and how many alarms, queues and state machines exist. Read from the files (with their
// params.default) so the model follows the templates instead of repeating them.
import { parseScheduleExpression } from '@clickstream/runtime';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const HOURS_PER_MONTH = 730;
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;

export interface FunctionSpec {
  service: string;
  name: string;
  memoryMb: number;
  architecture: 'arm64' | 'x86_64';
}

export interface Deployment {
  functions: FunctionSpec[];
  /** Runs per month of each schedule, keyed `service/function`. */
  schedules: Record<string, { expression: string; runsPerMonth: number }>;
  kinesisStreamMode: 'ON_DEMAND' | 'PROVISIONED';
  kinesisRetentionHours: number;
  defaultSink: string;
  firehoseBufferSeconds: number;
  firehoseBufferMb: number;
  rawRetentionDays: number;
  logRetentionDays: number;
  archiveRetentionDays: number;
  emrArchitecture: 'ARM64' | 'X86_64';
  emrMaxVcpu: number;
  /** Spark settings passed at StartJobRun; none means EMR Serverless defaults. */
  emrSparkSubmitParameters: string | undefined;
  alarms: number;
  queues: number;
  stateMachines: number;
  /** Where each value came from, for the report. */
  sources: string[];
}

type Yaml = Record<string, unknown>;
const isObject = (v: unknown): v is Yaml => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A service's parsed serverless.yml with `${param:X}` resolvable against its params.default. */
export interface ServiceFile {
  service: string;
  root: Yaml;
  params: Yaml;
}

export function readServiceFile(servicesRoot: string, service: string): ServiceFile | undefined {
  const file = join(servicesRoot, service, 'serverless.yml');
  if (!existsSync(file)) return undefined;
  const root: unknown = parse(readFileSync(file, 'utf8'));
  if (!isObject(root)) throw new Error(`${file}: expected a mapping at the top level`);
  const params = isObject(root.params) && isObject(root.params.default) ? root.params.default : {};
  return { service, root, params };
}

/** Resolves a whole-value `${param:NAME}` / `${param:NAME, 'fallback'}` reference; other values pass through. */
export function resolveParam(value: unknown, params: Yaml): unknown {
  if (typeof value !== 'string') return value;
  const m = /^\$\{param:([A-Za-z0-9_]+)(?:,\s*'([^']*)')?\}$/.exec(value.trim());
  if (!m) return value;
  const name = m[1] as string;
  if (name in params) return params[name];
  if (m[2] !== undefined) return m[2];
  throw new Error(`\${param:${name}} has no default`);
}

function at(root: unknown, path: readonly string[]): unknown {
  let v: unknown = root;
  for (const key of path) {
    if (!isObject(v)) return undefined;
    v = v[key];
  }
  return v;
}

/** Runs per month of an AWS schedule expression (a month being 730 hours). */
export function runsPerMonth(expression: string): number {
  const parsed = parseScheduleExpression(expression);
  if (parsed.kind === 'rate') return (SECONDS_PER_MONTH * 1000) / parsed.intervalMs;
  // Count a fixed 30-day window and scale it to 730 hours.
  const start = new Date(Date.UTC(2025, 0, 1));
  const end = start.getTime() + 30 * 86_400_000;
  let n = 0;
  for (let t = parsed.next(start); t && t.getTime() < end; t = parsed.next(t)) n++;
  return (n * HOURS_PER_MONTH) / (30 * 24);
}

function resourcesOf(file: ServiceFile): Yaml {
  const r = at(file.root, ['resources', 'Resources']);
  return isObject(r) ? r : {};
}

const countType = (files: ServiceFile[], type: string) =>
  files.reduce((n, f) => n + Object.values(resourcesOf(f)).filter((r) => isObject(r) && r.Type === type).length, 0);

/** Parses a size like `32 vCPU` or `128 GB` to its number. */
const leadingNumber = (v: unknown): number => (typeof v === 'number' ? v : Number(/^\s*([\d.]+)/.exec(String(v))?.[1] ?? NaN));

export function readDeployment(servicesRoot: string): Deployment {
  const names = ['ingest', 'process', 'model-athena', 'model-redshift', 'console-api'];
  const files = names.map((n) => readServiceFile(servicesRoot, n)).filter((f): f is ServiceFile => f !== undefined);
  const byName = new Map(files.map((f) => [f.service, f]));
  const sources: string[] = [];
  const num = (service: string, path: string[], fallback: number, label: string): number => {
    const f = byName.get(service);
    const raw = f ? resolveParam(at(f.root, path), f.params) : undefined;
    const n = leadingNumber(raw);
    if (raw === undefined || !Number.isFinite(n)) {
      sources.push(`${label}: ${fallback} (assumed: services/${service}/serverless.yml has no ${path.join('.')})`);
      return fallback;
    }
    sources.push(`${label}: ${n} (services/${service}/serverless.yml ${path.join('.')})`);
    return n;
  };
  const str = (service: string, path: string[], fallback: string, label: string): string => {
    const f = byName.get(service);
    const raw = f ? resolveParam(at(f.root, path), f.params) : undefined;
    if (typeof raw !== 'string' || raw === '') {
      sources.push(`${label}: ${fallback} (assumed: services/${service}/serverless.yml has no ${path.join('.')})`);
      return fallback;
    }
    sources.push(`${label}: ${raw} (services/${service}/serverless.yml ${path.join('.')})`);
    return raw;
  };

  const functions: FunctionSpec[] = [];
  const schedules: Deployment['schedules'] = {};
  for (const f of files) {
    const providerMemory = leadingNumber(resolveParam(at(f.root, ['provider', 'memorySize']), f.params));
    const arch = resolveParam(at(f.root, ['provider', 'architecture']), f.params) === 'x86_64' ? 'x86_64' : 'arm64';
    const fns = at(f.root, ['functions']);
    for (const [name, def] of Object.entries(isObject(fns) ? fns : {})) {
      const own = isObject(def) ? leadingNumber(resolveParam(def.memorySize, f.params)) : NaN;
      // 1024 MB is the Serverless Framework default when neither level sets it.
      const memoryMb = Number.isFinite(own) ? own : Number.isFinite(providerMemory) ? providerMemory : 1024;
      const ownArch = isObject(def) ? resolveParam(def.architecture, f.params) : undefined;
      functions.push({ service: f.service, name, memoryMb, architecture: ownArch === 'x86_64' ? 'x86_64' : arch });
      const events = isObject(def) && Array.isArray(def.events) ? def.events : [];
      for (const e of events) {
        const spec = isObject(e) ? e.schedule : undefined;
        const rates = isObject(spec) ? (Array.isArray(spec.rate) ? spec.rate : [spec.rate]) : typeof spec === 'string' ? [spec] : [];
        for (const r of rates) {
          const expression = String(resolveParam(r, f.params));
          schedules[`${f.service}/${name}`] = { expression, runsPerMonth: runsPerMonth(expression) };
          sources.push(`schedule ${f.service}/${name}: ${expression} (services/${f.service}/serverless.yml)`);
        }
      }
    }
  }

  const mode = str('ingest', ['resources', 'Resources', 'RawStream', 'Properties', 'StreamModeDetails', 'StreamMode'], 'ON_DEMAND', 'Kinesis stream mode');
  const emrArch = str('process', ['params', 'default', 'emrArchitecture'], 'ARM64', 'EMR architecture');
  const sparkParams = at(byName.get('process')?.root, ['resources', 'Resources', 'EmrApplication', 'Properties', 'RuntimeConfiguration']);
  return {
    functions,
    schedules,
    kinesisStreamMode: mode === 'PROVISIONED' ? 'PROVISIONED' : 'ON_DEMAND',
    kinesisRetentionHours: num('ingest', ['params', 'default', 'kinesisRetentionHours'], 24, 'Kinesis retention hours'),
    defaultSink: str('ingest', ['params', 'default', 'sink'], 'kinesis', 'default sink'),
    firehoseBufferSeconds: num('ingest', ['params', 'default', 'firehoseBufferSeconds'], 60, 'Firehose buffer seconds'),
    firehoseBufferMb: num(
      'ingest',
      ['resources', 'Resources', 'RawDeliveryStream', 'Properties', 'ExtendedS3DestinationConfiguration', 'BufferingHints', 'SizeInMBs'],
      64,
      'Firehose buffer MB',
    ),
    rawRetentionDays: num('ingest', ['params', 'default', 'rawRetentionDays'], 90, 'raw bucket retention days'),
    logRetentionDays: num('ingest', ['params', 'default', 'logRetentionInDays'], 30, 'log retention days'),
    archiveRetentionDays: num('console-api', ['params', 'default', 'archiveRetentionDays'], 30, 'event archive retention days'),
    emrArchitecture: emrArch === 'X86_64' ? 'X86_64' : 'ARM64',
    emrMaxVcpu: num('process', ['params', 'default', 'emrMaxCpu'], 32, 'EMR maximum vCPU'),
    emrSparkSubmitParameters: sparkParams === undefined ? undefined : JSON.stringify(sparkParams),
    alarms: countType(files, 'AWS::CloudWatch::Alarm'),
    queues: countType(files, 'AWS::SQS::Queue'),
    stateMachines: countType(files, 'AWS::StepFunctions::StateMachine'),
    sources,
  };
}

export function functionSpec(d: Deployment, service: string, name: string): FunctionSpec {
  return d.functions.find((f) => f.service === service && f.name === name) ?? { service, name, memoryMb: 512, architecture: 'arm64' };
}

export function scheduleRuns(d: Deployment, key: string, fallbackExpression: string): number {
  return d.schedules[key]?.runsPerMonth ?? runsPerMonth(fallbackExpression);
}
