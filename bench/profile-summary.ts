// Summarises a V8 .cpuprofile (e.g. from `npm run bench:ingest -- --cpu-prof`): the top frames
// by self time, and by total (inclusive) time, with the share of all samples.
//
//   node --import tsx bench/profile-summary.ts <file.cpuprofile> [--top 30] [--filter text]
//                                              [--from ms --to ms] [--requests n]
//
// --from/--to keep only the samples in that window (ms since the profile started; the benchmark
// prints the measured window), --requests adds the µs per request each frame costs.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '../scripts/template-check.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  options: {
    top: { type: 'string', default: '30' },
    filter: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    requests: { type: 'string' },
  },
  allowPositionals: true,
});
const file = positionals[0];
if (!file) {
  console.error('usage: bench/profile-summary.ts <file.cpuprofile> [--top N] [--filter text]');
  process.exit(2);
}
const top = Number(values.top);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const label = (n: ProfileNode) => {
  const { functionName, url, lineNumber } = n.callFrame;
  const where = url ? `${relative(repoRoot, url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
};

// Time per sample: timeDeltas[i] is the gap before sample i.
const fromUs = values.from === undefined ? -Infinity : Number(values.from) * 1000;
const toUs = values.to === undefined ? Infinity : Number(values.to) * 1000;
const requests = values.requests === undefined ? undefined : Number(values.requests);
const selfUs = new Map<number, number>();
let totalUs = 0;
let atUs = 0; // since the profile started
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  atUs += dt;
  if (atUs < fromUs || atUs > toUs) return;
  selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
  totalUs += dt;
});

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
for (const [id, us] of selfUs) {
  const node = byId.get(id)!;
  self.set(label(node), (self.get(label(node)) ?? 0) + us);
  // Each distinct frame label on the stack gets the sample once (recursion is not double counted).
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const l = label(byId.get(at)!);
    if (seen.has(l)) continue;
    seen.add(l);
    inclusive.set(l, (inclusive.get(l) ?? 0) + us);
  }
}

const print = (title: string, table: Map<string, number>) => {
  console.log(`\n${title}`);
  [...table]
    .filter(([l]) => !values.filter || l.includes(values.filter))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .forEach(([l, us]) =>
      console.log(
        `${((us / totalUs) * 100).toFixed(1).padStart(6)}%  ${(us / 1000).toFixed(0).padStart(7)} ms` +
          (requests ? `  ${(us / requests).toFixed(1).padStart(7)} µs/req` : '') +
          `  ${l}`,
      ),
    );
};

console.log(
  `${file}: ${(totalUs / 1e6).toFixed(1)} s sampled` +
    (Number.isFinite(fromUs) || Number.isFinite(toUs) ? ` between ${values.from ?? 'start'} and ${values.to ?? 'end'} ms` : '') +
    (requests ? `, ${requests} requests (${(totalUs / requests).toFixed(0)} µs of main-thread time each)` : ''),
);
print('self time', self);
print('total time (inclusive)', inclusive);
