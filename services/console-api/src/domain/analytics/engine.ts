import type { Clock } from '@clickstream/lambda-kit';
import type {
  AnalyticsQueries,
  AnalyticsWarehouse,
  BadRowCount,
  BadRowSample,
  DiscoveredMetadata,
  QueryDefaults,
} from '../../ports/analytics.js';
import { badRowCountsQuery, badRowSamplesQuery } from './bad-rows.js';
import { cacheKey, QueryCache } from './cache.js';
import { dashboards, type DashboardName } from './dashboards/index.js';
import { dialects, type Dialect } from './dialects.js';
import { explorationPanels } from './explorations/index.js';
import { metadataQueries, shapeMetadata } from './metadata.js';
import { coerce, type ColumnSpec, type Panel, type ResultTable, type Row } from './panel.js';
import type { QueryResult, ResultRange } from './result.js';
import { queryContext, type QueryContext } from './scope.js';
import type { DashboardRequest, ExploreRequest } from './spec.js';
import { relation, render, sql, type BoundQuery, type Sql } from './sql.js';
import { comparisonRange, resolveRange, type ResolvedRange } from './time-range.js';

export interface AnalyticsEngineOptions {
  clock?: Clock;
  cache?: QueryCache<unknown>;
  /**
   * The newest data version known outside this process (e.g. the time of the latest
   * ProcessingCompleted / AthenaPartitionsAdded / RedshiftLoadCompleted in the health store).
   * Lambda needs it: the invalidating event reaches a different instance.
   */
  externalVersion?: () => Promise<string>;
  /** Statements of one request running at once. */
  concurrency?: number;
  /**
   * Whether the warehouse keeps the pre-aggregates of rollups.ts right now (asked after it
   * prepared). Queries then read them where the answer is exactly the same.
   */
  rollups?: () => boolean;
}

type Options = DashboardRequest | ExploreRequest;

/**
 * Compiles dashboards and explorations to SQL for the warehouse's dialect, runs them with bound
 * parameters, shapes the rows and caches the answers by (request, data version).
 */
export class AnalyticsEngine implements AnalyticsQueries {
  readonly dialect: Dialect;
  private readonly clock: Clock;
  private readonly cache: QueryCache<unknown>;
  private readonly concurrency: number;

  constructor(
    protected readonly warehouse: AnalyticsWarehouse,
    private readonly options: AnalyticsEngineOptions = {},
  ) {
    this.dialect = dialects[warehouse.dialect];
    this.clock = options.clock ?? { now: () => Date.now() };
    this.cache = options.cache ?? new QueryCache();
    this.concurrency = options.concurrency ?? 3;
  }

  invalidate(): void {
    this.cache.invalidate();
  }

  async eventCount(appId: string): Promise<number> {
    await this.prepare();
    const rows = await this.select(sql`SELECT count(*) AS n FROM ${relation('events_deduped')} WHERE app_id = ${appId}`, [{ name: 'n', type: 'number' }]);
    return Number(rows[0]?.n ?? 0);
  }

  dashboard(appId: string, name: DashboardName, request: DashboardRequest, defaults: QueryDefaults = {}): Promise<QueryResult> {
    return this.run(appId, 'dashboard', name, request, defaults, (ctx) => dashboards[name](ctx, request.limit));
  }

  explore(appId: string, request: ExploreRequest, defaults: QueryDefaults = {}): Promise<QueryResult> {
    return this.run(appId, 'exploration', request.exploration.type, request, defaults, (ctx) => explorationPanels(ctx, request.exploration));
  }

  async discoverMetadata(appId: string): Promise<DiscoveredMetadata> {
    return this.cached({ op: 'metadata', appId }, async () => {
      const q = metadataQueries(this.dialect, appId);
      const [events, attributes] = await Promise.all([this.select(q.events.query, q.events.columns), this.select(q.attributes.query, q.attributes.columns)]);
      return shapeMetadata(events, attributes);
    });
  }

  async badRowsByReason(appId: string, since: string): Promise<BadRowCount[]> {
    return this.cached({ op: 'bad-rows', appId, since }, async () => {
      const q = badRowCountsQuery(this.dialect, appId, since);
      const rows = await this.select(q.query, q.columns);
      return rows
        .map((r) => ({ reasonCode: String(r.reason_code), rows: Number(r.rows), firstSeen: isoOrNull(r.first_seen), lastSeen: isoOrNull(r.last_seen) }))
        .sort((a, b) => b.rows - a.rows || a.reasonCode.localeCompare(b.reasonCode));
    });
  }

  async badRowSamples(appId: string, reasonCode: string, options: { since: string; limit: number }): Promise<BadRowSample[]> {
    return this.cached({ op: 'bad-row-samples', appId, reasonCode, ...options }, async () => {
      const q = badRowSamplesQuery(this.dialect, appId, reasonCode, options);
      const rows = await this.select(q.query, q.columns);
      return rows.map((r) => ({
        requestId: stringOrNull(r.request_id),
        ingestTimestamp: isoOrNull(r.ingest_timestamp),
        reasonCode: String(r.reason_code),
        reason: stringOrNull(r.reason),
        eventId: stringOrNull(r.event_id),
        raw: stringOrNull(r.raw),
        rawLength: Number(r.raw_length ?? 0),
      }));
    });
  }

  /** The SQL a request compiles to, for inspection and tests: one bound statement per table part. */
  compile(appId: string, request: Options, build: (ctx: QueryContext) => Panel[], defaults: QueryDefaults = {}): BoundQuery[] {
    const { ctx } = this.contexts(appId, request, defaults);
    return build(ctx).flatMap((p) => Object.values(p.parts).map((part) => this.bind(part.query)));
  }

  private contexts(appId: string, request: Options, defaults: QueryDefaults): { ctx: QueryContext; compared?: QueryContext } {
    const timezone = request.timezone ?? defaults.timezone ?? 'UTC';
    const now = this.clock.now();
    const range = resolveRange(request.dateRange, timezone, now);
    const base = { appId, dialect: this.dialect, filters: request.filters, now, rollups: this.options.rollups?.() ?? false };
    const ctx = queryContext({ ...base, range });
    if (!request.comparison) return { ctx };
    return { ctx, compared: queryContext({ ...base, range: comparisonRange(range, request.comparison) }) };
  }

  private async run(
    appId: string,
    kind: QueryResult['kind'],
    name: string,
    request: Options,
    defaults: QueryDefaults,
    build: (ctx: QueryContext) => Panel[],
  ): Promise<QueryResult> {
    // Up to date first: whether the pre-aggregates can be read depends on it.
    await this.prepare();
    const { ctx, compared } = this.contexts(appId, request, defaults);
    const panels = build(ctx);
    const realtime = panels.some((p) => p.periodic === false);
    const { dateRange: _relative, timezone: _timezone, ...rest } = request;
    const keyed = {
      op: kind,
      name,
      appId,
      request: rest,
      range: rangeOf(ctx.range),
      comparison: compared ? rangeOf(compared.range) : undefined,
      // Realtime tables move with the clock: their answer is good for the minute.
      minute: realtime ? Math.floor(ctx.now / 60_000) : undefined,
    };
    return this.cached(keyed, async (dataVersion) => {
      const [tables, comparison] = await Promise.all([
        this.tables(panels, ctx),
        compared ? this.tables(build(compared).filter((p) => p.periodic !== false), compared) : undefined,
      ]);
      return {
        appId,
        kind,
        name,
        dateRange: rangeOf(ctx.range),
        ...(compared ? { comparisonRange: rangeOf(compared.range), comparison } : {}),
        tables,
        dataVersion,
        generatedAt: new Date(this.clock.now()).toISOString(),
        cached: false,
      };
    });
  }

  /** Lets the warehouse catch up with new data first; what it found new makes cached answers stale. */
  private async prepare(): Promise<void> {
    if (await this.warehouse.prepare?.()) this.cache.invalidate();
  }

  private async cached<T>(key: Record<string, unknown>, compute: (dataVersion: string) => Promise<T>): Promise<T> {
    await this.prepare();
    const external = this.options.externalVersion ? await this.options.externalVersion() : '';
    const dataVersion = `${this.cache.version}${external ? `:${external}` : ''}`;
    const fullKey = cacheKey({ ...key, dialect: this.dialect.name, dataVersion });
    const hit = this.cache.get(fullKey) as T | undefined;
    if (hit !== undefined) return isResult(hit) ? ({ ...hit, cached: true } as T) : hit;
    const generation = this.cache.version;
    const value = await compute(dataVersion);
    // An invalidation while computing means the answer may predate the new data: do not keep it.
    if (generation === this.cache.version) this.cache.set(fullKey, value);
    return value;
  }

  private async tables(panels: Panel[], ctx: QueryContext): Promise<Record<string, ResultTable>> {
    const jobs: (() => Promise<void>)[] = [];
    const results = new Map<Panel, Record<string, Row[]>>();
    // Parts that are the same statement (panels sharing one scan) run once.
    const statements = new Map<string, { query: BoundQuery; columns: ColumnSpec[]; rows?: Row[] }>();
    const pending: { got: Record<string, Row[]>; key: string; statement: string }[] = [];
    for (const panel of panels) {
      const got: Record<string, Row[]> = {};
      results.set(panel, got);
      for (const [key, part] of Object.entries(panel.parts)) {
        const query = this.bind(part.query);
        const statement = JSON.stringify([query.sql, query.params, part.columns]);
        pending.push({ got, key, statement });
        if (statements.has(statement)) continue;
        const entry: { query: BoundQuery; columns: ColumnSpec[]; rows?: Row[] } = { query, columns: part.columns };
        statements.set(statement, entry);
        jobs.push(async () => {
          entry.rows = await this.selectBound(query, part.columns);
        });
      }
    }
    await runLimited(jobs, this.concurrency);
    for (const { got, key, statement } of pending) got[key] = statements.get(statement)!.rows!;
    const out: Record<string, ResultTable> = {};
    for (const panel of panels) {
      if (panel.unavailable) {
        out[panel.name] = { columns: panel.columns, rows: [], unavailable: panel.unavailable };
        continue;
      }
      const parts = results.get(panel)!;
      const rows = panel.combine ? panel.combine(parts, ctx) : (Object.values(parts)[0] ?? []);
      out[panel.name] = { columns: panel.columns, rows };
    }
    return out;
  }

  private bind(query: Sql): BoundQuery {
    return render(query, { bind: this.dialect.bind, relation: (name) => this.warehouse.relation(name) });
  }

  private async select(query: Sql, columns: ColumnSpec[]): Promise<Row[]> {
    return this.selectBound(this.bind(query), columns);
  }

  private async selectBound(query: BoundQuery, columns: ColumnSpec[]): Promise<Row[]> {
    const rows = await this.warehouse.select(query);
    return rows.map((raw) => {
      const row: Row = {};
      for (const c of columns) row[c.name] = coerce(raw[c.name], c.type);
      return row;
    });
  }
}

function rangeOf(r: ResolvedRange): ResultRange {
  return { start: r.start, end: r.end, timezone: r.timezone };
}

function isResult(value: unknown): value is QueryResult {
  return typeof value === 'object' && value !== null && 'tables' in value && 'dataVersion' in value;
}

function isoOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : `${String(coerce(v, 'timestamp'))}Z`;
}

function stringOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}

async function runLimited(jobs: (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) await jobs[next++]!();
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
}
