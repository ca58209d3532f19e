import type { Partition, TableName } from '@clickstream/contracts';
import type { WriteResult } from '../ports/table-writer.js';

/** The results of a job's shards as one: files by key, each partition once, rows summed. */
export function mergeWriteResults(results: readonly WriteResult[]): WriteResult {
  if (results.length === 1) return results[0]!;
  const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  const files = results.flatMap((r) => r.files).sort(byKey);
  const partitions = new Map<string, Partition>();
  const rowCounts: WriteResult['rowCounts'] = {};
  for (const r of results) {
    for (const p of r.partitions) if (!partitions.has(p.location)) partitions.set(p.location, p);
    for (const [table, n] of Object.entries(r.rowCounts) as [TableName, number][]) rowCounts[table] = (rowCounts[table] ?? 0) + n;
  }
  const locations = [...partitions.keys()].sort();
  return { files, partitions: locations.map((l) => partitions.get(l)!), rowCounts };
}
