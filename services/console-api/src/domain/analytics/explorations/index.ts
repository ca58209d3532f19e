import * as z from 'zod';
import type { Panel } from '../panel.js';
import type { QueryContext } from '../scope.js';
import { AttributionExploration, attributionExploration } from './attribution.js';
import { EventExploration, eventExploration } from './event.js';
import { FunnelExploration, funnelExploration } from './funnel.js';
import { PathExploration, pathExploration } from './path.js';
import { RetentionExploration, retentionExploration } from './retention.js';

export const Exploration = z.discriminatedUnion('type', [
  EventExploration,
  FunnelExploration,
  PathExploration,
  RetentionExploration,
  AttributionExploration,
]);
export type Exploration = z.infer<typeof Exploration>;

export function explorationPanels(ctx: QueryContext, spec: Exploration): Panel[] {
  switch (spec.type) {
    case 'event':
      return eventExploration(ctx, spec);
    case 'funnel':
      return funnelExploration(ctx, spec);
    case 'path':
      return pathExploration(ctx, spec);
    case 'retention':
      return retentionExploration(ctx, spec);
    case 'attribution':
      return attributionExploration(ctx, spec);
  }
}
