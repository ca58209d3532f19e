import * as z from 'zod';

/**
 * Date ranges are local calendar days in a time zone; the warehouse stores UTC. Conversions happen
 * here, with the platform's time zone database (Intl), so every engine gets the same answer: SQL
 * only ever adds a bound offset, per stretch of constant offset (see `zoneShift`).
 */

const DAY_MS = 86_400_000;
export const MAX_RANGE_DAYS = 732;

export const LocalDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine((s) => formatDate(parseDate(s)) === s, 'not a calendar date');

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const TimeZone = z.string().min(1).max(64).refine(isTimeZone, 'an IANA time zone, e.g. Europe/Paris');

const AbsoluteRange = z
  .object({ start: LocalDate, end: LocalDate })
  .strict()
  .refine((r) => r.start <= r.end, 'start must not be after end')
  .refine((r) => daysBetween(r.start, r.end) < MAX_RANGE_DAYS, `at most ${MAX_RANGE_DAYS} days`);

export const DateRangeSpec = z.union([
  AbsoluteRange,
  z
    .object({ lastDays: z.number().int().min(1).max(MAX_RANGE_DAYS).describe('The last N days, today included') })
    .strict(),
]);
export type DateRangeSpec = z.infer<typeof DateRangeSpec>;

export const ComparisonSpec = z.union([
  z.object({ type: z.literal('previous_period') }).strict(),
  z.object({ type: z.literal('previous_year') }).strict(),
  z.object({ type: z.literal('custom'), start: LocalDate, end: LocalDate }).strict().refine((r) => r.start <= r.end, 'start must not be after end'),
]);
export type ComparisonSpec = z.infer<typeof ComparisonSpec>;

/** A range of local days [start, end] in `timezone`, with its UTC bounds [startUtc, endUtc). */
export interface ResolvedRange {
  start: string;
  end: string;
  timezone: string;
  startUtc: number;
  endUtc: number;
}

export function parseDate(s: string): number {
  const [y, m, d] = s.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d);
}

export function formatDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return formatDate(parseDate(date) + days * DAY_MS);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((parseDate(to) - parseDate(from)) / DAY_MS);
}

/** Every local day of the range, in order. */
export function rangeDays(range: { start: string; end: string }): string[] {
  const n = daysBetween(range.start, range.end) + 1;
  return Array.from({ length: n }, (_, i) => addDays(range.start, i));
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Local time − UTC at the instant `utcMs`, in ms. */
export function zoneOffset(tz: string, utcMs: number): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(utcMs))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const local = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return local - Math.floor(utcMs / 1000) * 1000;
}

/** The UTC instant of local midnight starting `date` (the first instant of that day where midnight does not exist). */
export function localMidnightUtc(date: string, tz: string): number {
  const wall = parseDate(date);
  let utc = wall - zoneOffset(tz, wall);
  utc = wall - zoneOffset(tz, utc);
  // A zone that skips midnight (DST at 00:00) puts it an hour late: the day starts at the transition.
  return utc;
}

/** The local date of an instant. */
export function localDate(utcMs: number, tz: string): string {
  return formatDate(utcMs + zoneOffset(tz, utcMs));
}

export function resolveRange(spec: DateRangeSpec, timezone: string, nowMs: number): ResolvedRange {
  const { start, end } = 'lastDays' in spec ? lastDays(spec.lastDays, timezone, nowMs) : spec;
  return build(start, end, timezone);
}

function lastDays(n: number, tz: string, nowMs: number): { start: string; end: string } {
  const today = localDate(nowMs, tz);
  return { start: addDays(today, -(n - 1)), end: today };
}

function build(start: string, end: string, timezone: string): ResolvedRange {
  return { start, end, timezone, startUtc: localMidnightUtc(start, timezone), endUtc: localMidnightUtc(addDays(end, 1), timezone) };
}

/** The period a range is compared with. */
export function comparisonRange(range: ResolvedRange, comparison: ComparisonSpec): ResolvedRange {
  switch (comparison.type) {
    case 'previous_period': {
      const days = daysBetween(range.start, range.end) + 1;
      return build(addDays(range.start, -days), addDays(range.start, -1), range.timezone);
    }
    case 'previous_year':
      return build(minusYear(range.start), minusYear(range.end), range.timezone);
    case 'custom':
      return build(comparison.start, comparison.end, range.timezone);
  }
}

function minusYear(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  // 29 February of a leap year compares with 28 February.
  const day = Math.min(d, new Date(Date.UTC(y - 1, m, 0)).getUTCDate());
  return formatDate(Date.UTC(y - 1, m - 1, day));
}

/** Stretches of constant UTC offset: `offsetMs` applies from `fromUtc` (the first one from −∞). */
export interface ZoneShift {
  timezone: string;
  segments: { fromUtc: number; offsetMs: number }[];
}

/** The offsets of `tz` over [fromUtc, toUtc], found day by day and bisected to the second. */
export function zoneShift(tz: string, fromUtc: number, toUtc: number): ZoneShift {
  const segments = [{ fromUtc: Number.NEGATIVE_INFINITY, offsetMs: zoneOffset(tz, fromUtc) }];
  let t = fromUtc;
  while (t < toUtc) {
    const next = Math.min(t + DAY_MS, toUtc);
    const current = segments[segments.length - 1]!.offsetMs;
    if (zoneOffset(tz, next) !== current) {
      let lo = t;
      let hi = next;
      while (hi - lo > 1000) {
        const mid = Math.floor((lo + hi) / 2000) * 1000;
        if (mid <= lo || mid >= hi) break;
        if (zoneOffset(tz, mid) === current) lo = mid;
        else hi = mid;
      }
      segments.push({ fromUtc: hi, offsetMs: zoneOffset(tz, hi) });
    }
    t = next;
  }
  return { timezone: tz, segments };
}

/** `YYYY-MM-DD HH:MM:SS.mmm`, the text every engine casts to TIMESTAMP. */
export function sqlTimestampText(utcMs: number): string {
  return new Date(utcMs).toISOString().replace('T', ' ').replace('Z', '');
}
