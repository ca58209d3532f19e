// npm run replay -- --stage dev --from <ISO> --to <ISO> [--service ingest,model-athena | --rule <name|arn>…]
//                   [--dry-run] [--no-wait] [--name <replay>] [--region <r>]
// npm run replay -- --stage dev --cancel <replay-name>
//
// Replays the archived events of the Clickstream bus `clickstream-<stage>` (its archive of the same
// name is created by services/console-api/serverless.yml) back onto that bus, optionally only to the
// rules of the chosen services, then follows the replay until it ends. The runbook is docs/REPLAY.md.
import {
  CancelReplayCommand,
  DescribeArchiveCommand,
  DescribeReplayCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  StartReplayCommand,
  type StartReplayCommandInput,
} from '@aws-sdk/client-eventbridge';
import { parseArgs } from 'node:util';
import { readServiceFile } from './cost-model/deployment.js';
import { listServices, servicesRoot } from './template-check.js';

// Stages become bus, bucket, Glue and table names: lowercase letters, digits and hyphens keep all of them valid.
const STAGE = /^[a-z][a-z0-9-]{0,20}$/;
// An ISO 8601 instant with an explicit zone, so no one replays in the wrong hour by accident.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const REPLAY_NAME = /^[.\-_A-Za-z0-9]{1,64}$/;
const DONE = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

export class UsageError extends Error {}

export interface ReplayOptions {
  stage: string;
  from: Date;
  to: Date;
  rules: string[];
  services: string[];
  dryRun: boolean;
  wait: boolean;
  name: string;
  pollSeconds: number;
  region: string | undefined;
  cancel: string | undefined;
}

function instant(flag: string, value: string | undefined): Date {
  if (!value || !ISO_INSTANT.test(value)) throw new UsageError(`--${flag} needs an ISO 8601 time with a zone, e.g. 2025-06-01T00:00:00Z (got ${JSON.stringify(value ?? '')})`);
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new UsageError(`--${flag} ${value} is not a valid time`);
  return d;
}

const list = (values: string[] | undefined) => (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');

export function parseReplayArgs(argv: string[], now: Date): ReplayOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      stage: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      rule: { type: 'string', multiple: true },
      service: { type: 'string', multiple: true },
      'dry-run': { type: 'boolean', default: false },
      'no-wait': { type: 'boolean', default: false },
      name: { type: 'string' },
      'poll-seconds': { type: 'string', default: '10' },
      region: { type: 'string' },
      cancel: { type: 'string' },
    },
  });
  const stage = values.stage ?? '';
  if (!STAGE.test(stage)) throw new UsageError(`--stage must be lowercase letters, digits and hyphens, starting with a letter (got ${JSON.stringify(stage)})`);
  const pollSeconds = Number(values['poll-seconds']);
  if (!Number.isFinite(pollSeconds) || pollSeconds < 1) throw new UsageError('--poll-seconds must be a number ≥ 1');
  const base = { stage, dryRun: values['dry-run'] === true, wait: values['no-wait'] !== true, pollSeconds, region: values.region };
  if (values.cancel !== undefined) {
    if (!REPLAY_NAME.test(values.cancel)) throw new UsageError(`--cancel ${values.cancel}: not a replay name`);
    return { ...base, from: now, to: now, rules: [], services: [], name: values.cancel, cancel: values.cancel };
  }
  const from = instant('from', values.from);
  const to = instant('to', values.to);
  if (from.getTime() >= to.getTime()) throw new UsageError('--from must be before --to');
  if (to.getTime() > now.getTime()) throw new UsageError(`--to ${to.toISOString()} is in the future; archives only hold past events`);
  const rules = list(values.rule);
  const services = list(values.service);
  if (rules.length > 0 && services.length > 0) throw new UsageError('give --rule or --service, not both');
  const known = listServices();
  for (const s of services) if (!known.includes(s)) throw new UsageError(`--service ${s}: expected one of ${known.join(', ')}`);
  const name = values.name ?? `clickstream-${stage}-${now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}`;
  if (!REPLAY_NAME.test(name)) throw new UsageError(`--name ${name}: up to 64 letters, digits, '.', '-', '_'`);
  return { ...base, from, to, rules, services, name, cancel: undefined };
}

/**
 * Names of the rules a service declares on the Clickstream bus, read from its serverless.yml: the
 * eventBridge events with an `eventBus` (rules without one are on the default bus) and a `name`.
 */
export function serviceRuleNames(service: string, stage: string, root = servicesRoot): string[] {
  const file = readServiceFile(root, service);
  if (!file) throw new UsageError(`services/${service}/serverless.yml not found`);
  const functions = file.root.functions;
  const names: string[] = [];
  for (const def of Object.values(typeof functions === 'object' && functions !== null ? functions : {})) {
    const events: unknown[] = Array.isArray((def as { events?: unknown }).events) ? (def as { events: unknown[] }).events : [];
    for (const e of events) {
      const spec = (e as { eventBridge?: { eventBus?: unknown; name?: unknown } }).eventBridge;
      if (!spec || spec.eventBus === undefined || typeof spec.name !== 'string') continue;
      names.push(spec.name.replaceAll('${sls:stage}', stage));
    }
  }
  return names;
}

export interface Io {
  log: (line: string) => void;
  sleep: (ms: number) => Promise<void>;
  now: () => Date;
}

/** Builds the StartReplay request: archive and bus ARNs from DescribeArchive, rule ARNs from DescribeRule. */
export async function buildReplayRequest(client: EventBridgeClient, o: ReplayOptions & { now: Date }, root = servicesRoot): Promise<StartReplayCommandInput> {
  const bus = `clickstream-${o.stage}`;
  const archive = await client.send(new DescribeArchiveCommand({ ArchiveName: bus }));
  if (!archive.ArchiveArn || !archive.EventSourceArn) throw new Error(`archive ${bus} has no ARN or source: is the console-api stack of stage ${o.stage} deployed?`);
  if (archive.State && archive.State !== 'ENABLED') throw new Error(`archive ${bus} is ${archive.State}, not ENABLED`);
  const retentionDays = archive.RetentionDays ?? 0;
  if (retentionDays > 0) {
    const oldest = o.now.getTime() - retentionDays * 86_400_000;
    if (o.from.getTime() < oldest) {
      throw new UsageError(`--from ${o.from.toISOString()} is older than the archive keeps (${retentionDays} days: nothing before ${new Date(oldest).toISOString()})`);
    }
  }
  const ruleNames = o.rules.length > 0 ? o.rules : o.services.flatMap((s) => {
    const names = serviceRuleNames(s, o.stage, root);
    if (names.length === 0) throw new UsageError(`${s} has no rule on ${bus} (only schedules or default-bus rules): a replay cannot reach it`);
    return names;
  });
  const filterArns: string[] = [];
  for (const rule of ruleNames) {
    if (rule.startsWith('arn:')) {
      filterArns.push(rule);
      continue;
    }
    const described = await client.send(new DescribeRuleCommand({ Name: rule, EventBusName: bus }));
    if (!described.Arn) throw new Error(`rule ${rule} on ${bus} has no ARN`);
    filterArns.push(described.Arn);
  }
  return {
    ReplayName: o.name,
    Description: `Clickstream ${o.stage}: ${o.services.length > 0 ? o.services.join(', ') : ruleNames.length > 0 ? `${ruleNames.length} rule(s)` : 'all rules'}`,
    EventSourceArn: archive.ArchiveArn,
    EventStartTime: o.from,
    EventEndTime: o.to,
    Destination: filterArns.length > 0 ? { Arn: archive.EventSourceArn, FilterArns: filterArns } : { Arn: archive.EventSourceArn },
  };
}

/** Runs the command; returns the process exit code (0 done, 1 replay failed or cancelled). */
export async function runReplay(client: EventBridgeClient, options: ReplayOptions, io: Io, root = servicesRoot): Promise<number> {
  if (options.cancel) {
    const out = await client.send(new CancelReplayCommand({ ReplayName: options.cancel }));
    io.log(`replay ${options.cancel}: ${out.State ?? 'cancel requested'}${out.StateReason ? ` (${out.StateReason})` : ''}`);
    return 0;
  }
  const o = { ...options, now: io.now() };
  const request = await buildReplayRequest(client, o, root);
  if (o.dryRun) {
    io.log(JSON.stringify({ StartReplay: request }, null, 2));
    return 0;
  }
  const started = await client.send(new StartReplayCommand(request));
  io.log(`replay ${request.ReplayName} ${started.State ?? 'STARTING'}: ${o.from.toISOString()} → ${o.to.toISOString()}`);
  if (!o.wait) {
    io.log(`follow: aws events describe-replay --replay-name ${request.ReplayName}; stop: npm run replay -- --stage ${o.stage} --cancel ${request.ReplayName}`);
    return 0;
  }
  return followReplay(client, request.ReplayName as string, o.from, o.to, o.pollSeconds, io);
}

/** Polls DescribeReplay and prints how far through the time range the replay is. */
export async function followReplay(client: EventBridgeClient, name: string, from: Date, to: Date, pollSeconds: number, io: Io): Promise<number> {
  let last = '';
  for (;;) {
    const r = await client.send(new DescribeReplayCommand({ ReplayName: name }));
    const state = r.State ?? 'UNKNOWN';
    const at = r.EventLastReplayedTime;
    const pct = at ? Math.min(100, Math.max(0, ((at.getTime() - from.getTime()) / (to.getTime() - from.getTime())) * 100)) : 0;
    const lineText = `${state}${at ? ` — replayed up to ${at.toISOString()} (${pct.toFixed(0)}%)` : ''}`;
    if (lineText !== last) io.log(`replay ${name}: ${lineText}`);
    last = lineText;
    if (DONE.has(state)) {
      if (state !== 'COMPLETED') io.log(`replay ${name} ended ${state}${r.StateReason ? `: ${r.StateReason}` : ''}`);
      return state === 'COMPLETED' ? 0 : 1;
    }
    await io.sleep(pollSeconds * 1000);
  }
}

async function main(): Promise<void> {
  let options: ReplayOptions;
  try {
    options = parseReplayArgs(process.argv.slice(2), new Date());
  } catch (error) {
    console.error(`replay: ${(error as Error).message}`);
    process.exitCode = 2;
    return;
  }
  const client = new EventBridgeClient(options.region ? { region: options.region } : {});
  const io: Io = { log: (l) => console.log(l), sleep: (ms) => new Promise((r) => setTimeout(r, ms)), now: () => new Date() };
  try {
    process.exitCode = await runReplay(client, options, io);
  } catch (error) {
    console.error(`replay: ${(error as Error).message}`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) await main();
