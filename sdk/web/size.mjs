// `npm run size`: min+gzip bytes of our core and full builds and, bundled the same way in the
// same run, of the published AWS Clickstream web SDK. Prints JSON; exits 1 when over budget.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const BUDGET = { core: 4096, full: 7168 };

async function minGzip(stdin) {
  const result = await build({
    stdin: { ...stdin, resolveDir: here, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
  });
  const code = result.outputFiles[0].contents;
  return { min: code.length, minGzip: gzipSync(code, { level: 9 }).length };
}

const core = await minGzip({ contents: "export * from './src/core.ts';" });
const full = await minGzip({ contents: "export * from './src/index.ts';" });
const aws = await minGzip({ contents: "export * from '@aws/clickstream-web';" });
const report = {
  benchmark: 'sdk-web-size',
  unit: 'bytes',
  core: { ...core, budget: BUDGET.core },
  full: { ...full, budget: BUDGET.full },
  baseline: { name: '@aws/clickstream-web', ...aws },
  ratio: { core: +(core.minGzip / aws.minGzip).toFixed(3), full: +(full.minGzip / aws.minGzip).toFixed(3) },
};
console.log(JSON.stringify(report, null, 2));
if (core.minGzip > BUDGET.core || full.minGzip > BUDGET.full) process.exitCode = 1;
