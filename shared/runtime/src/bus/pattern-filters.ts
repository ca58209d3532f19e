import { BlockList, isIP } from 'node:net';
import { describe, isPlainObject } from './json.js';
import { EventPatternError } from './pattern-error.js';

export type PatternScalar = string | number | boolean | null;

type IgnoreCase = { readonly 'equals-ignore-case': string };

export type AnythingBut =
  | string
  | number
  | readonly string[]
  | readonly number[]
  | { readonly prefix: string }
  | { readonly suffix: string }
  | { readonly 'equals-ignore-case': string | readonly string[] }
  | { readonly wildcard: string | readonly string[] };

/** EventBridge content filters: one operator per object. */
export type ContentFilter =
  | { readonly prefix: string | IgnoreCase }
  | { readonly suffix: string | IgnoreCase }
  | IgnoreCase
  | { readonly wildcard: string }
  | { readonly 'anything-but': AnythingBut }
  | { readonly exists: boolean }
  | { readonly numeric: readonly (string | number)[] }
  | { readonly cidr: string };

/** The alternatives of one field; any of them matching is enough. */
export type PatternLeaf = readonly (PatternScalar | ContentFilter)[];

/** Receives every scalar found at the field's path (none when absent, several for arrays). */
export type LeafTest = (values: readonly PatternScalar[]) => boolean;
type ValueTest = (value: PatternScalar) => boolean;

const OPERATORS = [
  'prefix',
  'suffix',
  'equals-ignore-case',
  'wildcard',
  'anything-but',
  'exists',
  'numeric',
  'cidr',
] as const;

export function compileLeaf(alternatives: readonly unknown[], path: string): LeafTest {
  if (alternatives.length === 0) throw new EventPatternError(path, 'an empty array of alternatives can never match');
  const tests = alternatives.map((alt, i) => compileAlternative(alt, `${path}[${i}]`));
  return (values) => tests.some((test) => test(values));
}

function compileAlternative(alt: unknown, path: string): LeafTest {
  if (isScalar(alt)) {
    if (typeof alt === 'number' && !Number.isFinite(alt)) throw new EventPatternError(path, 'numbers must be finite');
    return (values) => values.includes(alt);
  }
  if (!isPlainObject(alt)) {
    throw new EventPatternError(
      path,
      `expected a string, number, boolean, null or content filter, got ${describe(alt)}`,
    );
  }
  const keys = Object.keys(alt);
  const op = keys[0];
  if (keys.length !== 1 || op === undefined) {
    throw new EventPatternError(path, `a content filter has exactly one operator, got {${keys.join(', ')}}`);
  }
  const arg = alt[op];
  const at = `${path}.${op}`;
  if (op === 'exists') {
    if (typeof arg !== 'boolean') throw new EventPatternError(at, `expected true or false, got ${describe(arg)}`);
    return arg ? (values) => values.length > 0 : (values) => values.length === 0;
  }
  // Every other filter needs the field present: an absent field never matches, not even anything-but.
  const test = compileFilter(op, arg, at);
  return (values) => values.some(test);
}

function compileFilter(op: string, arg: unknown, path: string): ValueTest {
  switch (op) {
    case 'prefix':
      return affixTest(arg, path, (value, affix) => value.startsWith(affix));
    case 'suffix':
      return affixTest(arg, path, (value, affix) => value.endsWith(affix));
    case 'equals-ignore-case': {
      const expected = fold(requireString(arg, path));
      return (value) => typeof value === 'string' && fold(value) === expected;
    }
    case 'wildcard': {
      const regex = wildcardRegex(requireString(arg, path), path);
      return (value) => typeof value === 'string' && regex.test(value);
    }
    case 'numeric':
      return numericTest(arg, path);
    case 'cidr':
      return cidrTest(arg, path);
    case 'anything-but': {
      const excluded = anythingButExclusion(arg, path);
      return (value) => !excluded(value);
    }
    default:
      throw new EventPatternError(path, `unknown operator "${op}"; expected one of ${OPERATORS.join(', ')}`);
  }
}

// `prefix`/`suffix` take a string, or `{ "equals-ignore-case": string }` for a case-insensitive affix.
function affixTest(arg: unknown, path: string, has: (value: string, affix: string) => boolean): ValueTest {
  if (isPlainObject(arg)) {
    const keys = Object.keys(arg);
    if (keys.length !== 1 || keys[0] !== 'equals-ignore-case') {
      throw new EventPatternError(
        path,
        `expected a string or { "equals-ignore-case": string }, got {${keys.join(', ')}}`,
      );
    }
    const affix = fold(requireString(arg['equals-ignore-case'], `${path}.equals-ignore-case`));
    return (value) => typeof value === 'string' && has(fold(value), affix);
  }
  const affix = requireString(arg, path);
  return (value) => typeof value === 'string' && has(value, affix);
}

/** Returns what anything-but excludes; values of another type are never excluded, so they match. */
function anythingButExclusion(arg: unknown, path: string): ValueTest {
  if (typeof arg === 'string' || (typeof arg === 'number' && Number.isFinite(arg))) return (value) => value === arg;
  if (Array.isArray(arg)) {
    const allStrings = arg.every((v) => typeof v === 'string');
    const allNumbers = arg.every((v) => typeof v === 'number' && Number.isFinite(v));
    if (arg.length === 0 || !(allStrings || allNumbers)) {
      throw new EventPatternError(path, 'expected a non-empty list of only strings or only numbers');
    }
    const set = new Set<unknown>(arg);
    return (value) => set.has(value);
  }
  if (isPlainObject(arg)) {
    const keys = Object.keys(arg);
    const op = keys[0];
    if (keys.length === 1 && (op === 'prefix' || op === 'suffix')) {
      return compileFilter(op, requireString(arg[op], `${path}.${op}`), `${path}.${op}`);
    }
    if (keys.length === 1 && (op === 'equals-ignore-case' || op === 'wildcard')) {
      const list = stringOrStrings(arg[op], `${path}.${op}`);
      const tests = list.map((s) => compileFilter(op, s, `${path}.${op}`));
      return (value) => tests.some((test) => test(value));
    }
    throw new EventPatternError(
      path,
      'anything-but takes a value, a list, or one of prefix, suffix, equals-ignore-case, wildcard; ' +
        `got {${keys.join(', ')}}`,
    );
  }
  throw new EventPatternError(path, `expected a string, number, list or filter object, got ${describe(arg)}`);
}

const LOWER = new Set(['>', '>=']);
const UPPER = new Set(['<', '<=']);

// Numeric filters only match JSON numbers: "5" (a string) is not 5.
function numericTest(arg: unknown, path: string): ValueTest {
  const bad = (reason: string) => new EventPatternError(path, reason);
  if (!Array.isArray(arg) || (arg.length !== 2 && arg.length !== 4)) {
    throw bad('expected [op, number] or [lower-op, number, upper-op, number], e.g. [">", 0, "<=", 5]');
  }
  const pairs: [string, number][] = [];
  for (let i = 0; i < arg.length; i += 2) {
    const [op, n] = [arg[i], arg[i + 1]];
    if (typeof op !== 'string' || !['=', '<', '<=', '>', '>='].includes(op)) {
      throw bad(`unknown numeric operator ${JSON.stringify(op)}; expected =, <, <=, > or >=`);
    }
    if (typeof n !== 'number' || !Number.isFinite(n)) throw bad(`operator ${op} needs a number, got ${describe(n)}`);
    pairs.push([op, n]);
  }
  const [first, second] = pairs;
  if (second && first) {
    const lower = LOWER.has(first[0]) ? first : second;
    const upper = lower === first ? second : first;
    if (!LOWER.has(lower[0]) || !UPPER.has(upper[0])) {
      throw bad('a range needs one lower (>, >=) and one upper (<, <=) bound');
    }
    if (lower[1] >= upper[1]) throw bad(`empty range: ${lower[1]} is not below ${upper[1]}`);
  }
  const tests = pairs.map(([op, bound]) => compare(op, bound));
  return (value) => typeof value === 'number' && tests.every((test) => test(value));
}

function compare(op: string, bound: number): (n: number) => boolean {
  switch (op) {
    case '=':
      return (n) => n === bound;
    case '<':
      return (n) => n < bound;
    case '<=':
      return (n) => n <= bound;
    case '>':
      return (n) => n > bound;
    default:
      return (n) => n >= bound;
  }
}

function cidrTest(arg: unknown, path: string): ValueTest {
  const cidr = requireString(arg, path);
  const match = /^([^/]+)\/(\d{1,3})$/.exec(cidr);
  const family = match?.[1] ? isIP(match[1]) : 0;
  const bits = Number(match?.[2]);
  if (!match?.[1] || family === 0 || bits > (family === 4 ? 32 : 128)) {
    throw new EventPatternError(
      path,
      `expected an IPv4 or IPv6 CIDR block like "10.0.0.0/24", got ${JSON.stringify(cidr)}`,
    );
  }
  const list = new BlockList();
  list.addSubnet(match[1], bits, family === 4 ? 'ipv4' : 'ipv6');
  return (value) => {
    const valueFamily = typeof value === 'string' ? isIP(value) : 0;
    return valueFamily !== 0 && list.check(value as string, valueFamily === 4 ? 'ipv4' : 'ipv6');
  };
}

/** `*` matches any run of characters; `\*` and `\\` are literal; `**` is rejected, as EventBridge does. */
function wildcardRegex(wildcard: string, path: string): RegExp {
  let source = '';
  for (let i = 0; i < wildcard.length; i++) {
    const c = wildcard[i] as string;
    if (c === '\\') {
      const next = wildcard[i + 1];
      if (next !== '*' && next !== '\\') {
        throw new EventPatternError(path, 'a backslash may only escape * or \\ in a wildcard');
      }
      source += `\\${next}`;
      i++;
    } else if (c === '*') {
      if (wildcard[i + 1] === '*') throw new EventPatternError(path, 'consecutive * are not allowed in a wildcard');
      source += '.*';
    } else {
      source += c.replace(/[\^$.*+?()[\]{}|/]/, '\\$&');
    }
  }
  return new RegExp(`^${source}$`, 's');
}

function fold(s: string): string {
  return s.toLowerCase();
}

function requireString(arg: unknown, path: string): string {
  if (typeof arg !== 'string') throw new EventPatternError(path, `expected a string, got ${describe(arg)}`);
  return arg;
}

function stringOrStrings(arg: unknown, path: string): string[] {
  if (typeof arg === 'string') return [arg];
  if (Array.isArray(arg) && arg.length > 0 && arg.every((v) => typeof v === 'string')) return arg;
  throw new EventPatternError(path, `expected a string or a non-empty list of strings, got ${describe(arg)}`);
}

function isScalar(value: unknown): value is PatternScalar {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}
