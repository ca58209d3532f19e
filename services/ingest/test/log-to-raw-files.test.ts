import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { encodeRawEnvelopeV2, type RawEnvelopeV1 } from '@clickstream/contracts';
import { DurableLog, FsObjectStore } from '@clickstream/runtime';
import { LogToRawFiles } from '../src/adapters/local/log-to-raw-files.js';

const envelope = (appId: string, ingestTime: number, n: number): RawEnvelopeV1 => ({
  v: 1,
  requestId: `r-${n}`,
  ingestTime,
  appId,
  query: {},
  body: `[{"n":${n}}]`,
});

describe('the local Firehose (durable log → raw files)', () => {
  let dir: string;
  let log: DurableLog;
  let objects: FsObjectStore;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'raw-files-'));
    log = await DurableLog.open(join(dir, 'stream'));
    objects = new FsObjectStore(join(dir, 'objects'));
  });
  after(async () => {
    await log.close();
    await rm(dir, { recursive: true, force: true });
  });

  const lines = async (key: string) => gunzipSync((await objects.get(key))!).toString('utf8').trim().split('\n');

  it('writes gzip JSON lines under raw/app_id=…/year=…/month=…/day=…/hour=… (UTC, zero-padded), one file per app and hour', async () => {
    const t = Date.UTC(2026, 0, 5, 9, 30);
    await log.append([envelope('shop', t, 1), envelope('shop', t + 60_000, 2), envelope('blog', t, 3), envelope('shop', t + 3_600_000, 4)].map((e) => JSON.stringify(e)));
    const roller = new LogToRawFiles(log, objects, 3);
    assert.ok((await roller.roll()) >= 3);
    const keys = (await objects.list('raw/')).sort();
    assert.deepEqual(
      keys.map((k) => k.replace(/clickstream-.*$/, '')),
      [
        'raw/app_id=blog/year=2026/month=01/day=05/hour=09/',
        'raw/app_id=shop/year=2026/month=01/day=05/hour=09/',
        'raw/app_id=shop/year=2026/month=01/day=05/hour=10/',
      ],
    );
    const shop9 = keys.find((k) => k.includes('app_id=shop') && k.includes('hour=09'))!;
    assert.deepEqual((await lines(shop9)).map((l) => (JSON.parse(l) as RawEnvelopeV1).requestId), ['r-1', 'r-2']);
  });

  it('partitions v2 envelopes by their header without parsing the body, even with a query parameter or body key named "body"', async () => {
    const t = Date.UTC(2026, 1, 7, 23, 59);
    const v2 = encodeRawEnvelopeV2(
      { requestId: 'r-v2', ingestTime: t, appId: 'shop', query: { body: ',"body":{}', appId: 'shop' } },
      Buffer.from('[{"body":{"x":1},"y":",\\"body\\":"}]'),
    );
    await log.append([Buffer.from(v2)]);
    await new LogToRawFiles(log, objects, 100).roll();
    const [key, ...more] = await objects.list('raw/app_id=shop/year=2026/month=02/day=07/hour=23/');
    assert.equal(more.length, 0);
    assert.deepEqual(await lines(key!), [Buffer.from(v2).toString('utf8')], 'the record is copied byte for byte');
  });

  it('rolls nothing twice: a second roll with no new records writes no file', async () => {
    const before = await objects.list('raw/');
    assert.equal(await new LogToRawFiles(log, objects, 3).roll(), 0);
    assert.deepEqual(await objects.list('raw/'), before);
  });

  it('redoes an interrupted roll over exactly the same range and file names', async () => {
    await log.append([JSON.stringify(envelope('shop', Date.UTC(2026, 0, 6), 5))]);
    const from = log.nextSeq - 1;
    // A crash after the range was saved but before the files and checkpoint were written.
    await objects.put('ingest/firehose-checkpoint.json', JSON.stringify({ next: from, pending: { from, to: from + 1 } }));
    await log.append([JSON.stringify(envelope('shop', Date.UTC(2026, 0, 6), 6))]);
    await new LogToRawFiles(log, objects, 100).roll();
    const day6 = (await objects.list('raw/app_id=shop/year=2026/month=01/day=06/')).sort();
    assert.equal(day6.length, 2, 'the pending single-record range, then the rest');
    assert.match(day6[0]!, new RegExp(`clickstream-${String(from).padStart(20, '0')}-${String(from + 1).padStart(20, '0')}`));
  });

  it('reports how far the stream is safely in raw files: a pending range is not', async () => {
    const roller = new LogToRawFiles(log, objects, 100);
    await roller.roll();
    assert.equal(await roller.rolledUpTo(), log.nextSeq);
    await objects.put('ingest/firehose-checkpoint.json', JSON.stringify({ next: 2, pending: { from: 2, to: 4 } }));
    assert.equal(await roller.rolledUpTo(), 2);
    await roller.roll();
    assert.equal(await roller.rolledUpTo(), log.nextSeq);
  });

  it('sends records it cannot partition to errors/ instead of dropping them', async () => {
    await log.append(['not an envelope']);
    await new LogToRawFiles(log, objects).roll();
    const errors = await objects.list('errors/');
    assert.equal(errors.length, 1);
    assert.deepEqual(await lines(errors[0]!), ['not an envelope']);
  });
});
