import * as z from 'zod';
import type { Panel } from '../panel.js';
import type { QueryContext } from '../scope.js';
import { acquisition } from './acquisition.js';
import { devices } from './devices.js';
import { engagement } from './engagement.js';
import { geo } from './geo.js';
import { overview } from './overview.js';
import { retention } from './retention.js';

export const DashboardName = z.enum(['overview', 'acquisition', 'engagement', 'retention', 'devices', 'geo']);
export type DashboardName = z.infer<typeof DashboardName>;

export const dashboards: Record<DashboardName, (ctx: QueryContext, limit: number) => Panel[]> = {
  overview,
  acquisition,
  engagement,
  retention: (ctx) => retention(ctx),
  devices,
  geo,
};
