import { EventLimits } from '@clickstream/contracts';
import type { StepContext, WorkingEvent } from '../pipeline/step.js';

export const name = 'truncate';

/** The wire format's value limit; user attributes and item fields get the same one. */
export const VALUE_LIMIT = EventLimits.attributeValueLength;

/**
 * Over-long values are cut rather than the event rejected: a long page URL or title is common and
 * the rest of the event is still worth having. The row says so in `truncated`.
 */
export function process(row: WorkingEvent, _ctx: StepContext): WorkingEvent {
  let cut = false;
  for (const [key, value] of Object.entries(row.attributes)) {
    if (typeof value === 'string' && value.length > VALUE_LIMIT) {
      row.attributes[key] = value.slice(0, VALUE_LIMIT);
      cut = true;
    }
  }
  for (const attribute of Object.values(row.user_attributes)) {
    if (typeof attribute.value === 'string' && attribute.value.length > VALUE_LIMIT) {
      attribute.value = attribute.value.slice(0, VALUE_LIMIT);
      cut = true;
    }
  }
  for (const item of row.items) {
    for (const [key, value] of Object.entries(item)) {
      if (typeof value === 'string' && value.length > VALUE_LIMIT) {
        item[key] = value.slice(0, VALUE_LIMIT);
        cut = true;
      }
    }
  }
  if (cut) {
    // The page columns are copies of attributes: keep them equal to what is stored.
    row.page_url = cutText(row.page_url);
    row.page_title = cutText(row.page_title);
    row.page_referrer = cutText(row.page_referrer);
    row.screen_name = cutText(row.screen_name);
    row.truncated = true;
  }
  return row;
}

const cutText = (s: string | null) => (s !== null && s.length > VALUE_LIMIT ? s.slice(0, VALUE_LIMIT) : s);
