/**
 * The `<script>` build: publishes the SDK as `window.clickstream` and replays the calls the
 * copy-paste snippet queued (in `clickstream.q`) while this file was loading.
 */
import * as clickstream from './index.js';
import type { Clickstream } from './index.js';

type Call = [method: keyof Clickstream, args: unknown[]];
const global = window as unknown as { clickstream?: { q?: Call[] } & Partial<Clickstream> };
const queued = global.clickstream?.q ?? [];
global.clickstream = clickstream;
for (const [method, args] of queued) (clickstream[method] as (...a: unknown[]) => unknown)?.(...args);
