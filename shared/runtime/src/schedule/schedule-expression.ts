import { parseAwsCron } from './aws-cron.js';

/** A parsed AWS schedule expression. A rate counts from when its job is armed, as on AWS from rule creation. */
export type ScheduleExpression =
  | { readonly kind: 'rate'; readonly expression: string; readonly intervalMs: number }
  | { readonly kind: 'cron'; readonly expression: string; next(after: Date): Date | undefined };

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/** Parses `rate(...)` or AWS 6-field `cron(...)`; throws with the offending expression on anything AWS would reject. */
export function parseScheduleExpression(expression: string): ScheduleExpression {
  const expr = expression.trim();
  const rate = /^rate\((.*)\)$/s.exec(expr);
  if (rate) return { kind: 'rate', expression: expr, intervalMs: parseRate(rate[1] as string, expr) };
  const cron = /^cron\((.*)\)$/s.exec(expr);
  if (cron) {
    const parsed = parseAwsCron(cron[1] as string, expr);
    return { kind: 'cron', expression: expr, next: (after) => parsed.next(after) };
  }
  throw new Error(`invalid schedule ${JSON.stringify(expression)}: expected rate(...) or cron(...)`);
}

// AWS insists on the singular for 1 and the plural otherwise: rate(1 minutes) and rate(5 minute) fail to deploy.
function parseRate(body: string, expr: string): number {
  const match = /^(\d+) (minute|hour|day)(s?)$/.exec(body);
  const value = Number(match?.[1]);
  if (!match || !Number.isSafeInteger(value) || value < 1) {
    throw new Error(
      `invalid schedule ${JSON.stringify(expr)}: expected rate(<positive integer> minute(s)|hour(s)|day(s))`,
    );
  }
  const plural = match[3] === 's';
  if (plural !== (value !== 1)) {
    const unit = match[2] as keyof typeof UNIT_MS;
    throw new Error(`invalid schedule ${JSON.stringify(expr)}: write rate(${value} ${unit}${value === 1 ? '' : 's'})`);
  }
  return value * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}
