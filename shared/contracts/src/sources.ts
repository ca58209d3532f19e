/** EventBridge `source` of each producing service. */
export const Sources = {
  consoleApi: 'clickstream.console-api',
  ingest: 'clickstream.ingest',
  process: 'clickstream.process',
  modelAthena: 'clickstream.model-athena',
  modelRedshift: 'clickstream.model-redshift',
} as const;
