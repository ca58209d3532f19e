/** UTC calendar parts of an epoch-ms time: the partition of a row. */
export function utcParts(ms: number): { year: number; month: number; day: number } {
  const d = new Date(ms);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** The formatted `YYYY-MM-DD HH:MM:SS.` of recent seconds, in slots by second (event and ingest times alternate). */
const SLOTS = 64;
const slotSecond = new Float64Array(SLOTS).fill(Number.NaN);
const slotPrefix: string[] = new Array<string>(SLOTS).fill('');

/** ISO text DuckDB reads as TIMESTAMP (UTC, no zone suffix), e.g. `2026-11-29 09:59:00.000`. */
export function sqlTimestamp(ms: number): string {
  if (!Number.isSafeInteger(ms)) return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
  // Events come in bursts within the same second: format the date part once per second.
  const second = Math.floor(ms / 1000);
  const slot = ((second % SLOTS) + SLOTS) % SLOTS;
  if (slotSecond[slot] !== second) {
    const iso = new Date(ms).toISOString();
    if (iso.length !== 24) return iso.replace('T', ' ').replace('Z', '');
    slotSecond[slot] = second;
    slotPrefix[slot] = `${iso.slice(0, 10)} ${iso.slice(11, 20)}`;
  }
  const millis = ms - second * 1000;
  return slotPrefix[slot] + (millis < 10 ? `00${millis}` : millis < 100 ? `0${millis}` : String(millis));
}
