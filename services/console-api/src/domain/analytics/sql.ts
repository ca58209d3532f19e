/**
 * A tiny SQL builder whose only way to put a value into a query is a bound parameter.
 *
 * `sql\`… ${x} …\`` turns every interpolated JavaScript value into a parameter token; only other
 * `Sql` fragments are inlined. Text that is not a parameter comes from the template literals in
 * this code base, from `ident()` (names checked against a strict pattern, used for whitelisted
 * columns) or from `relation()` (logical view names the executor maps to its own). So a filter
 * value, however hostile, can only ever reach the database as a parameter.
 */
export type SqlValue = string | number | boolean | null;

/**
 * The warehouse relations queries read (model-athena's views; the bad-row table), and the
 * pre-aggregates of rollups.ts, read only where the warehouse keeps them.
 */
export type RelationName = 'events_deduped' | 'sessions_merged' | 'users_merged' | 'bad_rows' | 'activity' | 'page_activity' | 'event_sequence';

type Token = { kind: 'text'; text: string } | { kind: 'param'; value: SqlValue } | { kind: 'relation'; name: RelationName };

export class Sql {
  constructor(readonly tokens: readonly Token[]) {}

  /** True when the fragment produces no text at all (e.g. an empty filter list). */
  get isEmpty(): boolean {
    return this.tokens.every((t) => t.kind === 'text' && t.text.trim() === '');
  }
}

export function sql(strings: TemplateStringsArray, ...values: readonly (Sql | SqlValue)[]): Sql {
  const tokens: Token[] = [];
  strings.forEach((text, i) => {
    if (text) tokens.push({ kind: 'text', text });
    if (i < values.length) {
      const value = values[i];
      if (value instanceof Sql) tokens.push(...value.tokens);
      else tokens.push({ kind: 'param', value: checkValue(value ?? null) });
    }
  });
  return new Sql(tokens);
}

function checkValue(value: SqlValue): SqlValue {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('SQL parameters must be finite numbers');
  return value;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** A column or alias name; only names from the whitelists (contract columns, our own aliases) pass. */
export function ident(name: string): Sql {
  if (!IDENTIFIER.test(name)) throw new Error(`not an identifier: ${JSON.stringify(name)}`);
  return new Sql([{ kind: 'text', text: `"${name}"` }]);
}

/** SQL text that is part of this code base (keywords, function names per dialect), never input. */
export function trusted(text: string): Sql {
  return new Sql([{ kind: 'text', text }]);
}

export function relation(name: RelationName): Sql {
  return new Sql([{ kind: 'relation', name }]);
}

export function joinSql(parts: readonly Sql[], separator: string): Sql {
  const tokens: Token[] = [];
  parts.forEach((p, i) => {
    if (i > 0) tokens.push({ kind: 'text', text: separator });
    tokens.push(...p.tokens);
  });
  return new Sql(tokens);
}

/** `a AND b AND …`, or `TRUE` for none. */
export function and(parts: readonly Sql[]): Sql {
  const kept = parts.filter((p) => !p.isEmpty);
  return kept.length === 0 ? trusted('TRUE') : joinSql(kept.map((p) => sql`(${p})`), ' AND ');
}

export const emptySql = new Sql([]);

/** How one engine writes parameters and names relations. */
export interface SqlRenderer {
  /** Placeholder text for the value at `index` (0-based), or a literal for values the engine cannot bind. */
  bind(value: SqlValue, index: number): { text: string; bound: boolean };
  relation(name: RelationName): string;
}

export interface BoundQuery {
  sql: string;
  params: SqlValue[];
}

export function render(query: Sql, renderer: SqlRenderer): BoundQuery {
  let text = '';
  const params: SqlValue[] = [];
  for (const token of query.tokens) {
    if (token.kind === 'text') text += token.text;
    else if (token.kind === 'relation') text += renderer.relation(token.name);
    else {
      const { text: placeholder, bound } = renderer.bind(token.value, params.length);
      text += placeholder;
      if (bound) params.push(token.value);
    }
  }
  return { sql: text, params };
}
