import { EventLimits } from '@clickstream/contracts';
import type { StepContext, WorkingEvent } from '../pipeline/step.js';

export const name = 'truncate';

/** The wire format's value limit; user attributes and item fields get the same one. */
export const VALUE_LIMIT = EventLimits.attributeValueLength;

/**
 * Over-long values are cut rather than the event rejected: a long page URL or title is common and
 * the rest of the event is still worth having. The row says so in `truncated`. Copy on write: the
 * row's attribute objects may be the event's own (the core copies them only for apps whose custom
 * steps might change them), and the event must stay as sent.
 */
export function process(row: WorkingEvent, _ctx: StepContext): WorkingEvent {
  let cut = false;
  let attributesCopied = false;
  for (const key in row.attributes) {
    const value = row.attributes[key];
    if (typeof value === 'string' && value.length > VALUE_LIMIT) {
      if (!attributesCopied) row.attributes = { ...row.attributes };
      attributesCopied = true;
      row.attributes[key] = value.slice(0, VALUE_LIMIT);
      cut = true;
    }
  }
  let usersCopied = false;
  for (const key in row.user_attributes) {
    const attribute = row.user_attributes[key]!;
    if (typeof attribute.value === 'string' && attribute.value.length > VALUE_LIMIT) {
      if (!usersCopied) row.user_attributes = { ...row.user_attributes };
      usersCopied = true;
      row.user_attributes[key] = { ...attribute, value: attribute.value.slice(0, VALUE_LIMIT) };
      cut = true;
    }
  }
  let itemsCopied = false;
  for (let i = 0; i < row.items.length; i++) {
    const item = row.items[i]!;
    let copy: typeof item | undefined;
    for (const key in item) {
      const value = item[key];
      if (typeof value === 'string' && value.length > VALUE_LIMIT) {
        copy ??= { ...item };
        copy[key] = value.slice(0, VALUE_LIMIT);
      }
    }
    if (copy) {
      if (!itemsCopied) row.items = [...row.items];
      itemsCopied = true;
      row.items[i] = copy;
      cut = true;
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
