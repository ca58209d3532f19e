import { validatePattern } from '../bus/event-pattern.js';
import { describe, isPlainObject } from '../bus/json.js';
import { parseScheduleExpression } from '../schedule/schedule-expression.js';
import { CloudFormationIntrinsic } from './cloudformation-tags.js';
import { ManifestError, resolveString, type ManifestContext } from './manifest-error.js';
import type { FunctionManifest, HttpRouteManifest, ScheduleManifest } from './service-manifest.js';
import { findVariable } from './serverless-variables.js';

/** `eventBridge:` adds a rule (pattern) and/or a schedule, as Serverless v3 allows both forms. */
export function parseEventBridge(spec: unknown, ctx: ManifestContext, fn: FunctionManifest): void {
  if (!isPlainObject(spec)) throw fail(ctx, `expected a mapping, got ${describe(spec)}`);
  if (spec.pattern === undefined && spec.schedule === undefined) throw fail(ctx, 'needs a pattern or a schedule');
  if (isDisabled(spec.enabled, { ...ctx, at: `${ctx.at}.enabled` })) return;
  if (spec.schedule !== undefined) {
    fn.schedules.push(...parseSchedule(spec.schedule, spec.input, { ...ctx, at: `${ctx.at}.schedule` }));
  }
  if (spec.pattern === undefined) return;

  const at = { ...ctx, at: `${ctx.at}.pattern` };
  const unresolvable = findVariable(spec.pattern) ?? findIntrinsic(spec.pattern);
  if (unresolvable !== undefined) {
    throw fail(at, `uses ${unresolvable}, which the embedded bus cannot resolve; write the pattern's values literally`);
  }
  try {
    validatePattern(spec.pattern);
  } catch (err) {
    throw fail(at, (err as Error).message);
  }
  const retryPolicy = isPlainObject(spec.retryPolicy) ? spec.retryPolicy : {};
  const maxRetries = optionalInteger(retryPolicy.maximumRetryAttempts, {
    ...ctx,
    at: `${ctx.at}.retryPolicy.maximumRetryAttempts`,
  });
  fn.eventRules.push(maxRetries === undefined ? { pattern: spec.pattern } : { pattern: spec.pattern, maxRetries });
}

/** `schedule: rate(..)`, or `{ rate: expr | [expr..], enabled, input }`; disabled ones yield nothing. */
export function parseSchedule(spec: unknown, input: unknown, ctx: ManifestContext): ScheduleManifest[] {
  if (typeof spec === 'string') return [scheduleEntry(spec, input, ctx)];
  if (!isPlainObject(spec)) throw fail(ctx, `expected an expression or a mapping with rate, got ${describe(spec)}`);
  if (isDisabled(spec.enabled, { ...ctx, at: `${ctx.at}.enabled` })) return [];
  if (typeof spec.timezone === 'string' && !/^(UTC|Etc\/UTC|GMT)$/i.test(spec.timezone)) {
    throw fail(ctx, `timezone ${spec.timezone} is not supported; the embedded scheduler runs in UTC`);
  }
  const rates = Array.isArray(spec.rate) ? spec.rate : [spec.rate];
  if (rates.length === 0 || !rates.every((r) => typeof r === 'string')) {
    throw fail({ ...ctx, at: `${ctx.at}.rate` }, 'expected a schedule expression or a list of them');
  }
  const ownInput = spec.input !== undefined ? spec.input : input;
  return rates.map((rate, i) =>
    scheduleEntry(rate, ownInput, { ...ctx, at: `${ctx.at}.rate${rates.length > 1 ? `[${i}]` : ''}` }),
  );
}

function scheduleEntry(raw: string, input: unknown, ctx: ManifestContext): ScheduleManifest {
  const expression = resolveString(raw, ctx.source, ctx.at).trim();
  try {
    parseScheduleExpression(expression);
  } catch (err) {
    throw fail(ctx, (err as Error).message);
  }
  return input === undefined ? { expression } : { expression, input };
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', '*']);

/** `httpApi: 'POST /collect'`, `'*'`, or `{ method, path }`. */
export function parseHttpApi(spec: unknown, ctx: ManifestContext): HttpRouteManifest {
  if (typeof spec === 'string') {
    const text = spec.trim();
    if (text === '*') return { method: '*', path: '*' };
    const match = /^(\S+)\s+(\S+)$/.exec(text);
    if (!match) throw fail(ctx, `expected "METHOD /path" or "*", got ${JSON.stringify(spec)}`);
    return route(match[1] as string, match[2] as string, ctx);
  }
  if (isPlainObject(spec) && typeof spec.method === 'string' && typeof spec.path === 'string') {
    return route(spec.method, spec.path, ctx);
  }
  throw fail(ctx, 'expected "METHOD /path", "*" or { method, path }');
}

function route(rawMethod: string, path: string, ctx: ManifestContext): HttpRouteManifest {
  const method = rawMethod.toUpperCase() === 'ANY' ? '*' : rawMethod.toUpperCase();
  if (!METHODS.has(method)) throw fail(ctx, `unknown HTTP method ${rawMethod}`);
  if (path !== '*' && !path.startsWith('/')) throw fail(ctx, `path ${JSON.stringify(path)} must start with /`);
  return { method, path };
}

function isDisabled(value: unknown, ctx: ManifestContext): boolean {
  if (value === undefined) return false;
  if (typeof value === 'boolean') return !value;
  if (typeof value === 'string') {
    const resolved = resolveString(value, ctx.source, ctx.at).trim();
    if (resolved === 'true' || resolved === 'false') return resolved === 'false';
  }
  throw fail(ctx, `expected true or false, got ${describe(value)}`);
}

function optionalInteger(value: unknown, ctx: ManifestContext): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'string' ? Number(resolveString(value, ctx.source, ctx.at)) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw fail(ctx, `expected a non-negative integer, got ${describe(value)}`);
  }
  return n;
}

// Short-form tags (`!Ref X`) arrive as markers; long forms as `{ 'Fn::X': .. }` keys.
function findIntrinsic(value: unknown): string | undefined {
  if (value instanceof CloudFormationIntrinsic) return String(value);
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((item) => ['', item])
    : isPlainObject(value)
      ? Object.entries(value)
      : [];
  for (const [key, child] of entries) {
    const found = key.startsWith('Fn::') ? key : findIntrinsic(child);
    if (found !== undefined) return found;
  }
  return undefined;
}

function fail(ctx: ManifestContext, reason: string): ManifestError {
  return new ManifestError(ctx.source, ctx.at, reason);
}
