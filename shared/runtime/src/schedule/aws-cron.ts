import { CronExpressionParser } from 'cron-parser';

/**
 * AWS's 6-field cron (`min hour day-of-month month day-of-week year`) translated for cron-parser,
 * which has no year field and numbers weekdays 0-6 from Sunday where AWS uses 1-7.
 */
export interface AwsCron {
  /** The 5-field form handed to cron-parser. */
  readonly standard: string;
  /** First fire time strictly after `after`, or undefined once the year field rules out any more. */
  next(after: Date): Date | undefined;
}

type SixFields = [string, string, string, string, string, string];

const MIN_YEAR = 1970;
const MAX_YEAR = 2199;
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

// Characters AWS allows per field, minus L and W (last day / nearest weekday), which this runtime omits.
const ALLOWED: Record<string, RegExp> = {
  minutes: /^[0-9,\-*/]+$/,
  hours: /^[0-9,\-*/]+$/,
  'day-of-month': /^[0-9,\-*/?]+$/,
  month: /^[0-9A-Za-z,\-*/]+$/,
  'day-of-week': /^[0-9A-Za-z,\-*?#]+$/,
  year: /^[0-9,\-*/]+$/,
};

export function parseAwsCron(body: string, expression: string): AwsCron {
  const fail = (reason: string): never => {
    throw new Error(`invalid schedule ${JSON.stringify(expression)}: ${reason}`);
  };
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) {
    fail(`cron() takes 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}`);
  }
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields as SixFields;
  const named = { minutes, hours, 'day-of-month': dayOfMonth, month, 'day-of-week': dayOfWeek, year };
  for (const [name, value] of Object.entries(named)) {
    if (/[LW]/i.test(value.replace(/[A-Za-z]{3}/g, (word) => (isName(word) ? '' : word)))) {
      fail(`${name} uses L or W, which the embedded scheduler does not support`);
    }
    if (!ALLOWED[name]?.test(value)) {
      fail(`${name} field ${JSON.stringify(value)} has characters AWS does not allow there`);
    }
  }
  // AWS refuses both fields restricted at once (ambiguous) and both left open.
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    fail('exactly one of day-of-month and day-of-week must be ?');
  }

  let weekdays = '';
  let years: (year: number) => boolean = () => true;
  try {
    weekdays = convertWeekdays(dayOfWeek);
    years = yearFilter(year);
  } catch (err) {
    fail((err as Error).message);
  }
  const standard = [minutes, hours, dayOfMonth === '?' ? '*' : dayOfMonth, month, weekdays].join(' ');
  const iterate = (after: Date) => CronExpressionParser.parse(standard, { currentDate: after, tz: 'UTC' });
  try {
    iterate(new Date(0));
  } catch (err) {
    fail((err as Error).message);
  }

  return {
    standard,
    next(after) {
      let from = after;
      for (;;) {
        let date: Date;
        try {
          date = iterate(from).next().toDate();
        } catch {
          return undefined;
        }
        const y = date.getUTCFullYear();
        if (y > MAX_YEAR) return undefined;
        if (years(y)) return date;
        let nextYear = y + 1;
        while (nextYear <= MAX_YEAR && !years(nextYear)) nextYear++;
        if (nextYear > MAX_YEAR) return undefined;
        from = new Date(Date.UTC(nextYear, 0, 1) - 1);
      }
    },
  };
}

function isName(word: string): boolean {
  return WEEKDAYS.includes(word.toUpperCase()) || /^(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)$/i.test(word);
}

// AWS 1-7 (SUN-SAT) becomes 0-6. `/` is not allowed here by AWS, so lists, ranges and `#` suffice.
function convertWeekdays(field: string): string {
  if (field === '?' || field === '*') return '*';
  if (field.includes('#')) {
    const match = /^([0-9A-Za-z]+)#([1-5])$/.exec(field);
    if (!match?.[1]) throw new Error('day-of-week with # must look like MON#1 or 2#1 (nth weekday of the month)');
    return `${weekdayNumber(match[1]) - 1}#${match[2]}`;
  }
  return field
    .split(',')
    .map((part) => {
      const [from, to, extra] = part.split('-');
      if (from === undefined || extra !== undefined || from === '' || to === '') {
        throw new Error(`day-of-week item ${JSON.stringify(part)} is not a day or a day range`);
      }
      const start = weekdayNumber(from);
      if (to === undefined) return String(start - 1);
      const end = weekdayNumber(to);
      if (end < start) throw new Error(`day-of-week range ${part} runs backwards`);
      return `${start - 1}-${end - 1}`;
    })
    .join(',');
}

function weekdayNumber(token: string): number {
  const byName = WEEKDAYS.indexOf(token.toUpperCase());
  if (byName !== -1) return byName + 1;
  const n = Number(token);
  if (!/^\d+$/.test(token) || n < 1 || n > 7) throw new Error(`day-of-week ${token} is not 1-7 or SUN-SAT`);
  return n;
}

function yearFilter(field: string): (year: number) => boolean {
  if (field === '*') return () => true;
  const tests = field.split(',').map((part) => {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!range || !Number.isInteger(step) || step < 1) {
      throw new Error(`year item ${JSON.stringify(part)} is malformed`);
    }
    const [lowText, highText] = range === '*' ? [String(MIN_YEAR), String(MAX_YEAR)] : range.split('-');
    const low = Number(lowText);
    const high = highText === undefined ? (stepText === undefined ? low : MAX_YEAR) : Number(highText);
    for (const y of [low, high]) {
      if (!Number.isInteger(y) || y < MIN_YEAR || y > MAX_YEAR) {
        throw new Error(`year ${JSON.stringify(part)} is outside ${MIN_YEAR}-${MAX_YEAR}`);
      }
    }
    if (high < low) throw new Error(`year range ${part} runs backwards`);
    return (year: number) => year >= low && year <= high && (year - low) % step === 0;
  });
  return (year) => tests.some((test) => test(year));
}
