import type { Clock, EventPublisher } from '@clickstream/lambda-kit';
import type { Catalog } from './catalog.js';

export interface ModelAthenaPorts {
  catalog: Catalog;
  publisher: EventPublisher;
  clock: Clock;
}
