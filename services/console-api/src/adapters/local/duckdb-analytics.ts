import type { DuckDbWarehouse } from '@clickstream/runtime';
import type { Analytics } from '../../ports/analytics.js';

/** Analytics over the embedded warehouse's views (the same names as in Athena). */
export class DuckDbAnalytics implements Analytics {
  constructor(private readonly warehouse: DuckDbWarehouse) {}

  async eventCount(appId: string): Promise<number> {
    try {
      const rows = await this.warehouse.query<{ n: number | string }>(
        'SELECT count(*) AS n FROM events_deduped WHERE app_id = $app',
        { app: appId },
      );
      return Number(rows[0]?.n ?? 0);
    } catch (error) {
      // Before model-athena created its views there is simply no data yet.
      if (error instanceof Error && /does not exist/i.test(error.message)) return 0;
      throw error;
    }
  }
}
