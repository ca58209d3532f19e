// The SQL side: placeholders from the warehouse contract, statement splitting, the copy statements
// of a batch, the Redshift ↔ DuckDB dialect layer, and the migrator's bookkeeping.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventsTable } from '@clickstream/contracts';
import { toDuckDbSql } from '../src/adapters/local/duckdb-dialect.js';
import { renderForRedshift } from '../src/adapters/aws/redshift-data-runner.js';
import { copyStatements, mergeStatements } from '../src/domain/load-statements.js';
import { applySchema } from '../src/domain/migrations.js';
import { loadMigrations, loadViews } from '../src/domain/sql-files.js';
import { renderSql, splitStatements } from '../src/domain/sql-templates.js';
import { partitionOfKey } from '../src/domain/file-keys.js';
import type { LoadStatement, StatementRunner } from '../src/ports/statement-runner.js';

const KEY = 'events/app_id=shop_web/year=2026/month=11/day=29/job-00000000000000000000-00000000000000000012.parquet';

describe('SQL templates', () => {
  it('renders column lists, definitions and assignments from the warehouse contract', () => {
    assert.equal(renderSql('t', '{{bad_rows.file_columns}}'), 'request_id, ingest_timestamp, reason_code, reason, event_id, raw');
    assert.equal(renderSql('t', '{{bad_rows.columns:s}}'), 's.request_id, s.ingest_timestamp, s.reason_code, s.reason, s.event_id, s.raw, s.app_id, s.year, s.month, s.day');
    assert.match(renderSql('t', '{{events.column_defs}}'), /^event_id VARCHAR\(65535\),\n {2}event_type VARCHAR\(65535\),[\s\S]*is_bot BOOLEAN,[\s\S]*day INTEGER$/);
    assert.equal(renderSql('t', '{{items.file_set:m}}').split(', ').length, 21);
    assert.equal(renderSql('t', '{{events.columns}}').split(', ').length, EventsTable.columns.length + 4);
  });

  it('refuses unknown tables, lists and set lists without an alias', () => {
    assert.throws(() => renderSql('x.sql', '{{constructor.columns}}'), /x\.sql: unknown table constructor/);
    assert.throws(() => renderSql('x.sql', '{{events.everything}}'), /unknown column list everything/);
    assert.throws(() => renderSql('x.sql', '{{events.set}}'), /needs a source alias/);
  });

  it('splits at semicolons that end a line and drops comment-only pieces', () => {
    assert.deepEqual(splitStatements('-- header\nSELECT 1;\n\nSELECT \';x\';\n-- trailing comment\n'), ['-- header\nSELECT 1', "SELECT ';x'"]);
  });

  it('every migration, merge and view file renders', () => {
    const migrations = loadMigrations();
    assert.deepEqual(migrations.map((m) => m.version), [1, 2, 3]);
    assert.ok(migrations.every((m) => m.statements.length > 0 && m.statements.length < 40), 'a migration fits one BatchExecuteStatement');
    for (const table of ['events', 'sessions', 'users', 'items', 'bad_rows'] as const) {
      const merge = mergeStatements(table);
      assert.ok(merge.length >= 3 && merge.length < 40);
      assert.ok(merge.every((s) => s.kind === 'sql' && !s.sql.includes('{{')));
    }
    assert.equal(loadViews().length, 3);
  });
});

describe('copy statements of a batch', () => {
  it('empties staging, then per file COPY → tag with file and partition → empty the raw table', () => {
    const statements = copyStatements('events', [KEY], ['s3://b/m/0.manifest']);
    assert.equal(statements.length, 4);
    assert.deepEqual(statements[0], { kind: 'sql', sql: 'DELETE FROM stage_events' });
    assert.deepEqual(statements[1], { kind: 'copy', table: 'stage_events_raw', manifest: 's3://b/m/0.manifest' });
    const tag = (statements[2] as { sql: string }).sql;
    assert.match(tag, /^INSERT INTO stage_events \(event_id, .*, app_id, year, month, day, source_file\) SELECT event_id, .*, 'shop_web', 2026, 11, 29, 'events\/app_id=shop_web\/.*\.parquet' FROM stage_events_raw$/);
    assert.deepEqual(statements[3], { kind: 'sql', sql: 'DELETE FROM stage_events_raw' });
  });

  it('a full batch stays within the 40 statements of BatchExecuteStatement', () => {
    const keys = Array.from({ length: 13 }, (_, i) => KEY.replace('.parquet', `-${i}.parquet`));
    assert.equal(copyStatements('events', keys, keys.map((k) => `s3://b/${k}.manifest`)).length, 40);
  });

  it('refuses keys outside the warehouse layout (they become SQL literals) and files of another table', () => {
    assert.throws(() => partitionOfKey("events/app_id=x'; DROP TABLE events; --/year=2026/month=1/day=1/j.parquet"), /not a warehouse Parquet key/);
    assert.throws(() => partitionOfKey('events/app_id=shop/year=2026/month=1/day=1/../../x.parquet'), /not a warehouse Parquet key/);
    assert.throws(() => copyStatements('items', [KEY], ['m']), /is not a file of table items/);
    assert.deepEqual(partitionOfKey(KEY), { table: 'events', appId: 'shop_web', year: 2026, month: 11, day: 29 });
  });
});

describe('dialect layer', () => {
  it('DuckDB: drops Redshift storage attributes, spells GETDATE and DATEDIFF its way, keeps the rest', () => {
    assert.equal(
      toDuckDbSql('CREATE TABLE IF NOT EXISTS t (a INTEGER) DISTSTYLE AUTO SORTKEY (app_id, event_timestamp)'),
      'CREATE TABLE IF NOT EXISTS t (a INTEGER)',
    );
    assert.equal(toDuckDbSql('CREATE TABLE t (a INTEGER) DISTKEY(a) COMPOUND SORTKEY(a)'), 'CREATE TABLE t (a INTEGER)');
    assert.equal(toDuckDbSql('SELECT GETDATE(), DATEDIFF(millisecond, a, b)'), "SELECT CAST(now() AS TIMESTAMP), date_diff('millisecond', a, b)");
    const merge = 'MERGE INTO items USING m ON items.k = m.k WHEN MATCHED THEN UPDATE SET v = m.v WHEN NOT MATCHED THEN INSERT (k, v) VALUES (m.k, m.v)';
    assert.equal(toDuckDbSql(merge), merge);
  });

  it('Redshift: COPY FROM manifest FORMAT AS PARQUET with the role, plain SQL unchanged', () => {
    assert.equal(renderForRedshift({ kind: 'copy', table: 'stage_users_raw', manifest: "s3://b/it's.manifest" }, ''), "COPY stage_users_raw FROM 's3://b/it''s.manifest' IAM_ROLE default FORMAT AS PARQUET MANIFEST");
    assert.equal(renderForRedshift({ kind: 'sql', sql: 'SELECT GETDATE()' }, 'arn:r'), 'SELECT GETDATE()');
    assert.throws(() => renderForRedshift({ kind: 'copy', table: 'x; DROP', manifest: 'm' }, ''), /bad COPY target/);
  });
});

describe('applySchema', () => {
  /** A runner that records batches and answers the applied versions it has seen. */
  function fakeRunner() {
    const batches: LoadStatement[][] = [];
    const applied = new Set<number>();
    const runner: StatementRunner = {
      start: async (statements) => {
        batches.push([...statements]);
        for (const s of statements) {
          const m = s.kind === 'sql' ? /^INSERT INTO schema_migrations \(version, name, applied_at\) VALUES \((\d+),/.exec(s.sql) : null;
          if (m) applied.add(Number(m[1]));
        }
        return String(batches.length);
      },
      describe: async () => ({ status: 'FINISHED' }),
      query: async () => [...applied].map((version) => ({ version })),
    };
    return { runner, batches };
  }
  const wait = { pollMs: 1, timeoutMs: 10, sleep: async () => undefined };

  it('applies each pending migration once, in its own transaction with its bookkeeping row, then the views every time', async () => {
    const { runner, batches } = fakeRunner();
    const first = await applySchema(runner, loadMigrations(), loadViews(), wait);
    assert.deepEqual(first.applied, ['001_tables.sql', '002_staging.sql', '003_geo_region_city_screen_size.sql']);
    assert.equal(first.version, 3);
    assert.equal(batches.length, 5, 'bootstrap, three migrations, views');
    assert.match((batches[1]!.at(-1) as { sql: string }).sql, /VALUES \(1, '001_tables\.sql', GETDATE\(\)\)$/);

    const second = await applySchema(runner, loadMigrations(), loadViews(), wait);
    assert.deepEqual(second.applied, []);
    assert.equal(batches.length, 7, 'only bootstrap and views again');
  });

  it('a failed migration stops the deploy with the engine error', async () => {
    const { runner } = fakeRunner();
    let n = 0;
    runner.describe = async () => (++n === 2 ? { status: 'FAILED', error: 'permission denied for schema public' } : { status: 'FINISHED' });
    await assert.rejects(applySchema(runner, loadMigrations(), loadViews(), wait), /migration 001_tables\.sql failed: permission denied/);
  });
});
