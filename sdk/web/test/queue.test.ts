import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createQueue, LEASE_MS } from '../src/queue.js';
import type { Store } from '../src/storage.js';
import type { ClickstreamEvent } from '../src/types.js';

/** A store over a plain map, standing in for localStorage (one map shared = one origin's storage). */
function mapStore(disk = new Map<string, string>()): Store & { disk: Map<string, string> } {
  return {
    disk,
    get: <T>(key: string) => (disk.has(key) ? (JSON.parse(disk.get(key)!) as T) : undefined),
    set: (key, value) => void (value === undefined ? disk.delete(key) : disk.set(key, JSON.stringify(value))),
    persist: () => undefined,
  };
}

const event = (id: string, padding = 0) => ({ event_type: 'e', event_id: id, pad: 'x'.repeat(padding) }) as unknown as ClickstreamEvent;
const report = (dropped: number) => ({ event_type: '_clickstream_error', event_id: `report-${dropped}`, attributes: { dropped_events: dropped } }) as unknown as ClickstreamEvent;
const ids = (events: ClickstreamEvent[]) => events.map((e) => e.event_id);
const bytes = (e: ClickstreamEvent) => JSON.stringify(e).length;

describe('the persistent event queue', () => {
  it('keeps at most `count` events, dropping the oldest, and reports how many it dropped in a _clickstream_error', () => {
    const queue = createQueue(mapStore(), 'q', { count: 3, bytes: 1e9 }, report);
    for (const id of ['a', 'b', 'c', 'd', 'e']) queue.push(event(id));
    const batch = queue.take(1e6, 0);
    assert.deepEqual(ids(batch), ['report-2', 'c', 'd', 'e']);
    assert.equal(batch[0]?.event_type, '_clickstream_error');
  });

  it('keeps at most `bytes` of events, dropping the oldest', () => {
    const size = bytes(event('a', 100));
    const queue = createQueue(mapStore(), 'q', { count: 1000, bytes: size * 2 + 1 }, report);
    for (const id of ['a', 'b', 'c']) queue.push(event(id, 100));
    assert.deepEqual(ids(queue.take(1e6, 0)), ['report-1', 'b', 'c']);
  });

  it('reports drops once, and a report that failed to upload is retried like any event', () => {
    const queue = createQueue(mapStore(), 'q', { count: 1, bytes: 1e9 }, report);
    queue.push(event('a'));
    queue.push(event('b'));
    const first = queue.take(1e6, 0);
    queue.settle(first, false);
    assert.deepEqual(ids(queue.take(1e6, 0)), ['report-1', 'b'], 'the same report again, not a second one');
  });

  it('answers the bytes waiting, so the client can upload early', () => {
    const queue = createQueue(mapStore(), 'q', { count: 10, bytes: 1e9 }, report);
    assert.equal(queue.push(event('a', 10)), bytes(event('a', 10)));
    assert.equal(queue.push(event('b', 10)), 2 * bytes(event('a', 10)));
  });

  it('fills a batch up to maxBytes of JSON and leaves the rest for the next one', () => {
    const queue = createQueue(mapStore(), 'q', { count: 10, bytes: 1e9 }, report);
    for (const id of ['a', 'b', 'c']) queue.push(event(id, 50));
    const batch = queue.take(2 * bytes(event('a', 50)) + 3, 0);
    assert.deepEqual(ids(batch), ['a', 'b']);
    assert.ok(JSON.stringify(batch).length <= 2 * bytes(event('a', 50)) + 3);
    assert.deepEqual(ids(queue.take(1e6, 0)), ['c']);
  });

  it('hides leased events from other takers until settled; delivered ones are gone, failed ones come back', () => {
    const store = mapStore();
    const tabA = createQueue(store, 'q', { count: 10, bytes: 1e9 }, report);
    const tabB = createQueue(store, 'q', { count: 10, bytes: 1e9 }, report);
    tabA.push(event('a'));
    tabA.push(event('b'));
    const batch = tabA.take(1e6, 1000);
    assert.deepEqual(ids(tabB.take(1e6, 1001)), [], 'another tab does not send the leased batch again');
    tabA.settle([batch[0]!], true);
    tabA.settle([batch[1]!], false);
    assert.deepEqual(ids(tabB.take(1e6, 1002)), ['b']);
  });

  it('gives a batch back when its lease runs out (its tab died mid-upload)', () => {
    const queue = createQueue(mapStore(), 'q', { count: 10, bytes: 1e9 }, report);
    queue.push(event('a'));
    queue.take(1e6, 0);
    assert.deepEqual(ids(queue.take(1e6, LEASE_MS - 1)), []);
    assert.deepEqual(ids(queue.take(1e6, LEASE_MS)), ['a']);
  });

  it('survives a reload: a new queue over the same storage finds the events', () => {
    const disk = new Map<string, string>();
    createQueue(mapStore(disk), 'q', { count: 10, bytes: 1e9 }, report).push(event('a'));
    assert.deepEqual(ids(createQueue(mapStore(disk), 'q', { count: 10, bytes: 1e9 }, report).take(1e6, 0)), ['a']);
  });

  it('clear forgets everything', () => {
    const queue = createQueue(mapStore(), 'q', { count: 10, bytes: 1e9 }, report);
    queue.push(event('a'));
    queue.clear();
    assert.deepEqual(queue.take(1e6, 0), []);
  });
});
