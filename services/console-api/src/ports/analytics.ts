/** Answers analytics questions from the warehouse (DuckDB locally, Athena or Redshift on AWS). */
export interface Analytics {
  /** Distinct events (after dedupe by event id) the app has in the warehouse. */
  eventCount(appId: string): Promise<number>;
}
