import type { DuckDbWarehouse } from '@clickstream/runtime';
import { AnalyticsEngine, type AnalyticsEngineOptions } from '../../domain/analytics/engine.js';
import type { BoundQuery, RelationName } from '../../domain/analytics/sql.js';
import type { AnalyticsWarehouse } from '../../ports/analytics.js';
import { DuckDbAnalyticsSnapshot } from './duckdb-analytics-snapshot.js';

/**
 * Bound SQL on the embedded DuckDB warehouse. Statements read local copies of model-athena's
 * views (duckdb-analytics-snapshot.ts), brought up to date before each request; with
 * `snapshot: false` they read the views themselves.
 */
export class DuckDbAnalyticsWarehouse implements AnalyticsWarehouse {
  readonly dialect = 'duckdb' as const;
  readonly snapshot: DuckDbAnalyticsSnapshot | undefined;

  constructor(
    private readonly warehouse: DuckDbWarehouse,
    options: { snapshot?: boolean } = {},
  ) {
    this.snapshot = options.snapshot === false ? undefined : new DuckDbAnalyticsSnapshot(warehouse);
  }

  relation(name: RelationName): string {
    return this.snapshot ? this.snapshot.relation(name) : name;
  }

  async prepare(): Promise<boolean> {
    return this.snapshot ? this.snapshot.refresh() : false;
  }

  async select(query: BoundQuery): Promise<Record<string, unknown>[]> {
    return this.warehouse.query(query.sql, query.params);
  }
}

/** Analytics over the embedded warehouse: the query engine on DuckDB. */
export class DuckDbAnalytics extends AnalyticsEngine {
  private readonly local: DuckDbAnalyticsWarehouse;

  /**
   * `rollups: false` reads the copies only, never the pre-aggregates (to compare them); without
   * the copies (`snapshot: false`) there are none.
   */
  constructor(warehouse: DuckDbWarehouse, options: Omit<AnalyticsEngineOptions, 'rollups'> & { snapshot?: boolean; rollups?: boolean } = {}) {
    const local = new DuckDbAnalyticsWarehouse(warehouse, options);
    super(local, { ...options, rollups: () => options.rollups !== false && (local.snapshot?.rollups ?? false) });
    this.local = local;
  }

  /**
   * Brings the local copies and their pre-aggregates up to date now (the first time on a large
   * warehouse takes a while: minutes at 10M events on two cores), so the first dashboard does not wait for it.
   */
  async warm(): Promise<void> {
    await this.local.prepare();
  }

  /** New data was processed: cached answers are stale and the local copies must look at the files. */
  override invalidate(): void {
    super.invalidate();
    this.local.snapshot?.markDirty();
  }
}
