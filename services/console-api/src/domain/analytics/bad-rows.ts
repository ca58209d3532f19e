import type { Dialect } from './dialects.js';
import { n, str, type ColumnSpec } from './panel.js';
import { relation, sql, type Sql } from './sql.js';
import { sqlTimestampText } from './time-range.js';

/** Bad-row samples show at most this much of the offending text (stored up to 64 KiB). */
export const SAMPLE_RAW_CHARS = 4096;

const seen: ColumnSpec[] = [
  { name: 'first_seen', type: 'timestamp' },
  { name: 'last_seen', type: 'timestamp' },
];

function since(dialect: Dialect, iso: string): Sql {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new Error(`not a time: ${iso}`);
  return dialect.timestamp(sql`${sqlTimestampText(ms)}`);
}

/** Bad rows by reason code since a time (pipeline health, the bad-row browser's list). */
export function badRowCountsQuery(dialect: Dialect, appId: string, sinceIso: string): { query: Sql; columns: ColumnSpec[] } {
  return {
    query: sql`SELECT b."reason_code" AS "reason_code", count(*) AS "rows", min(b."ingest_timestamp") AS "first_seen", max(b."ingest_timestamp") AS "last_seen"
      FROM ${relation('bad_rows')} b WHERE b."app_id" = ${appId} AND b."ingest_timestamp" >= ${since(dialect, sinceIso)} GROUP BY 1`,
    columns: [str('reason_code'), n('rows'), ...seen],
  };
}

/** The newest bad rows of one reason, the raw text cut to SAMPLE_RAW_CHARS. */
export function badRowSamplesQuery(
  dialect: Dialect,
  appId: string,
  reasonCode: string,
  options: { since: string; limit: number },
): { query: Sql; columns: ColumnSpec[] } {
  return {
    query: sql`SELECT * FROM (
        SELECT b."request_id" AS "request_id", b."ingest_timestamp" AS "ingest_timestamp", b."reason_code" AS "reason_code", b."reason" AS "reason",
          b."event_id" AS "event_id", substring(b."raw", 1, CAST(${SAMPLE_RAW_CHARS} AS INTEGER)) AS "raw", length(b."raw") AS "raw_length",
          row_number() OVER (ORDER BY b."ingest_timestamp" DESC, b."request_id", b."event_id") AS "rank"
        FROM ${relation('bad_rows')} b
        WHERE b."app_id" = ${appId} AND b."reason_code" = ${reasonCode} AND b."ingest_timestamp" >= ${since(dialect, options.since)}
      ) r WHERE "rank" <= CAST(${options.limit} AS INTEGER) ORDER BY "rank"`,
    columns: [
      str('request_id'),
      { name: 'ingest_timestamp', type: 'timestamp' },
      str('reason_code'),
      str('reason'),
      str('event_id'),
      str('raw'),
      n('raw_length'),
      n('rank'),
    ],
  };
}
