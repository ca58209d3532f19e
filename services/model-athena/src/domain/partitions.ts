import { Partition, TableName } from '@clickstream/contracts';
import { partitionLocation } from '@clickstream/contracts';

/**
 * The partitions to register for a run: each validated against the known tables and its own
 * location (a mismatched location would make Athena read the wrong folder), duplicates removed.
 */
export function partitionsToRegister(partitions: readonly Partition[]): Partition[] {
  const unique = new Map<string, Partition>();
  for (const p of partitions) {
    TableName.parse(p.table);
    const expected = partitionLocation(p);
    if (p.location !== expected) throw new Error(`partition location ${p.location} should be ${expected}`);
    unique.set(expected, p);
  }
  return [...unique.values()];
}

/** The partitions for a given day of every active app and table (pre-created so fresh data is visible at once). */
export function partitionsForDay(appIds: readonly string[], day: Date): Partition[] {
  const parts = { year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate() };
  return appIds.flatMap((appId) =>
    TableName.options.map((table) => {
      const p = { table, appId, ...parts };
      return Partition.parse({ ...p, location: partitionLocation(p) });
    }),
  );
}
