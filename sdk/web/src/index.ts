/** The full build: the core plus every automatic event (each can be switched off with `autoTrack`). */
import { autoTrackers } from './auto/index.js';
import { createClickstream } from './client.js';

export type * from './types.js';
export type { Clickstream, Tracker, TrackerContext } from './client.js';
export { SDK_NAME, SDK_VERSION } from './event.js';

export const { init, record, setUserId, setUserAttributes, setGlobalAttributes, flush, optOut, optIn, setConsent } =
  createClickstream(autoTrackers);
