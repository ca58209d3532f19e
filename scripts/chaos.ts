// `npm run chaos`: the chaos and load harness (see scripts/chaos/harness.ts). Prints ONE JSON
// object on stdout — { sent, acked, lost, duplicated, badRows, badRowsExpected, unexpected, kills,
// eventsPerSec, … } — progress on stderr. Exit code 1 when anything acknowledged was lost or counted
// twice, a bad row is missing, or anything is there that should not be.
//
//   npm run chaos -- [--clients 16] [--duration 60] [--kills 5] [--seed N] [--upload-interval 10]
//                    [--repeat 0.01] [--shares '{"malformed":0.05,"late":0.01}'] [--settle 180]
//                    [--process-interval 2] [--data-dir DIR] [--keep-data]
import { parseArgs } from 'node:util';
import * as z from 'zod';
import { CHAOS_SHARES, passed, runChaos } from './chaos/harness.js';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '16' },
    duration: { type: 'string', default: '60' },
    kills: { type: 'string', default: '5' },
    seed: { type: 'string' },
    'upload-interval': { type: 'string', default: '10' },
    repeat: { type: 'string', default: '0.01' },
    shares: { type: 'string', default: '{}' },
    settle: { type: 'string', default: '180' },
    'process-interval': { type: 'string', default: '2' },
    'data-dir': { type: 'string' },
    'keep-data': { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  console.error(`chaos: ${message}`);
  process.exit(2);
}

function number(name: string, raw: string | undefined, { min, max, integer }: { min: number; max?: number; integer?: boolean }): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || (max !== undefined && n > max) || (integer && !Number.isInteger(n))) {
    fail(`--${name} must be ${integer ? 'an integer' : 'a number'} >= ${min}${max === undefined ? '' : ` and <= ${max}`}, got "${raw}"`);
  }
  return n;
}

const Share = z.number().min(0).max(1);
const Shares = z.strictObject(Object.fromEntries(Object.keys(CHAOS_SHARES).map((k) => [k, Share.optional()])));
function shares(raw: string): Record<string, number | undefined> {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    fail(`--shares must be a JSON object, got ${raw}`);
  }
  const parsed = Shares.safeParse(json);
  if (!parsed.success) fail(`--shares: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'shares'}: ${i.message}`).join('; ')} (keys: ${Object.keys(CHAOS_SHARES).join(', ')})`);
  return parsed.data;
}

const result = await runChaos({
  clients: number('clients', values.clients, { min: 1, integer: true }),
  durationSec: number('duration', values.duration, { min: 1 }),
  kills: number('kills', values.kills, { min: 0, integer: true }),
  seed: values.seed === undefined ? Date.now() % 2 ** 31 : number('seed', values.seed, { min: 0, integer: true }),
  uploadIntervalSec: number('upload-interval', values['upload-interval'], { min: 1 }),
  repeatShare: number('repeat', values.repeat, { min: 0, max: 1 }),
  shares: shares(values.shares),
  settleTimeoutSec: number('settle', values.settle, { min: 1 }),
  processIntervalSec: number('process-interval', values['process-interval'], { min: 1 }),
  dataDir: values['data-dir'],
  keepData: values['keep-data'],
  log: (m) => console.error(`chaos: ${m}`),
});
console.log(JSON.stringify(result, null, 2));
process.exit(passed(result) ? 0 : 1);
