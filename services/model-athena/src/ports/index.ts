import type { Clock, EventPublisher } from '@clickstream/lambda-kit';
import type { Catalog } from './catalog.js';
import type { ViewDeployer } from './view-deployer.js';

export interface ModelAthenaPorts {
  catalog: Catalog;
  views: ViewDeployer;
  publisher: EventPublisher;
  clock: Clock;
}
