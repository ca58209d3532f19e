// `npm run size:console`: min+gzip bytes of what the console's first screen loads (main.js, its
// static imports and main.css) and of each chunk loaded on demand (ECharts, screens), built the
// way build.mjs builds. Baseline, measured in the same run: the same app bundled as one file
// (no splitting, charts included). Prints JSON; exits 1 when the first screen is over budget.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { buildOptions } from './build.mjs';

const BUDGET = { initialMinGzip: 250 * 1024 };
const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;

const split = await build({ ...buildOptions, write: false, metafile: true, sourcemap: false });
const files = new Map(split.outputFiles.map((f) => [f.path.slice(f.path.indexOf('/dist/') + 1), f.contents]));
const outputs = split.metafile.outputs;

/** main.js and everything it imports statically, transitively. */
function initialFiles() {
  const seen = new Set();
  const visit = (path) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const i of outputs[path]?.imports ?? []) if (i.kind === 'import-statement') visit(i.path);
  };
  visit('dist/main.js');
  if (outputs['dist/main.css']) seen.add('dist/main.css');
  return [...seen];
}

const measure = (paths) => {
  const min = paths.reduce((s, p) => s + (files.get(p)?.length ?? 0), 0);
  const minGzip = paths.reduce((s, p) => s + gz(files.get(p) ?? new Uint8Array()), 0);
  return { min, minGzip };
};

const initial = initialFiles();
const lazy = Object.keys(outputs)
  .filter((p) => p.endsWith('.js') && !initial.includes(p) && outputs[p].entryPoint)
  .map((p) => ({ chunk: p.replace(/^dist\//, '').replace(/-[A-Z0-9]{8}\.js$/, ''), ...measure([p]) }))
  .sort((a, b) => b.minGzip - a.minGzip);

const single = await build({ ...buildOptions, splitting: false, write: false, sourcemap: false, outdir: undefined, outfile: 'dist/all.js' });
const allJs = single.outputFiles.filter((f) => f.path.endsWith('.js'));
const baseline = { name: 'one bundle, no code splitting', min: allJs.reduce((s, f) => s + f.contents.length, 0), minGzip: allJs.reduce((s, f) => s + gz(f.contents), 0) };

const first = measure(initial);
const report = {
  benchmark: 'console-size',
  unit: 'bytes',
  initial: { files: initial.map((p) => p.replace(/^dist\//, '')), ...first, budget: BUDGET.initialMinGzip },
  onDemand: lazy,
  baseline,
  ratio: +(first.minGzip / baseline.minGzip).toFixed(3),
};
console.log(JSON.stringify(report, null, 2));
if (first.minGzip > BUDGET.initialMinGzip) process.exitCode = 1;
