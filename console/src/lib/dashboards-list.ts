/** The dashboards, in the navigation's order. */
export const DASHBOARDS = [
  { id: 'overview', title: 'Overview' },
  { id: 'acquisition', title: 'Acquisition' },
  { id: 'engagement', title: 'Engagement' },
  { id: 'retention', title: 'Retention' },
  { id: 'devices', title: 'Devices' },
  { id: 'geo', title: 'Geo' },
  { id: 'events', title: 'Events' },
  { id: 'pages', title: 'Pages' },
] as const;
export type DashboardId = (typeof DASHBOARDS)[number]['id'];

export const EXPLORATIONS = [
  { id: 'event', title: 'Event' },
  { id: 'funnel', title: 'Funnel' },
  { id: 'path', title: 'Path' },
  { id: 'retention', title: 'Retention' },
  { id: 'attribution', title: 'Attribution' },
] as const;
export type ExplorationKind = (typeof EXPLORATIONS)[number]['id'];
