import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDbType, EventsTable } from '@clickstream/contracts';
import { DuckDbWarehouse, sqlString } from '@clickstream/runtime';
import { formatRows } from '../scripts/sql-format.js';

const script = fileURLToPath(new URL('../scripts/sql.ts', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function sql(args: string[], stdin?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['--import', 'tsx', script, ...args], { timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
    child.stdin!.end(stdin ?? '');
  });
}

/** A data dir whose warehouse holds one events partition: event e-1 twice (a retry) and e-2. */
async function dataDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sql-cli-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const partition = join(dir, 'warehouse/events/app_id=shop/year=2026/month=11/day=29');
  await mkdir(partition, { recursive: true });
  const db = await DuckDbWarehouse.open(':memory:', join(dir, 'warehouse'));
  try {
    const columns = EventsTable.columns;
    const row = (id: string, ingest: string) =>
      `SELECT ${columns
        .map((c) => {
          const value = c.name === 'event_id' ? `'${id}'` : c.name === 'event_type' ? `'_page_view'` : c.name === 'ingest_timestamp' ? `TIMESTAMPTZ '${ingest}'` : c.name === 'request_id' ? `'r-${ingest}'` : 'NULL';
          return `CAST(${value} AS ${DuckDbType[c.type]}) AS "${c.name}"`;
        })
        .join(', ')}`;
    await db.run(
      `COPY (${row('e-1', '2026-11-29 10:00:00+00')} UNION ALL ${row('e-1', '2026-11-29 10:00:05+00')} UNION ALL ${row('e-2', '2026-11-29 10:01:00+00')})
       TO ${sqlString(join(partition, 'job-1.parquet'))} (FORMAT parquet)`,
    );
  } finally {
    db.close();
  }
  return dir;
}

describe('npm run sql', () => {
  it('runs -e against the same table and analysis views the console uses', async (t) => {
    const dir = await dataDir(t);
    const raw = await sql(['--data-dir', dir, '--format', 'json', '-e', 'SELECT count(*) AS n FROM events']);
    assert.equal(raw.code, 0, raw.stderr);
    assert.deepEqual(JSON.parse(raw.stdout), [{ n: 3 }]);
    const deduped = await sql(['--data-dir', dir, '--format', 'json', '-e', 'SELECT event_id, app_id, year FROM events_deduped ORDER BY event_id']);
    assert.equal(deduped.code, 0, deduped.stderr);
    assert.deepEqual(JSON.parse(deduped.stdout), [
      { event_id: 'e-1', app_id: 'shop', year: 2026 },
      { event_id: 'e-2', app_id: 'shop', year: 2026 },
    ]);
  });

  it('works on a fresh install: every view exists and is empty', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'sql-cli-empty-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const run = await sql(['--data-dir', dir, '--format', 'csv', '-e', 'SELECT (SELECT count(*) FROM sessions_merged) + (SELECT count(*) FROM daily_active_users) AS n']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'n\r\n0\r\n');
  });

  it('reports a bad query on stderr with exit code 1', async (t) => {
    const dir = await dataDir(t);
    const run = await sql(['--data-dir', dir, '-e', 'SELECT nope FROM events']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^error: .*nope/m);
    assert.equal(run.stdout, '');
  });

  it('reads statements from stdin, going on after an error and failing at the end', async (t) => {
    const dir = await dataDir(t);
    const run = await sql(['--data-dir', dir, '--format', 'csv'], 'SELECT count(*) AS n\nFROM events_deduped;\nSELECT broken(;\n.format json\nSELECT 1 AS one');
    assert.equal(run.code, 1);
    assert.match(run.stdout, /^n\r\n2\r\n/);
    assert.match(run.stdout, /"one": 1/);
    assert.match(run.stderr, /error: /);
  });

  it('rejects an unknown output format', async () => {
    const run = await sql(['--format', 'xml', '-e', 'SELECT 1']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /unknown --format xml/);
  });
});

describe('formatRows', () => {
  const rows = [
    { name: 'a,b', n: 1, note: 'say "hi"\nthere' },
    { name: null, n: 22, note: 'x'.repeat(80) },
  ];

  it('writes RFC 4180 CSV', () => {
    assert.equal(formatRows(rows, 'csv'), `name,n,note\r\n"a,b",1,"say ""hi""\nthere"\r\n,22,${'x'.repeat(80)}\r\n`);
    assert.equal(formatRows([], 'csv'), '');
  });

  it('aligns a table, right-aligns numbers, shows NULL and cuts long cells', () => {
    const lines = formatRows(rows, 'table').split('\n');
    assert.equal(lines[1], `| name |  n | ${'note'.padEnd(60)} |`);
    assert.match(lines[3]!, /^\| a,b {2}\| {2}1 \| say "hi" there +\|$/);
    assert.match(lines[4]!, /^\| NULL \| 22 \| x{59}… \|$/);
    assert.equal(lines.at(-2), '(2 rows)');
    assert.equal(formatRows([], 'table'), '(0 rows)\n');
  });
});
