// `npm run reprocess -- --app shop_web --from 2026-11-01 --to 2026-11-03 [--data-dir ./.clickstream]`
//
// Rebuilds one app's warehouse partitions for the UTC days from..to (inclusive) from the raw files
// under DATA_DIR/objects/raw/ (the embedded Firehose's layout), with the app's current pipeline
// configuration, then replaces those partitions and announces ProcessingCompleted.v1 so the models
// refresh. See services/process/README.md ("Reprocessing") for what happens while the platform runs.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { reprocess } from '../src/adapters/local/reprocess.js';

const { values } = parseArgs({
  options: {
    app: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    'data-dir': { type: 'string' },
  },
});

const day = (text: string | undefined, name: string): number => {
  const m = text === undefined ? null : /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text) {
    process.stderr.write(`reprocess: --${name} must be a UTC day, YYYY-MM-DD (got ${text ?? 'nothing'})\n`);
    process.exit(2);
  }
  return ms;
};

if (!values.app || !/^[A-Za-z0-9_]{1,64}$/.test(values.app)) {
  process.stderr.write('usage: npm run reprocess -- --app <appId> --from YYYY-MM-DD --to YYYY-MM-DD [--data-dir DIR]\n');
  process.exit(2);
}
const from = day(values.from, 'from');
const to = day(values.to, 'to') + 86_400_000;
if (to <= from) {
  process.stderr.write('reprocess: --to is before --from\n');
  process.exit(2);
}
const dataDir = resolve(values['data-dir'] ?? process.env.DATA_DIR ?? './.clickstream');

const bar = (done: number, total: number, uploads: number) => {
  const width = 30;
  const share = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(share * width);
  process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}%  ${uploads.toLocaleString('en-US')} uploads read`);
};

const result = await reprocess({ dataDir, appId: values.app, from, to, onProgress: bar });
process.stderr.write('\n');
const { retention } = result;
if (retention.expiredDays.length > 0) {
  const days = retention.expiredDays;
  const span = days.length === 1 ? days[0] : `${days[0]}..${days[days.length - 1]}`;
  process.stderr.write(
    `reprocess: ${span} (${days.length} day${days.length === 1 ? '' : 's'}) before ${values.app}'s retention cutoff ${retention.cutoff} ` +
      `(${retention.retentionDays} days): already removed, nothing written for them; ` +
      `${result.expiredEvents.toLocaleString('en-US')} expired events dropped (EXPIRED_EVENT).\n`,
  );
}
console.log(JSON.stringify(result, null, 2));
