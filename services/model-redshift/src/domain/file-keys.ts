import { TableName } from '@clickstream/contracts';

export interface FilePartition {
  table: TableName;
  appId: string;
  year: number;
  month: number;
  day: number;
}

// The layout process writes: <table>/app_id=<app>/year=<y>/month=<m>/day=<d>/<job>.parquet. Keys end
// up as SQL literals in the COPY steps, so anything else is refused rather than escaped.
const KEY = /^(events|sessions|users|items|bad_rows)\/app_id=([A-Za-z0-9_]{1,64})\/year=(\d{4})\/month=(\d{1,2})\/day=(\d{1,2})\/[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.parquet$/;

/** The partition a warehouse file belongs to, read from its key; throws on any other key. */
export function partitionOfKey(key: string): FilePartition {
  const m = KEY.exec(key);
  if (!m) throw new Error(`not a warehouse Parquet key: ${JSON.stringify(key)}`);
  const [, table, appId, year, month, day] = m as unknown as [string, string, string, string, string, string];
  return { table: TableName.parse(table), appId, year: Number(year), month: Number(month), day: Number(day) };
}
