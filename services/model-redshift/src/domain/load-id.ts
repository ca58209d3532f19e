import { randomBytes } from 'node:crypto';
import type { TableName } from '@clickstream/contracts';

/** `events-2026-11-29T10-20-00Z-3f9a1c`: sortable, readable in logs, unique per load. */
export function newLoadId(table: TableName, now: number, random = () => randomBytes(3).toString('hex')): string {
  const at = new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z').replaceAll(':', '-');
  return `${table}-${at}-${random()}`;
}
