// Hostile filter values (quotes, `;`, comments, placeholders, unicode, 1 KiB strings, __proto__)
// only ever reach an engine as bound parameters: the SQL text of every dialect is the same as
// for a harmless value, the value is among the parameters verbatim, and DuckDB runs the query,
// finds exactly the row holding that value, and the warehouse is intact afterwards.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDbType, EventsTable } from '@clickstream/contracts';
import { DuckDbWarehouse } from '@clickstream/runtime';
import fc from 'fast-check';
import { DuckDbAnalytics } from '../src/adapters/local/duckdb-analytics.js';
import { AnalyticsEngine } from '../src/domain/analytics/engine.js';
import { explorationPanels } from '../src/domain/analytics/explorations/index.js';
import { dashboards } from '../src/domain/analytics/dashboards/index.js';
import type { DialectName } from '../src/domain/analytics/dialects.js';
import { DashboardRequest, ExploreRequest } from '../src/domain/analytics/spec.js';
import type { AnalyticsWarehouse } from '../src/ports/analytics.js';

const APP = 'fuzz_app';
const NOW = Date.parse('2025-03-05T12:00:00Z');
const RANGE = { start: '2025-03-01', end: '2025-03-07' };

const hostile = [
  "'; DROP TABLE events_deduped; --",
  "' OR '1'='1",
  '" OR 1=1 --',
  '/* comment */ SELECT 1',
  '-- line comment',
  '$1',
  '?',
  ':p1',
  '\\',
  "\\'; --",
  '__proto__',
  'constructor',
  '%_%',
  'Ünïcødé 🎉 中文 עברית',
  '\u202e\u200b',
  'x'.repeat(1024),
];
const values = fc.oneof(
  fc.constantFrom(...hostile),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).filter((s) => !s.includes('\u0000')),
  fc.string({ minLength: 1000, maxLength: 1024 }),
);

/** Compiles without running: the warehouse only names relations. */
function compiler(dialect: DialectName): AnalyticsEngine {
  const warehouse: AnalyticsWarehouse = {
    dialect,
    relation: (name) => name,
    select: async () => {
      throw new Error('not run');
    },
  };
  return new AnalyticsEngine(warehouse, { clock: { now: () => NOW } });
}
const engines = (['duckdb', 'athena', 'redshift'] as const).map((d) => [d, compiler(d)] as const);

function dashboardStatements(engine: AnalyticsEngine, body: unknown) {
  const request = DashboardRequest.parse(body);
  return engine.compile(APP, request, (ctx) => Object.values(dashboards).flatMap((build) => build(ctx, request.limit)));
}
function exploreStatements(engine: AnalyticsEngine, body: unknown) {
  const request = ExploreRequest.parse(body);
  return engine.compile(APP, request, (ctx) => explorationPanels(ctx, request.exploration));
}

const stringDimensions = EventsTable.columns.filter((c) => c.type === 'string' && !['attributes', 'user_attributes', 'items'].includes(c.name)).map((c) => c.name);
const textOps = ['eq', 'neq', 'in', 'not_in', 'contains', 'not_contains', 'starts_with'] as const;

function filter(field: Record<string, string>, op: (typeof textOps)[number], value: string) {
  return { field, op, values: op === 'in' || op === 'not_in' ? [value, 'plain'] : [value] };
}

describe('filter values are parameters in every dialect', () => {
  it('leaves the SQL text unchanged and passes the value verbatim', () => {
    fc.assert(
      fc.property(
        values,
        fc.constantFrom(...stringDimensions, 'page', 'source_medium', 'screen_size'),
        fc.constantFrom(...textOps),
        fc.constantFrom('dimension', 'attribute', 'userAttribute'),
        (value, dimension, op, kind) => {
          const field = kind === 'dimension' ? { dimension } : { [kind]: 'note' };
          const body = (v: string) => ({ dateRange: RANGE, comparison: { type: 'previous_period' }, filters: [filter(field, op, v)] });
          for (const [dialect, engine] of engines) {
            const hostileSql = dashboardStatements(engine, body(value));
            const plainSql = dashboardStatements(engine, body('harmless'));
            assert.deepEqual(
              hostileSql.map((q) => q.sql),
              plainSql.map((q) => q.sql),
              `${dialect}: the SQL text must not depend on the value`,
            );
            assert.ok(
              hostileSql.every((q) => q.params.includes(value)),
              `${dialect}: every statement binds the value`,
            );
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('binds event names of explorations the same way', () => {
    fc.assert(
      fc.property(values, fc.constantFrom('event', 'funnel', 'path', 'retention', 'attribution'), (value, type) => {
        const exploration = (v: string) =>
          ({
            event: { type, events: [v], breakdown: { attribute: 'note' } },
            funnel: { type, steps: [{ event: v }, { event: 'purchase', filters: [{ field: { dimension: 'page_title' }, op: 'eq', values: [v] }] }] },
            path: { type, start: v },
            retention: { type, startEvent: v, returnEvent: v },
            attribution: { type, goalEvent: v },
          })[type];
        for (const [dialect, engine] of engines) {
          const hostileSql = exploreStatements(engine, { dateRange: RANGE, exploration: exploration(value) });
          const plainSql = exploreStatements(engine, { dateRange: RANGE, exploration: exploration('harmless') });
          assert.deepEqual(
            hostileSql.map((q) => q.sql),
            plainSql.map((q) => q.sql),
            dialect,
          );
          assert.ok(hostileSql.every((q) => q.params.includes(value)));
        }
      }),
      { numRuns: 40 },
    );
  });

  it('rejects values longer than the warehouse keeps and attribute names that are not names', () => {
    const tooLong = DashboardRequest.safeParse({ dateRange: RANGE, filters: [filter({ dimension: 'page_title' }, 'eq', 'x'.repeat(1025))] });
    assert.equal(tooLong.success, false);
    for (const name of ["a'b", 'a.b', 'a b', '1abc', '', 'x'.repeat(51), '$.x', 'a"]']) {
      const parsed = DashboardRequest.safeParse({ dateRange: RANGE, filters: [filter({ attribute: name }, 'eq', 'v')] });
      assert.equal(parsed.success, false, name);
    }
    const unknownDimension = DashboardRequest.safeParse({ dateRange: RANGE, filters: [filter({ dimension: 'app_id; DROP' }, 'eq', 'v')] });
    assert.equal(unknownDimension.success, false);
  });
});

describe('DuckDB runs hostile filters safely', () => {
  let warehouse: DuckDbWarehouse;
  let analytics: DuckDbAnalytics;
  let serial = 0;

  before(async () => {
    warehouse = await DuckDbWarehouse.open(':memory:', '/nonexistent');
    const columns = [...EventsTable.columns, ...EventsTable.partitionKeys].map((c) => `"${c.name}" ${DuckDbType[c.type]}`).join(', ');
    await warehouse.run(`CREATE TABLE events_deduped (${columns})`);
    await warehouse.run(
      `CREATE TABLE sessions_merged AS SELECT 'a'::VARCHAR app_id, 's'::VARCHAR session_id, 'u'::VARCHAR user_pseudo_id, NULL::TIMESTAMP session_start,
        false is_bounce, 0 page_view_count, 0::BIGINT engagement_time_msec, NULL::VARCHAR entry_page, NULL::VARCHAR channel_group,
        NULL::VARCHAR traffic_source_source, NULL::VARCHAR traffic_source_medium, NULL::VARCHAR traffic_source_campaign, NULL::VARCHAR country,
        NULL::VARCHAR device_category, NULL::VARCHAR browser, NULL::VARCHAR os, NULL::VARCHAR platform, NULL::VARCHAR user_id WHERE false`,
    );
    await warehouse.run(
      `CREATE TABLE users_merged AS SELECT 'a'::VARCHAR app_id, 'u'::VARCHAR user_pseudo_id, NULL::TIMESTAMP first_touch_timestamp, NULL::VARCHAR first_channel_group WHERE false`,
    );
    // A plain event every run must leave untouched.
    await insert('plain', 'plain');
    analytics = new DuckDbAnalytics(warehouse, { clock: { now: () => NOW } });
  });
  after(() => warehouse.close());

  async function insert(title: string, note: string): Promise<string> {
    const id = `ev-${serial++}`;
    await warehouse.run(
      `INSERT INTO events_deduped (event_id, event_type, event_timestamp, user_pseudo_id, session_id, page_title, attributes, user_attributes, app_id)
       VALUES ($1, $2, TIMESTAMP '2025-03-03 10:00:00', $3, $4, $5, $6, $7, $8)`,
      [id, title, `user-${id}`, `session-${id}`, title, JSON.stringify({ note }), JSON.stringify({ note: { value: note, set_timestamp: 1 } }), APP],
    );
    return id;
  }

  it('finds exactly the event holding the value, by dimension, attribute and user attribute', async () => {
    await fc.assert(
      fc.asyncProperty(values, fc.constantFrom('dimension', 'attribute', 'userAttribute'), async (value, kind) => {
        const id = await insert(value, value);
        try {
          const field = kind === 'dimension' ? { dimension: 'page_title' } : { [kind]: 'note' };
          const result = await analytics.dashboard(APP, 'overview', DashboardRequest.parse({ dateRange: RANGE, filters: [filter(field, 'eq', value)] }));
          assert.equal(result.tables.totals!.rows[0]!.events, value === 'plain' ? 2 : 1);
          const prefix = await analytics.explore(
            APP,
            ExploreRequest.parse({
              dateRange: RANGE,
              filters: [filter(field, 'starts_with', value)],
              exploration: { type: 'funnel', steps: [{ event: value }, { event: value }] },
            }),
          );
          assert.ok(Number(prefix.tables.steps!.rows[0]!.users) >= 1);
          const all = await warehouse.query<{ n: number }>('SELECT count(*)::INTEGER AS n FROM events_deduped');
          assert.equal(all[0]!.n, serial, 'every row is still there');
        } finally {
          await warehouse.run('DELETE FROM events_deduped WHERE event_id = $1', [id]);
          serial--;
        }
      }),
      { numRuns: 40 },
    );
    const left = await warehouse.query<{ title: string }>('SELECT page_title AS title FROM events_deduped');
    assert.deepEqual(left, [{ title: 'plain' }]);
  });
});
