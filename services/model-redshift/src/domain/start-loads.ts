import { TableName } from '@clickstream/contracts';
import type { ModelRedshiftPorts } from '../ports/index.js';
import { newLoadId } from './load-id.js';

type Ports = Pick<ModelRedshiftPorts, 'files' | 'leases' | 'launcher' | 'clock'>;

export interface StartOutcome {
  started: TableName[];
  running: TableName[];
  idle: TableName[];
}

/**
 * Starts one load chain per table that has something to load and no running load. The check is an
 * optimisation (no execution for nothing); the state machine's own lease is what guarantees one
 * load per table when two triggers race.
 */
export async function startLoads(p: Ports, tables: readonly TableName[], reason: string): Promise<StartOutcome> {
  const outcome: StartOutcome = { started: [], running: [], idle: [] };
  for (const table of new Set(tables)) {
    const now = p.clock.now();
    if (await p.leases.holder(table, now)) {
      outcome.running.push(table);
      continue;
    }
    if ((await p.files.candidates(table, now, 1)).length === 0) {
      outcome.idle.push(table);
      continue;
    }
    await p.launcher.start({ table, chainId: newLoadId(table, now), generation: 0 }, reason);
    outcome.started.push(table);
  }
  return outcome;
}

export const allTables: readonly TableName[] = TableName.options;
