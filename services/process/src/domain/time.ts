export interface UtcParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

let partsDay = Number.NaN;
let parts: UtcParts = { year: 0, month: 0, day: 0 };

/** UTC calendar parts of an epoch-ms time: the partition of a row. The same (frozen) object for times of the same day. */
export function utcParts(ms: number): UtcParts {
  const day = Math.floor(ms / 86_400_000);
  if (day !== partsDay || !Number.isFinite(day)) {
    const d = new Date(ms);
    parts = Object.freeze({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() });
    partsDay = day;
  }
  return parts;
}

const DAY = 86_400_000;
/** Where toISOString has the fixed `YYYY-MM-DDTHH:MM:SS.mmmZ` form the arithmetic below reproduces. */
const MIN_FAST = Date.UTC(1000, 0, 1);
const MAX_FAST = Date.UTC(10000, 0, 1);
const TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const THREE = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
/** `YYYY-MM-DD ` of the last day formatted (a run's times fall on a few days). */
let prefixDay = Number.NaN;
let prefix = '';

/** The last two times formatted: an upload's events share its ingest time and often their own. */
let lastMs = Number.NaN;
let lastText = '';
let otherMs = Number.NaN;
let otherText = '';

/** ISO text DuckDB reads as TIMESTAMP (UTC, no zone suffix), e.g. `2026-11-29 09:59:00.000`. */
export function sqlTimestamp(ms: number): string {
  if (ms === lastMs) return lastText;
  if (ms === otherMs) return otherText;
  const text = formatTimestamp(ms);
  otherMs = lastMs;
  otherText = lastText;
  lastMs = ms;
  lastText = text;
  return text;
}

/** Times of years 1000–9999 by arithmetic (toISOString per event was a visible cost); others as toISOString has them. */
function formatTimestamp(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < MIN_FAST || ms >= MAX_FAST) return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
  const day = Math.floor(ms / DAY);
  if (day !== prefixDay) {
    prefixDay = day;
    prefix = `${new Date(day * DAY).toISOString().slice(0, 10)} `;
  }
  let t = ms - day * DAY;
  const hours = Math.floor(t / 3_600_000);
  t -= hours * 3_600_000;
  const minutes = Math.floor(t / 60_000);
  t -= minutes * 60_000;
  const seconds = Math.floor(t / 1000);
  return `${prefix}${TWO[hours]}:${TWO[minutes]}:${TWO[seconds]}.${THREE[t - seconds * 1000]}`;
}
