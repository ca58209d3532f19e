// `npm run package`: `sls package` (osls, offline) for every service, two at a time, then a size report.
//
//   node --import tsx scripts/package-services.ts [--stage dev] [--region us-east-1] [--concurrency 2] [service…]
//
// No AWS credentials are needed or used: osls makes no network calls for `package`, and the
// serverless.yml files avoid `${aws:accountId}` (the one variable that would call STS) by using
// CloudFormation `Fn::Sub` templates instead. Output lands in services/<name>/.serverless/ (gitignored).
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ZIP_BUDGETS,
  functionPackages,
  listServices,
  packageDir,
  readZip,
  repoRoot,
  runtimeImports,
  serviceDir,
  type FunctionPackage,
} from './template-check.js';

const { values, positionals } = parseArgs({
  options: {
    stage: { type: 'string', default: 'dev' },
    region: { type: 'string', default: 'us-east-1' },
    concurrency: { type: 'string', default: '2' },
  },
  allowPositionals: true,
});

const all = listServices();
const unknown = positionals.filter((s) => !all.includes(s));
if (unknown.length > 0) {
  console.error(`unknown service(s): ${unknown.join(', ')} (have: ${all.join(', ')})`);
  process.exit(2);
}
const services = positionals.length > 0 ? positionals : all;
const concurrency = Math.max(1, Number.parseInt(values.concurrency ?? '2', 10) || 2);
const osls = join(repoRoot, 'node_modules', 'osls', 'bin', 'serverless.js');

// Modules a Lambda bundle must never load: they are not in the zip (and DuckDB is the embedded engine only).
const FORBIDDEN_IMPORTS = ['@duckdb/node-api'];

interface Outcome {
  service: string;
  ok: boolean;
  ms: number;
  output: string;
}

function packageService(service: string): Promise<Outcome> {
  const started = performance.now();
  // A stale zip of a removed function must not survive into the report or the tests.
  rmSync(packageDir(service), { recursive: true, force: true });
  return new Promise((resolveOutcome) => {
    const child = spawn(process.execPath, [osls, 'package', '--stage', values.stage!, '--region', values.region!], {
      cwd: serviceDir(service),
      env: {
        ...process.env,
        SLS_TELEMETRY_DISABLED: '1',
        SLS_NOTIFICATIONS_MODE: 'off',
        // The bundled AWS SDK (osls's own) warns on Node < 22 on every run; the warning is noise here.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        // Never probe the EC2 metadata endpoint for credentials (nothing here needs any).
        AWS_EC2_METADATA_DISABLED: 'true',
        FORCE_COLOR: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (err) => resolveOutcome({ service, ok: false, ms: performance.now() - started, output: String(err) }));
    child.on('close', (code) =>
      resolveOutcome({ service, ok: code === 0, ms: performance.now() - started, output }),
    );
  });
}

async function runAll(): Promise<Outcome[]> {
  const queue = [...services];
  const outcomes: Outcome[] = [];
  const worker = async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const outcome = await packageService(next);
      outcomes.push(outcome);
      console.log(`${outcome.ok ? '✔' : '✖'} ${next} packaged in ${(outcome.ms / 1000).toFixed(1)}s`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
  return outcomes;
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

const started = performance.now();
console.log(`packaging ${services.join(', ')} (stage ${values.stage}, region ${values.region}, ${concurrency} at a time)`);
const outcomes = await runAll();
const failed = outcomes.filter((o) => !o.ok);
for (const f of failed) {
  console.error(`\n──────── ${f.service}: sls package failed ────────\n${f.output.trim()}\n`);
}

const summary: (Pick<FunctionPackage, 'service' | 'function' | 'bytes' | 'bundleBytes'> & { overBudget?: number })[] = [];
const problems: string[] = [];
for (const o of outcomes.filter((x) => x.ok).sort((a, b) => a.service.localeCompare(b.service))) {
  const packages = functionPackages(o.service);
  if (!existsSync(join(packageDir(o.service), 'cloudformation-template-update-stack.json'))) {
    problems.push(`${o.service}: no CloudFormation template was written`);
  }
  console.log(`\n${o.service}: ${(o.ms / 1000).toFixed(1)}s, ${packages.length} zip(s)`);
  for (const p of packages) {
    const budget = ZIP_BUDGETS[`${p.service}/${p.function}`];
    const over = budget !== undefined && p.bytes > budget;
    console.log(
      `  ${p.function.padEnd(28)} ${kb(p.bytes).padStart(10)} zip  ${kb(p.bundleBytes).padStart(10)} minified` +
        (budget === undefined ? '' : `  (budget ${kb(budget)}${over ? ' — OVER BUDGET' : ''})`),
    );
    summary.push({ service: p.service, function: p.function, bytes: p.bytes, bundleBytes: p.bundleBytes, ...(over ? { overBudget: p.bytes - budget } : {}) });
    for (const entry of readZip(p.zip).filter((e) => e.name.endsWith('.mjs'))) {
      const bad = runtimeImports(entry.read().toString('utf8')).filter((m) => FORBIDDEN_IMPORTS.some((f) => m === f || m.startsWith(`${f}/`)));
      if (bad.length > 0) problems.push(`${p.service}/${p.function}: ${entry.name} imports ${bad.join(', ')} at runtime`);
    }
  }
}

console.log(`\n${JSON.stringify(summary, null, 2)}`);
console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(1)}s`);
for (const p of problems) console.error(`✖ ${p}`);
if (failed.length > 0 || problems.length > 0) {
  console.error(`\npackaging FAILED: ${[...failed.map((f) => f.service), ...problems].join('; ')}`);
  process.exit(1);
}
