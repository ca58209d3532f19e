import { WarehouseTables } from '@clickstream/contracts';

export interface ViewSql {
  name: string;
  sql: string;
}

/**
 * Fills the placeholders of the versioned view files (`{{events.columns}}` …) from the warehouse
 * contract, so a view lists exactly the table's columns in Athena (no `SELECT * EXCEPT` there)
 * and in DuckDB alike. Files apply in name order.
 */
export function renderViews(files: readonly { name: string; text: string }[]): ViewSql[] {
  return [...files]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((f) => ({
      name: f.name,
      sql: f.text.replace(/\{\{(\w+)\.columns\}\}/g, (_, table: string) => {
        // Own keys only: `constructor` or `__proto__` must be unknown tables, not Object's members.
        const spec = Object.hasOwn(WarehouseTables, table) ? WarehouseTables[table as keyof typeof WarehouseTables] : undefined;
        if (!spec) throw new Error(`${f.name}: unknown table ${table}`);
        return [...spec.columns, ...spec.partitionKeys].map((c) => c.name).join(', ');
      }),
    }));
}
