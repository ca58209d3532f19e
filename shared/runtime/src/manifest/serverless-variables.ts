import { isPlainObject } from '../bus/json.js';

/**
 * Serverless Framework `${source:address, default}` variables. The embedded mode has no stage,
 * no SSM and no CloudFormation to resolve them from, so the only value it can use is the default.
 */

/** The first `${...}` variable found anywhere in the value, or undefined. */
export function findVariable(value: unknown): string | undefined {
  if (typeof value === 'string') {
    const start = value.indexOf('${');
    return start === -1 ? undefined : value.slice(start, variableEnd(value, start) + 1);
  }
  const children = Array.isArray(value)
    ? value
    : isPlainObject(value)
      ? [...Object.keys(value), ...Object.values(value)]
      : [];
  for (const child of children) {
    const found = findVariable(child);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Replaces every variable in `text` by its default value; throws naming `what` if one has none. */
export function resolveDefaults(text: string, what: string): string {
  let out = '';
  let from = 0;
  for (let start = text.indexOf('${'); start !== -1; start = text.indexOf('${', from)) {
    const end = variableEnd(text, start);
    out += text.slice(from, start) + defaultOf(text.slice(start, end + 1), what);
    from = end + 1;
  }
  return out + text.slice(from);
}

function defaultOf(variable: string, what: string): string {
  const body = variable.slice(2, -1);
  const comma = topLevelComma(body);
  if (comma === -1) {
    throw new Error(
      `${what} uses ${variable}, which the embedded runtime cannot resolve; ` +
        `give it a default, e.g. \${${body.trim()}, 'value'}`,
    );
  }
  const fallback = body.slice(comma + 1).trim();
  const quoted = /^(['"])(.*)\1$/s.exec(fallback);
  if (quoted) return quoted[2] as string;
  return fallback.includes('${') ? resolveDefaults(fallback, what) : fallback;
}

// Index of the `}` closing the variable opened at `start`, skipping nested variables and quotes.
function variableEnd(text: string, start: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '{') {
      depth++;
    } else if (c === '}' && --depth === 0) {
      return i;
    }
  }
  throw new Error(`unterminated Serverless variable in ${JSON.stringify(text)}`);
}

function topLevelComma(body: string): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '{' || c === '(') {
      depth++;
    } else if (c === '}' || c === ')') {
      depth--;
    } else if (c === ',' && depth === 0) {
      return i;
    }
  }
  return -1;
}
