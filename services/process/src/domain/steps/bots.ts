import { isbot } from 'isbot';
import type { StepContext, WorkingEvent } from '../pipeline/step.js';

export const name = 'bots';

/**
 * Flags bots, crawlers and headless browsers; they stay in the table so analyses can choose. Only web
 * events are judged: an app's uploads carry its HTTP client's agent (e.g. okhttp), which isbot
 * lists as a bot although a person is using the app.
 */
export function process(row: WorkingEvent, _ctx: StepContext): WorkingEvent {
  const web = row.platform === null || row.platform.toLowerCase() === 'web';
  row.is_bot = web && row.user_agent !== null && isbot(row.user_agent);
  return row;
}
