#!/usr/bin/env node
// Runs one suite of the project's tests with node's own test runner (TypeScript through tsx).
// Suites are told apart by file name: *.e2e.test.ts, *.package.test.ts, and the rest are unit tests.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const suite = process.argv[2] ?? 'unit';
const roots = ['shared', 'services', 'embedded', 'sdk', 'console', 'scripts', 'test'];
const skip = new Set(['node_modules', 'dist', '.serverless', '.esbuild', '.clickstream']);

function* walk(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (skip.has(e.name)) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (/\.test\.ts$/.test(e.name)) yield p;
  }
}

const kind = (f) => (f.endsWith('.e2e.test.ts') ? 'e2e' : f.endsWith('.package.test.ts') ? 'package' : 'unit');
const files = roots.flatMap((r) => [...walk(r)]).filter((f) => kind(f) === suite).sort();
if (files.length === 0) {
  console.error(`no ${suite} test files found`);
  process.exit(1);
}
console.log(`${suite}: ${files.length} test files`);
// A hung test fails instead of holding CI until its overall limit.
const timeoutMs = { unit: 60_000, e2e: 180_000, package: 300_000 }[suite] ?? 60_000;
const args = ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-timeout=${timeoutMs}`];
if (suite !== 'unit') args.push('--test-concurrency=1');
const run = spawnSync(process.execPath, [...args, ...files.map((f) => relative(process.cwd(), f))], {
  stdio: 'inherit',
  env: { ...process.env, POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT' },
});
process.exit(run.status ?? 1);
