import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import type { EventPattern } from '../bus/event-pattern.js';
import { describe, isPlainObject } from '../bus/json.js';
import { cloudFormationTags } from './cloudformation-tags.js';
import { parseEventBridge, parseHttpApi, parseSchedule } from './function-events.js';
import { ManifestError, resolveString } from './manifest-error.js';

export interface EventRuleManifest {
  pattern: EventPattern;
  /** `retryPolicy.maximumRetryAttempts`; absent means the bus default. */
  maxRetries?: number;
}

export interface ScheduleManifest {
  expression: string;
  input?: unknown;
}

export interface HttpRouteManifest {
  /** Upper case, or `*` for any method. */
  method: string;
  /** `/collect`, `/apps/{appId}`, or `*` for the catch-all route. */
  path: string;
}

export interface FunctionManifest {
  name: string;
  handler: string;
  eventRules: EventRuleManifest[];
  schedules: ScheduleManifest[];
  httpRoutes: HttpRouteManifest[];
}

/** What the embedded host needs from a serverless.yml: the single source of routes, rules and schedules. */
export interface ServiceManifest {
  service: string;
  functions: FunctionManifest[];
}

/**
 * Throws when a service hands the embedded host a function its serverless.yml does not declare:
 * a misspelt or removed name is a wiring mistake to surface at start-up.
 */
export function assertFunctionsDeclared(manifest: ServiceManifest, names: Iterable<string>): void {
  const declared = new Set(manifest.functions.map((fn) => fn.name));
  const unknown = [...names].filter((name) => !declared.has(name));
  if (unknown.length > 0) {
    throw new Error(`service ${manifest.service}: serverless.yml declares no function named ${unknown.join(', ')}`);
  }
}

export function readServiceManifest(serviceDir: string): ServiceManifest {
  const file = join(serviceDir, 'serverless.yml');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read service manifest ${file}: ${(err as Error).message}`, { cause: err });
  }
  return parseServiceManifest(text, file);
}

/** Parses serverless.yml text; `source` only names the file in error messages. */
export function parseServiceManifest(text: string, source = 'serverless.yml'): ServiceManifest {
  const doc = parseDocument(text, { customTags: cloudFormationTags, prettyErrors: true });
  const [yamlError] = doc.errors;
  if (yamlError) throw new Error(`${source}: invalid YAML: ${yamlError.message}`);
  const root: unknown = doc.toJS();
  if (!isPlainObject(root)) {
    throw new ManifestError(source, '', `expected a mapping at the top level, got ${describe(root)}`);
  }

  const named = isPlainObject(root.service) ? root.service.name : root.service;
  if (typeof named !== 'string' || named.trim() === '') {
    throw new ManifestError(source, 'service', 'a service name is required');
  }
  const service = resolveString(named, source, 'service');

  const functions = functionsOf(root.functions, source).map(([name, def]) => parseFunction(name, def, source));
  return { service, functions };
}

// `functions` is a mapping, or (older style) a list of mappings that Serverless merges.
function functionsOf(value: unknown, source: string): [string, unknown][] {
  if (value === undefined || value === null) return [];
  if (isPlainObject(value)) return Object.entries(value);
  if (Array.isArray(value) && value.every(isPlainObject)) return value.flatMap((part) => Object.entries(part));
  throw new ManifestError(
    source,
    'functions',
    `expected a mapping of functions, got ${describe(value)} (file includes are not resolved by the embedded runtime)`,
  );
}

function parseFunction(name: string, def: unknown, source: string): FunctionManifest {
  const at = `functions.${name}`;
  if (!isPlainObject(def)) throw new ManifestError(source, at, `expected a mapping, got ${describe(def)}`);
  if (typeof def.handler !== 'string' || def.handler === '') {
    throw new ManifestError(source, `${at}.handler`, 'a handler is required');
  }
  const fn: FunctionManifest = { name, handler: def.handler, eventRules: [], schedules: [], httpRoutes: [] };
  const events = def.events ?? [];
  if (!Array.isArray(events)) {
    throw new ManifestError(source, `${at}.events`, `expected a list, got ${describe(events)}`);
  }
  events.forEach((event, i) => {
    const where = `${at}.events[${i}]`;
    if (!isPlainObject(event) || Object.keys(event).length !== 1) {
      throw new ManifestError(
        source,
        where,
        'each event is a mapping with exactly one event type, e.g. { httpApi: ... }',
      );
    }
    const [[type, spec]] = Object.entries(event) as [[string, unknown]];
    const ctx = { source, at: `${where}.${type}` };
    if (type === 'eventBridge') parseEventBridge(spec, ctx, fn);
    else if (type === 'schedule') fn.schedules.push(...parseSchedule(spec, undefined, ctx));
    else if (type === 'httpApi') fn.httpRoutes.push(parseHttpApi(spec, ctx));
    // Other event types (sqs, s3, stream, ...) have no embedded counterpart wired from the manifest.
  });
  return fn;
}
