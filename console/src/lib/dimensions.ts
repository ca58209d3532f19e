// The dimensions a filter or a breakdown can use (the warehouse's event columns), with labels.
export const DIMENSIONS = [
  { id: 'event_type', label: 'Event name' },
  { id: 'page', label: 'Page' },
  { id: 'page_url', label: 'Page URL' },
  { id: 'page_title', label: 'Page title' },
  { id: 'screen_name', label: 'Screen name' },
  { id: 'channel_group', label: 'Channel' },
  { id: 'traffic_source_source', label: 'Source' },
  { id: 'traffic_source_medium', label: 'Medium' },
  { id: 'traffic_source_campaign', label: 'Campaign' },
  { id: 'source_medium', label: 'Source / medium' },
  { id: 'country', label: 'Country' },
  { id: 'continent', label: 'Continent' },
  { id: 'region', label: 'Region' },
  { id: 'city', label: 'City' },
  { id: 'locale', label: 'Locale' },
  { id: 'browser', label: 'Browser' },
  { id: 'os', label: 'OS' },
  { id: 'device_category', label: 'Device category' },
  { id: 'screen_size', label: 'Screen size' },
  { id: 'platform', label: 'Platform' },
  { id: 'app_version', label: 'App version' },
] as const;

export function dimensionLabel(id: string): string {
  if (id.startsWith('attr.')) return `Attribute ${id.slice(5)}`;
  if (id.startsWith('user.')) return `User attribute ${id.slice(5)}`;
  return DIMENSIONS.find((d) => d.id === id)?.label ?? id;
}

export const OP_LABELS = {
  eq: 'is',
  neq: 'is not',
  in: 'is one of',
  not_in: 'is none of',
  contains: 'contains',
  not_contains: 'does not contain',
  starts_with: 'starts with',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
  is_set: 'is set',
  is_not_set: 'is not set',
} as const;
