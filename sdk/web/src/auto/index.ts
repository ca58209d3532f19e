import type { Tracker } from '../client.js';
import { engagement } from './engagement.js';
import { outboundClick } from './outbound-click.js';
import { pageLoad } from './page-load.js';
import { scroll } from './scroll.js';
import { siteSearch } from './site-search.js';
import { trafficSource } from './traffic-source.js';

/** Every automatic event beyond the core's; each checks its own `autoTrack` switch. */
export const autoTrackers: Tracker[] = [trafficSource, engagement, scroll, outboundClick, siteSearch, pageLoad];
