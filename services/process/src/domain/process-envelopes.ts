import type { TableRows } from './rows.js';
import { ProcessingCore, type ProcessingSettings } from './core/processing-core.js';
import type { OpenSession } from './core/session-state.js';

export { defaultSettings, type ProcessingSettings } from './core/processing-core.js';

/**
 * The processing core over a finite input, collected in memory: for tests and small inputs. Jobs
 * stream through `ProcessingCore` instead. `openSessions` receives the sessions handed to the next run.
 */
export function processEnvelopes(
  records: Iterable<string>,
  settings: ProcessingSettings,
  openSessions: OpenSession[] = [],
): TableRows {
  const out: TableRows = { events: [], sessions: [], users: [], items: [], bad_rows: [] };
  const core = new ProcessingCore(settings, {
    row: (table, row) => {
      (out[table] as unknown[]).push(row);
    },
    openSession: (s) => openSessions.push(s),
  });
  for (const record of records) core.push(record);
  core.end();
  return out;
}
