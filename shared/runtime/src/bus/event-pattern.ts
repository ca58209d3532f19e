import { describe, isPlainObject } from './json.js';
import { EventPatternError } from './pattern-error.js';
import { compileLeaf, type PatternLeaf } from './pattern-filters.js';

export { EventPatternError };

export type { ContentFilter, AnythingBut, PatternLeaf, PatternScalar } from './pattern-filters.js';

/**
 * An EventBridge event pattern: every field must match; a leaf is an array of alternatives, a nested
 * object recurses into the event, `$or` holds two or more alternative sub-patterns.
 */
export interface EventPattern {
  readonly [field: string]: PatternLeaf | EventPattern | readonly EventPattern[];
}

type Scalar = string | number | boolean | null;
type ObjectTest = (node: Record<string, unknown> | undefined) => boolean;

/** Validates once and returns a reusable matcher; what the bus keeps per rule. */
export function compilePattern(pattern: unknown): (event: unknown) => boolean {
  const test = compileObject(pattern, '');
  return (event) => matchNested(test, event);
}

/** Throws an EventPatternError for anything EventBridge would refuse (or silently never match). */
export function validatePattern(pattern: unknown): asserts pattern is EventPattern {
  compilePattern(pattern);
}

const compiled = new WeakMap<object, (event: unknown) => boolean>();

export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  let matcher = compiled.get(pattern);
  if (!matcher) {
    matcher = compilePattern(pattern);
    compiled.set(pattern, matcher);
  }
  return matcher(event);
}

function compileObject(pattern: unknown, path: string): ObjectTest {
  if (!isPlainObject(pattern)) {
    throw new EventPatternError(path, `expected an object of fields, got ${describe(pattern)}`);
  }
  const fields = Object.entries(pattern);
  if (fields.length === 0) throw new EventPatternError(path, 'a pattern object must name at least one field');
  const tests = fields.map(([key, spec]) => compileField(key, spec, path ? `${path}.${key}` : key));
  return (node) => tests.every((test) => test(node));
}

function compileField(key: string, spec: unknown, path: string): ObjectTest {
  if (key === '$or') {
    if (!Array.isArray(spec) || spec.length < 2) {
      throw new EventPatternError(path, '$or takes an array of at least two sub-patterns');
    }
    const alternatives = spec.map((alt, i) => compileObject(alt, `${path}[${i}]`));
    return (node) => alternatives.some((alt) => alt(node));
  }
  if (Array.isArray(spec)) {
    const leaf = compileLeaf(spec, path);
    return (node) => leaf(scalarsAt(fieldOf(node, key)));
  }
  if (isPlainObject(spec)) {
    const nested = compileObject(spec, path);
    return (node) => matchNested(nested, fieldOf(node, key));
  }
  throw new EventPatternError(
    path,
    `expected an array of alternatives (e.g. ["${String(spec)}"]) or a nested pattern, got ${describe(spec)}`,
  );
}

// Arrays of objects match when ONE element satisfies the whole sub-pattern (Ruler's "array
// consistency"); with no object at all, only `exists: false` leaves can still match.
function matchNested(test: ObjectTest, value: unknown): boolean {
  const objects = objectsAt(value);
  return objects.length === 0 ? test(undefined) : objects.some(test);
}

function fieldOf(node: Record<string, unknown> | undefined, key: string): unknown {
  return node !== undefined && Object.hasOwn(node, key) ? node[key] : undefined;
}

// Only scalars are leaves: an object where a leaf is expected counts as absent, like in Ruler.
function scalarsAt(value: unknown, out: Scalar[] = []): Scalar[] {
  if (Array.isArray(value)) for (const item of value) scalarsAt(item, out);
  else if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) out.push(value as Scalar);
  return out;
}

function objectsAt(value: unknown, out: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(value)) for (const item of value) objectsAt(item, out);
  else if (isPlainObject(value)) out.push(value);
  return out;
}
