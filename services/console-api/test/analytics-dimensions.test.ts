// The screen size, region and city dimensions in each dialect: the Devices dashboard's screen
// sizes and the Geo dashboard's regions and cities compile for DuckDB, Athena (Trino) and
// Redshift, filters on them bind their values, and bad filter values are refused before any SQL.
// (Answers over real rows: analytics-queries.test.ts; pre-aggregates: analytics-rollups.test.ts.)
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AnalyticsEngine } from '../src/domain/analytics/engine.js';
import { dashboards } from '../src/domain/analytics/dashboards/index.js';
import type { DialectName } from '../src/domain/analytics/dialects.js';
import { explorationPanels } from '../src/domain/analytics/explorations/index.js';
import { Dimension } from '../src/domain/analytics/fields.js';
import { DashboardRequest, ExploreRequest } from '../src/domain/analytics/spec.js';
import type { AnalyticsWarehouse } from '../src/ports/analytics.js';

const APP = 'shop_web';
const NOW = Date.parse('2025-03-05T12:00:00Z');
const RANGE = { start: '2025-03-01', end: '2025-03-07' };
const DIALECTS = ['duckdb', 'athena', 'redshift'] as const;

function compiler(dialect: DialectName): AnalyticsEngine {
  const warehouse: AnalyticsWarehouse = { dialect, relation: (name) => name, select: async () => Promise.reject(new Error('not run')) };
  return new AnalyticsEngine(warehouse, { clock: { now: () => NOW } });
}

/** The placeholder each engine binds the parameter at `index` with. */
const placeholder = (dialect: DialectName, index: number) => ({ duckdb: `$${index + 1}`, athena: '?', redshift: `:p${index + 1}` })[dialect];

const SCREEN_SIZE = `CASE WHEN e."screen_width" IS NOT NULL AND e."screen_height" IS NOT NULL THEN CAST(e."screen_width" AS VARCHAR) || 'x' || CAST(e."screen_height" AS VARCHAR) END`;

describe('screen size, region and city dimensions', () => {
  it('are dimensions of the query specs; screen_resolution (never a column) is not', () => {
    for (const name of ['screen_size', 'screen_width', 'screen_height', 'region', 'city']) assert.equal(Dimension.parse(name), name);
    assert.throws(() => Dimension.parse('screen_resolution'));
  });

  for (const dialect of DIALECTS) {
    it(`${dialect}: the Devices dashboard groups by width x height, the Geo dashboard by region and city`, () => {
      const engine = compiler(dialect);
      const devices = engine.compile(APP, DashboardRequest.parse({ dateRange: RANGE }), (ctx) => dashboards.devices(ctx, 10));
      // "(not set)" is a parameter too.
      assert.ok(devices.some((q) => q.sql.includes(`SELECT COALESCE(${SCREEN_SIZE}, `) && q.params.includes('(not set)')), 'screen sizes panel');
      const geo = engine.compile(APP, DashboardRequest.parse({ dateRange: RANGE }), (ctx) => dashboards.geo(ctx, 10));
      for (const column of ['country', 'continent', 'region', 'city', 'locale']) {
        assert.ok(geo.some((q) => q.sql.includes(`SELECT COALESCE(e."${column}", `)), `${column} panel`);
      }
    });

    it(`${dialect}: filters on screen size, region and city bind their values`, () => {
      const engine = compiler(dialect);
      const hostile = "1920x1080'); DROP TABLE events; --";
      const request = DashboardRequest.parse({
        dateRange: RANGE,
        filters: [
          { field: { dimension: 'screen_size' }, op: 'eq', values: [hostile] },
          { field: { dimension: 'region' }, op: 'in', values: ['Bavaria', 'Hesse'] },
          { field: { dimension: 'city' }, op: 'starts_with', values: ['Mün'] },
          { field: { dimension: 'screen_width' }, op: 'gte', values: ['1280'] },
        ],
      });
      const statements = engine.compile(APP, request, (ctx) => [...dashboards.devices(ctx, 10), ...dashboards.geo(ctx, 10)]);
      for (const q of statements) {
        assert.doesNotMatch(q.sql, /DROP TABLE|Bavaria|Mün/, 'values never in the text');
        for (const value of [hostile, 'Bavaria', 'Hesse', 'Mün', 1280]) assert.ok(q.params.includes(value), `${value} is bound`);
        const i = q.params.indexOf(hostile);
        assert.ok(q.sql.includes(`${SCREEN_SIZE} = ${placeholder(dialect, i)}`), `${dialect} binds the screen size at ${placeholder(dialect, i)}`);
      }
    });

    it(`${dialect}: explorations break down and filter by the new dimensions`, () => {
      const engine = compiler(dialect);
      const request = ExploreRequest.parse({
        dateRange: RANGE,
        filters: [{ field: { dimension: 'city' }, op: 'eq', values: ['Berlin'] }],
        exploration: { type: 'event', metric: 'users', breakdown: { dimension: 'screen_size' } },
      });
      const statements = engine.compile(APP, request, (ctx) => explorationPanels(ctx, request.exploration));
      assert.ok(statements.some((q) => q.sql.includes(SCREEN_SIZE)));
      assert.ok(statements.every((q) => q.params.includes('Berlin') && !q.sql.includes('Berlin')));
    });
  }

  it('refuses text for the numeric screen columns and text operators on them, before any SQL', () => {
    assert.throws(() => DashboardRequest.parse({ dateRange: RANGE, filters: [{ field: { dimension: 'screen_width' }, op: 'eq', values: ['wide'] }] }), /numbers expected/);
    assert.throws(() => DashboardRequest.parse({ dateRange: RANGE, filters: [{ field: { dimension: 'screen_height' }, op: 'contains', values: ['10'] }] }), /applies to text fields/);
    assert.doesNotThrow(() => DashboardRequest.parse({ dateRange: RANGE, filters: [{ field: { dimension: 'screen_size' }, op: 'contains', values: ['x1080'] }] }));
  });
});
