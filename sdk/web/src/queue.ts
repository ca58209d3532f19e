import type { Store } from './storage.js';
import type { ClickstreamEvent } from './types.js';

/**
 * The outbox: events waiting for upload, kept in the store so they survive reloads, crashes and
 * offline spells. Tabs of a site share it; a batch being uploaded is leased (hidden from other
 * tabs and from the unload path) until it is settled or the lease runs out because its tab died.
 */
export interface Queue {
  /** Answers the bytes now waiting. */
  push(event: ClickstreamEvent): number;
  /** The oldest unleased events that fit in `maxBytes` of JSON, leased until settled. */
  take(maxBytes: number, now: number): ClickstreamEvent[];
  /** Delivered (or refused for good): forget them; otherwise: unlease them for a retry. */
  settle(events: ClickstreamEvent[], delivered: boolean): void;
  clear(): void;
}

interface Entry {
  e: ClickstreamEvent;
  /** UTF-8 bytes of the event's JSON. */
  n: number;
  /** Leased until (ms); 0 when free. */
  l: number;
}

interface State {
  q: Entry[];
  /** Events dropped for space since the last report. */
  d: number;
}

export interface QueueLimits {
  count: number;
  bytes: number;
}

/** Longer than an upload may take (its timeout), short enough that a dead tab's batch comes back soon. */
export const LEASE_MS = 45_000;

export const byteLength = (text: string) => new Blob([text]).size;

export function createQueue(store: Store, key: string, limits: QueueLimits, reportDropped: (count: number) => ClickstreamEvent): Queue {
  const load = (): State => store.get<State>(key) ?? { q: [], d: 0 };
  const entry = (e: ClickstreamEvent): Entry => ({ e, n: byteLength(JSON.stringify(e)), l: 0 });
  const total = (s: State) => s.q.reduce((sum, x) => sum + x.n, 0);

  return {
    push(event) {
      const s = load();
      s.q.push(entry(event));
      let bytes = total(s);
      while (s.q.length > limits.count || bytes > limits.bytes) {
        bytes -= s.q.shift()!.n;
        s.d++;
      }
      store.set(key, s);
      return bytes;
    },
    take(maxBytes, now) {
      const s = load();
      const reported = s.d;
      // The report is queued like any event so a failed upload cannot lose it.
      if (reported) {
        s.q.unshift(entry(reportDropped(reported)));
        s.d = 0;
      }
      const out: ClickstreamEvent[] = [];
      // The brackets, and one comma less than events: exactly the JSON of the batch.
      let bytes = 1;
      for (const x of s.q) {
        if (x.l > now || bytes + x.n + 1 > maxBytes) continue;
        bytes += x.n + 1;
        x.l = now + LEASE_MS;
        out.push(x.e);
      }
      if (out[0] || reported) store.set(key, s);
      return out;
    },
    settle(events, delivered) {
      const ids = new Set(events.map((e) => e.event_id));
      const s = load();
      s.q = s.q.filter((x) => !ids.has(x.e.event_id) || ((x.l = 0), !delivered));
      store.set(key, s);
    },
    clear() {
      store.set(key, undefined, true);
    },
  };
}
