// What can be checked of the EMR Serverless side without Spark or Docker: the driver compiles, the
// Dockerfile copies files the build produces, and the driver runs the pipe the way the pipe expects.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WarehouseTables } from '@clickstream/contracts';
import { buildProcessCore } from '../scripts/build-process-core.js';

const serviceDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = join(serviceDir, '..', '..');
const driver = join(serviceDir, 'emr', 'process_driver.py');
const dockerfile = readFileSync(join(serviceDir, 'emr', 'Dockerfile'), 'utf8');
const python = ['python3', 'python'].find((p) => spawnSync(p, ['--version']).status === 0);

describe('EMR Serverless job', () => {
  it('the driver is valid Python', { skip: python === undefined ? 'no python3 on this machine' : false }, (t) => {
    const dir = join(tmpdir(), `driver-${process.pid}`);
    t.after(() => rm(dir, { recursive: true, force: true }));
    const out = spawnSync(python!, ['-c', `import py_compile,sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)`, driver, join(dir, 'd.pyc')], {
      encoding: 'utf8',
    });
    assert.equal(out.status, 0, out.stderr);
  });

  it('the Dockerfile copies exactly what the build writes, and the driver', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'emr-build-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const built = await buildProcessCore(dir);
    const copies = [...dockerfile.matchAll(/^COPY\s+(.+)\s+(\S+)$/gm)].flatMap((m) => m[1]!.trim().split(/\s+/));
    assert.ok(copies.length >= 4, copies.join(' '));
    const fromBuild = copies.filter((c) => c.startsWith('services/process/dist/')).map((c) => basename(c)).sort();
    assert.deepEqual(fromBuild, [basename(built.bundle), ...built.databases.map((d) => basename(d)), basename(built.tables)].sort());
    for (const c of copies.filter((x) => !x.startsWith('services/process/dist/'))) assert.ok(existsSync(join(repoRoot, c)), `${c} exists`);
    assert.match(dockerfile, /^FROM public\.ecr\.aws\/emr-serverless\/spark\/emr-7\.5\.0/m, 'the public EMR Serverless Spark image');
    const serverless = readFileSync(join(serviceDir, 'serverless.yml'), 'utf8');
    assert.match(serverless, /emrReleaseLabel: emr-7\.5\.0/, 'the image release matches the application release');
    const tables = JSON.parse(readFileSync(built.tables, 'utf8')) as { name: string; columns: { name: string }[] }[];
    assert.deepEqual(tables.map((x) => x.name), Object.keys(WarehouseTables));
  });

  it('the driver pipes through the bundled core with its configuration variable and reads its tagged lines', () => {
    const source = readFileSync(driver, 'utf8');
    const core = readFileSync(join(serviceDir, 'src', 'pipe', 'process-core.ts'), 'utf8');
    assert.match(source, /default="\/opt\/clickstream\/process-core\.cjs"/);
    assert.match(dockerfile, /\/opt\/clickstream\//);
    assert.match(source, /\.pipe\(\s*f"node \{args\.core\}", env=\{"CLICKSTREAM_PROCESS_CONFIG": config\}/);
    assert.match(core, /process\.env\.CLICKSTREAM_PROCESS_CONFIG/);
    assert.match(source, /'\{"table":"%s","row":' % name/);
    assert.match(core, /`\{"table":"\$\{table\}","row":\$\{JSON\.stringify\(row\)\}\}\\n`/);
    assert.match(source, /"inputOrder"|manifest\["config"\]/);
  });
});
