import { byteLength, type Queue } from './queue.js';
import { isRetryable, retryDelay } from './retry.js';
import type { Store } from './storage.js';
import { beacon, KEEPALIVE_MAX_BYTES, post, type Target } from './transport.js';
import type { ClickstreamEvent } from './types.js';

/**
 * Moves the queue to the server: batches while the page lives, retries with backoff, and hands
 * what is left to the browser when the page goes away.
 */
export interface Delivery {
  /** Uploads until the queue is empty or an upload fails (then a retry is scheduled). `force` ignores the backoff. */
  flush(force?: boolean): Promise<void>;
  /** Synchronous last chance as the page is hidden or unloaded. */
  flushOnExit(): void;
}

/** The ingest takes 1 MB per request; half leaves room for retries on slow links. */
export const MAX_BATCH_BYTES = 512_000;

const delivered = (status: number) => (status >= 200 && status < 300) || !isRetryable(status);

export function createDelivery(
  queue: Queue,
  target: Target,
  store: Store,
  /** False while the user has not consented or has opted out. */
  allowed: () => boolean,
  log: (message: string, detail?: unknown) => void,
): Delivery {
  let running: Promise<void> | undefined;
  let attempt = 0;
  let retryAt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const nextSequence = () => {
    const n = (store.get<number>('seq') ?? 0) + 1;
    store.set('seq', n);
    return n;
  };
  const blocked = () => !allowed() || navigator.onLine === false;

  async function drain(): Promise<void> {
    for (;;) {
      const batch = queue.take(MAX_BATCH_BYTES, Date.now());
      if (!batch[0]) return;
      const json = JSON.stringify(batch);
      const status = await post(target, nextSequence(), json, byteLength(json));
      queue.settle(batch, delivered(status));
      if (!delivered(status)) {
        const delay = retryDelay(attempt++);
        retryAt = Date.now() + delay;
        clearTimeout(retryTimer);
        // Forced: timers may fire a millisecond before Date.now() reaches retryAt.
        retryTimer = setTimeout(() => void flush(true), delay);
        log(`upload failed (${status}), retry in`, delay);
        return;
      }
      if (status >= 300) log(`upload refused (${status}), dropped`, batch);
      attempt = 0;
    }
  }

  function flush(force = false): Promise<void> {
    // One upload at a time; a flush asked for meanwhile runs after it, for what arrived since.
    if (running) return running.then(() => flush(force));
    return (running = (async () => {
      if (!blocked() && (force || Date.now() >= retryAt)) await drain();
    })()
      .catch((error: unknown) => log('upload', error))
      .finally(() => (running = undefined)));
  }

  function flushOnExit(): void {
    if (blocked()) return;
    // Browsers give keepalive requests of a page 64 KB in all; whatever does not fit stays queued for the next visit.
    let budget = KEEPALIVE_MAX_BYTES;
    for (;;) {
      const batch: ClickstreamEvent[] = queue.take(budget, Date.now());
      if (!batch[0]) return;
      const json = JSON.stringify(batch);
      if (!beacon(target, nextSequence(), json)) {
        // No beacon (or the browser refused it): a keepalive fetch. Should the page die before
        // the answer, the lease runs out and a later visit sends the batch again.
        void post(target, nextSequence(), json, 0, true).then((status) => queue.settle(batch, delivered(status)));
        return;
      }
      queue.settle(batch, true);
      budget -= byteLength(json);
    }
  }

  return { flush, flushOnExit };
}
