import { isbot } from 'isbot';
import { LruCache } from '../pipeline/lru-cache.js';
import type { StepContext, WorkingEvent } from '../pipeline/step.js';

export const name = 'bots';

/**
 * Flags bots, crawlers and headless browsers; they stay in the table so analyses can choose. Only web
 * events are judged: an app's uploads carry its HTTP client's agent (e.g. okhttp), which isbot
 * lists as a bot although a person is using the app.
 */
export function process(row: WorkingEvent, _ctx: StepContext): WorkingEvent {
  const web = row.platform === null || row.platform.toLowerCase() === 'web';
  row.is_bot = web && row.user_agent !== null && isBotAgent(row.user_agent);
  return row;
}

/** isbot runs one large regular expression; a run sees few distinct agents, so answers are remembered. */
const verdicts = new LruCache<string, boolean>(10_000);

function isBotAgent(ua: string): boolean {
  let verdict = verdicts.get(ua);
  if (verdict === undefined) verdicts.set(ua, (verdict = isbot(ua)));
  return verdict;
}
