import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BusEvent } from '@clickstream/contracts';
import { DurableBusJournal, LocalEventBus } from '../src/bus/index.js';
import { DurableLog } from '../src/durable-log/index.js';
import { FsObjectStore } from '../src/object-store/index.js';

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bus-journal-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A bus over the journal in `dir`, as the embedded runtime builds it at each start. */
async function openBus(dir: string, options: { segmentBytes?: number; retryDelayMs?: number } = {}) {
  const log = await DurableLog.open(join(dir, 'bus'), { segmentBytes: options.segmentBytes ?? 64 * 1024 });
  const journal = await DurableBusJournal.open(log, new FsObjectStore(join(dir, 'objects')));
  const deadLetters: string[] = [];
  const bus = new LocalEventBus({
    journal,
    maxRetries: 1,
    retryDelayMs: options.retryDelayMs ?? 1,
    onDeadLetter: (rule, event) => deadLetters.push(`${rule}:${(event.detail as { n: number }).n}`),
  });
  return { bus, log, journal, deadLetters };
}

const entry = (n: number) => ({ source: 'test.producer', detailType: 'Thing.v1', detail: { n } });
const nOf = (e: BusEvent<unknown>) => (e.detail as { n: number }).n;

describe('the bus journal', () => {
  it('delivers after a crash the events accepted before it, once the rules are subscribed again', async (t) => {
    const dir = await tempDir(t);
    const first = await openBus(dir);
    // The process dies while this consumer is still working: its deliveries never end.
    first.bus.subscribe('stuck', { source: ['test.producer'] }, () => new Promise(() => undefined));
    await first.bus.publish([entry(1), entry(2)]);
    await first.bus.publish([entry(3)]);
    await first.log.close();

    const second = await openBus(dir);
    const seen: number[] = [];
    const ids = new Set<string>();
    second.bus.subscribe('consumer', { source: ['test.producer'] }, async (e) => {
      seen.push(nOf(e));
      ids.add(e.id);
    });
    assert.equal(await second.bus.recover(), 3);
    await second.bus.drain();
    assert.deepEqual(seen.sort(), [1, 2, 3]);
    assert.equal(ids.size, 3, 'the same envelopes (ids) as first published, so consumers can recognise them');
    await second.log.close();

    const third = await openBus(dir);
    third.bus.subscribe('consumer', { source: ['test.producer'] }, async () => assert.fail('delivered twice after a clean run'));
    assert.equal(await third.bus.recover(), 0);
    await third.log.close();
  });

  it('counts a dead-lettered event as finished, as EventBridge does once it is in the DLQ', async (t) => {
    const dir = await tempDir(t);
    const first = await openBus(dir);
    first.bus.subscribe('failing', { source: ['test.producer'] }, async () => {
      throw new Error('nope');
    });
    await first.bus.publish([entry(7)]);
    await first.bus.drain();
    assert.deepEqual(first.deadLetters, ['failing:7']);
    await first.log.close();
    const second = await openBus(dir);
    assert.equal(await second.bus.recover(), 0);
    await second.log.close();
  });

  it('finishes events out of order, keeping the unfinished one (and only it) for the next start', async (t) => {
    const dir = await tempDir(t);
    const first = await openBus(dir);
    first.bus.subscribe('consumer', { source: ['test.producer'] }, (e) => (nOf(e) === 2 ? new Promise(() => undefined) : Promise.resolve()));
    await first.bus.publish([entry(1), entry(2), entry(3), entry(4)]);
    await new Promise((r) => setTimeout(r, 50));
    await first.log.close();
    const second = await openBus(dir);
    const seen: number[] = [];
    second.bus.subscribe('consumer', { source: ['test.producer'] }, async (e) => void seen.push(nOf(e)));
    // Events after the unfinished one come again too: the journal keeps a low-water mark only.
    assert.equal(await second.bus.recover(), 3);
    await second.bus.drain();
    assert.deepEqual(seen.sort(), [2, 3, 4]);
    await second.log.close();
  });

  it('finishes an event no rule matches at once, and deletes journal segments behind the mark', async (t) => {
    const dir = await tempDir(t);
    const { bus, log } = await openBus(dir, { segmentBytes: 512 });
    bus.subscribe('consumer', { source: ['test.producer'], 'detail-type': ['Other.v1'] }, async () => undefined);
    for (let n = 0; n < 40; n++) await bus.publish([entry(n)]);
    await bus.drain();
    const segments = (await readdir(join(dir, 'bus'))).filter((f) => f.endsWith('.log'));
    assert.equal(segments.length, 1, `segments left: ${segments.join(', ')}`);
    await log.close();
    const again = await openBus(dir, { segmentBytes: 512 });
    assert.equal(await again.bus.recover(), 0);
    await again.log.close();
  });

  it('refuses a corrupt checkpoint rather than redelivering or skipping at random', async (t) => {
    const dir = await tempDir(t);
    await new FsObjectStore(join(dir, 'objects')).put('bus/checkpoint.json', '{"doneBelow":-3}');
    const log = await DurableLog.open(join(dir, 'bus'));
    t.after(() => log.close());
    await assert.rejects(DurableBusJournal.open(log, new FsObjectStore(join(dir, 'objects'))), /bus checkpoint bus\/checkpoint\.json is corrupt/);
  });
});
