import * as z from 'zod';

export const AppId = z
  .string()
  .regex(/^[A-Za-z0-9_]{1,64}$/, 'app id: 1-64 letters, digits or underscores');
export const ProjectId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'project id: lowercase letters, digits and dashes');
export const IsoTime = z.iso.datetime({ offset: true });

/** The tables the process service writes; every partition and file names one of them. */
export const TableName = z.enum(['events', 'sessions', 'users', 'items', 'bad_rows']);
export type TableName = z.infer<typeof TableName>;

/** A hive partition `app_id=…/year=…/month=…/day=…` of one table. */
export const Partition = z.object({
  table: TableName,
  appId: AppId,
  year: z.number().int().min(2000).max(2999),
  month: z.number().int().min(1).max(12),
  day: z.number().int().min(1).max(31),
  /** Location relative to the warehouse root, e.g. `events/app_id=shop/year=2026/month=11/day=29`. */
  location: z.string().min(1),
});
export type Partition = z.infer<typeof Partition>;

export function partitionLocation(p: Omit<Partition, 'location'>): string {
  return `${p.table}/app_id=${p.appId}/year=${p.year}/month=${p.month}/day=${p.day}`;
}
