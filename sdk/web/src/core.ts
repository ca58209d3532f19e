/**
 * The core build: batching, the persistent queue, retries, sessions, page views, `_first_open`
 * and `_profile_set`, without the other automatic events.
 */
import { createClickstream } from './client.js';

export type * from './types.js';
export type { Clickstream, Tracker, TrackerContext } from './client.js';

export const { init, record, setUserId, setUserAttributes, setGlobalAttributes, flush, optOut, optIn, setConsent } = createClickstream([]);
