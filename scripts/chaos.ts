// `npm run chaos`: the chaos and load harness (see scripts/chaos/harness.ts). Prints ONE JSON
// object on stdout — { sent, acked, lost, duplicated, badRows, kills, eventsPerSec, … } — progress
// on stderr. Exit code 1 when anything acknowledged was lost or counted twice.
//
//   npm run chaos -- [--clients 16] [--duration 60] [--kills 5] [--batch 10] [--invalid 0.02]
//                    [--seed N] [--settle 180] [--process-interval 2] [--data-dir DIR] [--keep-data]
import { parseArgs } from 'node:util';
import { runChaos } from './chaos/harness.js';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '16' },
    duration: { type: 'string', default: '60' },
    kills: { type: 'string', default: '5' },
    batch: { type: 'string', default: '10' },
    invalid: { type: 'string', default: '0.02' },
    seed: { type: 'string' },
    settle: { type: 'string', default: '180' },
    'process-interval': { type: 'string', default: '2' },
    'data-dir': { type: 'string' },
    'keep-data': { type: 'boolean', default: false },
  },
});

function number(name: string, raw: string | undefined, { min, integer }: { min: number; integer?: boolean }): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) {
    console.error(`chaos: --${name} must be ${integer ? 'an integer' : 'a number'} >= ${min}, got "${raw}"`);
    process.exit(2);
  }
  return n;
}

const invalidShare = number('invalid', values.invalid, { min: 0 });
if (invalidShare > 1) {
  console.error('chaos: --invalid is a share between 0 and 1');
  process.exit(2);
}

const result = await runChaos({
  clients: number('clients', values.clients, { min: 1, integer: true }),
  durationSec: number('duration', values.duration, { min: 1 }),
  kills: number('kills', values.kills, { min: 0, integer: true }),
  eventsPerBatch: number('batch', values.batch, { min: 1, integer: true }),
  invalidShare,
  seed: values.seed === undefined ? Date.now() % 2 ** 31 : number('seed', values.seed, { min: 0, integer: true }),
  settleTimeoutSec: number('settle', values.settle, { min: 1 }),
  processIntervalSec: number('process-interval', values['process-interval'], { min: 1 }),
  dataDir: values['data-dir'],
  keepData: values['keep-data'],
  log: (m) => console.error(`chaos: ${m}`),
});
console.log(JSON.stringify(result, null, 2));
process.exit(result.lost === 0 && result.duplicated === 0 && result.badRowsMissing === 0 ? 0 : 1);
