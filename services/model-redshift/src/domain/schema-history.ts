import { WarehouseTables, type TableName, type TableSpec } from '@clickstream/contracts';

/**
 * The columns each migration adds to the warehouse contract's tables (in the contract, appended
 * at the end of their table). A migration renders its `{{…}}` placeholders from the contract as
 * it was when the migration was written — without the columns later migrations add — so on a
 * fresh database 001 creates exactly the tables it created on a database migrated long ago, and
 * the later `ALTER TABLE … ADD COLUMN`s never meet their columns twice. A new contract column
 * means a new migration and a line here.
 */
export const COLUMNS_ADDED_BY_MIGRATION: ReadonlyMap<number, Partial<Record<TableName, readonly string[]>>> = new Map([
  [3, { events: ['region', 'city', 'screen_width', 'screen_height'], sessions: ['region', 'city'], users: ['first_region', 'first_city'] }],
]);

export type Tables = Readonly<Record<TableName, TableSpec>>;

/** The contract's tables as migration `version` saw them. */
export function contractAsOf(version: number): Tables {
  const later = new Map<TableName, Set<string>>();
  for (const [added, tables] of COLUMNS_ADDED_BY_MIGRATION) {
    for (const [table, columns] of Object.entries(tables) as [TableName, readonly string[]][]) {
      const known = new Set(WarehouseTables[table].columns.map((c) => c.name));
      const missing = columns.filter((c) => !known.has(c));
      if (missing.length > 0) throw new Error(`migration ${added} adds ${table}.${missing.join(', ')}, which the warehouse contract does not have`);
      if (added > version) for (const c of columns) (later.get(table) ?? later.set(table, new Set()).get(table)!).add(c);
    }
  }
  const entries = (Object.entries(WarehouseTables) as [TableName, TableSpec][]).map(([name, spec]) => {
    const drop = later.get(name);
    return [name, drop ? { ...spec, columns: spec.columns.filter((c) => !drop.has(c.name)) } : spec] as const;
  });
  return Object.fromEntries(entries) as Tables;
}
