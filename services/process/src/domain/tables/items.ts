import type { WorkingEvent } from '../pipeline/step.js';
import type { ItemRow } from '../rows.js';

const KNOWN = new Set([
  'id', 'name', 'brand', 'category', 'category2', 'category3', 'category4', 'category5',
  'price', 'quantity', 'currency', 'location_id', 'creative_name', 'creative_slot',
]);

const text = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** One row per item of an accepted event, partitioned like the event. */
export function itemRowsOf(e: WorkingEvent): ItemRow[] {
  const rows: ItemRow[] = [];
  e.items.forEach((item, index) => {
    const extra: Record<string, unknown> = {};
    for (const k in item) if (!KNOWN.has(k)) extra[k] = item[k];
    rows.push({
      event_id: e.event_id,
      event_type: e.event_type,
      event_timestamp: e.event_timestamp,
      user_pseudo_id: e.user_pseudo_id,
      session_id: e.session_id,
      item_index: index,
      item_id: text(item.id),
      item_name: text(item.name),
      item_brand: text(item.brand),
      item_category: text(item.category),
      item_category2: text(item.category2),
      item_category3: text(item.category3),
      item_category4: text(item.category4),
      item_category5: text(item.category5),
      price: num(item.price),
      quantity: num(item.quantity),
      currency: text(item.currency) ?? text(e.attributes._currency),
      location_id: text(item.location_id),
      creative_name: text(item.creative_name),
      creative_slot: text(item.creative_slot),
      item_attributes: JSON.stringify(extra),
      app_id: e.app_id,
      year: e.year,
      month: e.month,
      day: e.day,
    });
  });
  return rows;
}
