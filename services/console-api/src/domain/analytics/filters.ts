import * as z from 'zod';
import type { Dialect } from './dialects.js';
import { dimensionType, FieldRef, fieldSql } from './fields.js';
import { and, joinSql, sql, trusted, type Sql } from './sql.js';

/** The warehouse cuts values at 1024 characters, so a longer filter value can never match. */
export const MAX_FILTER_VALUE = 1024;

export const FilterOp = z.enum([
  'eq',
  'neq',
  'in',
  'not_in',
  'contains',
  'not_contains',
  'starts_with',
  'gt',
  'gte',
  'lt',
  'lte',
  'is_set',
  'is_not_set',
]);
export type FilterOp = z.infer<typeof FilterOp>;

const VALUE_COUNT: Record<FilterOp, [number, number]> = {
  eq: [1, 1],
  neq: [1, 1],
  in: [1, 100],
  not_in: [1, 100],
  contains: [1, 1],
  not_contains: [1, 1],
  starts_with: [1, 1],
  gt: [1, 1],
  gte: [1, 1],
  lt: [1, 1],
  lte: [1, 1],
  is_set: [0, 0],
  is_not_set: [0, 0],
};
const TEXT_OPS = new Set<FilterOp>(['contains', 'not_contains', 'starts_with']);
const NUMBER_OPS = new Set<FilterOp>(['gt', 'gte', 'lt', 'lte']);

export const Filter = z
  .object({
    field: FieldRef,
    op: FilterOp,
    values: z.array(z.string().max(MAX_FILTER_VALUE, `filter values are at most ${MAX_FILTER_VALUE} characters`)).max(100).default([]),
  })
  .strict()
  .superRefine((f, ctx) => {
    const [min, max] = VALUE_COUNT[f.op];
    if (f.values.length < min || f.values.length > max) {
      ctx.addIssue({ code: 'custom', path: ['values'], message: `${f.op} takes ${min === max ? min : `${min} to ${max}`} value(s)` });
    }
    const type = 'dimension' in f.field ? dimensionType(f.field.dimension) : 'string';
    if (NUMBER_OPS.has(f.op) || type === 'number') {
      if (f.values.some((v) => v.trim() === '' || !Number.isFinite(Number(v)))) ctx.addIssue({ code: 'custom', path: ['values'], message: 'numbers expected' });
    }
    if (type === 'boolean' && f.values.some((v) => v !== 'true' && v !== 'false')) {
      ctx.addIssue({ code: 'custom', path: ['values'], message: 'true or false expected' });
    }
    if (type !== 'string' && TEXT_OPS.has(f.op)) ctx.addIssue({ code: 'custom', path: ['op'], message: `${f.op} applies to text fields` });
    if (type === 'boolean' && NUMBER_OPS.has(f.op)) ctx.addIssue({ code: 'custom', path: ['op'], message: `${f.op} applies to numbers` });
  });
export type Filter = z.infer<typeof Filter>;

export const Filters = z.array(Filter).max(20).default([]);

/** One filter as a predicate over the events row alias `e`; every value is a parameter. */
export function filterSql(filter: Filter, e: Sql, dialect: Dialect): Sql {
  const field = fieldSql(filter.field, e, dialect);
  const type = 'dimension' in filter.field ? dimensionType(filter.field.dimension) : 'string';
  const value = (v: string): Sql => {
    if (type === 'boolean') return sql`CAST(${v} AS BOOLEAN)`;
    if (type === 'number') return sql`CAST(${Number(v)} AS ${dialect.double})`;
    return sql`${v}`;
  };
  const list = () => joinSql(filter.values.map(value), ', ');
  const [first = ''] = filter.values;
  switch (filter.op) {
    case 'eq':
      return sql`${field} = ${value(first)}`;
    case 'in':
      return sql`${field} IN (${list()})`;
    case 'neq':
      return sql`(${field} IS NULL OR ${field} <> ${value(first)})`;
    case 'not_in':
      return sql`(${field} IS NULL OR ${field} NOT IN (${list()}))`;
    case 'contains':
      return sql`strpos(${field}, ${first}) > 0`;
    case 'not_contains':
      return sql`(${field} IS NULL OR strpos(${field}, ${first}) = 0)`;
    case 'starts_with':
      return sql`strpos(${field}, ${first}) = 1`;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const number = type === 'number' ? field : dialect.toDouble(field);
      const op = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[filter.op];
      return sql`${number} ${trusted(op)} CAST(${Number(first)} AS ${dialect.double})`;
    }
    case 'is_set':
      return sql`${field} IS NOT NULL`;
    case 'is_not_set':
      return sql`${field} IS NULL`;
  }
}

export function filtersSql(filters: readonly Filter[], e: Sql, dialect: Dialect): Sql {
  return and(filters.map((f) => filterSql(f, e, dialect)));
}
