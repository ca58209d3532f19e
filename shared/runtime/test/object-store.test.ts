import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { FsObjectStore } from '../src/object-store/index.js';

async function tempStore(t: TestContext): Promise<{ store: FsObjectStore; root: string }> {
  const root = await mkdtemp(join(tmpdir(), 'object-store-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  return { store: new FsObjectStore(join(root, 'objects')), root };
}

const RAW = 'raw/app_id=x/year=2026/month=11/day=29/hour=10/part.json.gz';

describe('FsObjectStore', () => {
  it('stores, replaces and returns objects by key', async (t) => {
    const { store } = await tempStore(t);
    await store.put(RAW, Buffer.from([0x1f, 0x8b, 0, 1, 2]));
    assert.deepEqual(await store.get(RAW), Buffer.from([0x1f, 0x8b, 0, 1, 2]));
    await store.put(RAW, 'replaced');
    assert.equal((await store.get(RAW))?.toString(), 'replaced');
    await store.put('empty', '');
    assert.deepEqual(await store.get('empty'), Buffer.alloc(0));
  });

  it('answers undefined for a missing key, including one that is only a directory or runs through a file', async (t) => {
    const { store } = await tempStore(t);
    assert.equal(await store.get('nothing/here'), undefined);
    await store.put('a/b/c', 'x');
    assert.equal(await store.get('a/b'), undefined);
    assert.equal(await store.get('a/b/c/d'), undefined);
  });

  it('lists keys under a prefix, recursively and sorted, where the prefix may end mid-segment', async (t) => {
    const { store } = await tempStore(t);
    const keys = [
      'raw/app_id=b/year=2026/part-1.json.gz',
      'raw/app_id=a/year=2026/month=11/part-2.json.gz',
      'raw/app_id=a/year=2026/month=11/part-1.json.gz',
      'raw/app_id=ab/year=2026/part-1.json.gz',
      'process/checkpoint.json',
    ];
    for (const key of keys) await store.put(key, key);

    assert.deepEqual(await store.list(''), [...keys].sort());
    assert.deepEqual(await store.list('raw/app_id=a/'), [
      'raw/app_id=a/year=2026/month=11/part-1.json.gz',
      'raw/app_id=a/year=2026/month=11/part-2.json.gz',
    ]);
    assert.deepEqual(await store.list('raw/app_id=a'), [
      'raw/app_id=a/year=2026/month=11/part-1.json.gz',
      'raw/app_id=a/year=2026/month=11/part-2.json.gz',
      'raw/app_id=ab/year=2026/part-1.json.gz',
    ]);
    assert.deepEqual(await store.list('raw/app_id=a/year=2026/month=11/part-2'), [
      'raw/app_id=a/year=2026/month=11/part-2.json.gz',
    ]);
    assert.deepEqual(await store.list('process/checkpoint.json'), ['process/checkpoint.json']);
    assert.deepEqual(await store.list('missing/'), []);
  });

  it('lists nothing before the first put, when even the root does not exist yet', async (t) => {
    const { store } = await tempStore(t);
    assert.deepEqual(await store.list(''), []);
  });

  it('deletes objects, and deleting a missing one is fine', async (t) => {
    const { store } = await tempStore(t);
    await store.put('a/1', 'one');
    await store.put('a/2', 'two');
    await store.delete('a/1');
    await store.delete('a/1');
    await store.delete('never/was');
    assert.equal(await store.get('a/1'), undefined);
    assert.deepEqual(await store.list('a/'), ['a/2']);
  });

  it('rejects keys that are absolute, climb out, use backslashes, have empty segments or NUL', async (t) => {
    const { store } = await tempStore(t);
    const bad = ['', '/etc/passwd', '../escape', 'a/../../b', 'a/..', 'a\\b', 'a//b', 'a/', './a', 'a\0b', 'a/.tmp-123'];
    for (const key of bad) {
      assert.throws(() => store.pathOf(key), RangeError, JSON.stringify(key));
      await assert.rejects(store.put(key, 'x'), RangeError, JSON.stringify(key));
      await assert.rejects(store.get(key), RangeError, JSON.stringify(key));
      await assert.rejects(store.delete(key), RangeError, JSON.stringify(key));
    }
    await assert.rejects(store.list('../'), RangeError);
    await assert.rejects(store.list('/abs'), RangeError);
  });

  it('maps a key to an absolute path under the root', async (t) => {
    const { store, root } = await tempStore(t);
    await store.put(RAW, 'data');
    const path = store.pathOf(RAW);
    assert.ok(isAbsolute(path));
    assert.equal(path, join(root, 'objects', ...RAW.split('/')));
    assert.equal(await readFile(path, 'utf8'), 'data');
  });

  it('never lists temporary files, whether in flight or left behind by a crash', async (t) => {
    const { store } = await tempStore(t);
    await store.put('dir/kept', 'x');
    await writeFile(join(store.root, 'dir', '.tmp-left-by-a-crash'), 'partial');

    const body = Buffer.alloc(256 * 1024, 7);
    const writes = Promise.all(Array.from({ length: 40 }, (_, i) => store.put(`dir/obj-${i}`, body)));
    let done = false;
    void writes.finally(() => (done = true));
    while (!done) {
      for (const key of await store.list('dir/')) assert.ok(!key.includes('.tmp-'), key);
    }
    await writes;
    assert.equal((await store.list('dir/')).length, 41);
  });

  it('makes a put atomic: readers see the old or the new object, never part of one', async (t) => {
    const { store } = await tempStore(t);
    const bodies = Array.from({ length: 8 }, (_, i) => Buffer.alloc(512 * 1024, i + 1));
    await store.put('obj', bodies[0]!);
    const writes = Promise.all(bodies.map((b) => store.put('obj', b)));
    let done = false;
    void writes.finally(() => (done = true));
    while (!done) {
      const seen = await store.get('obj');
      assert.ok(seen && bodies.some((b) => b.equals(seen)), 'a get returned a torn object');
    }
    await writes;
  });

  it('leaves no temporary file behind when a put fails', async (t) => {
    const { store } = await tempStore(t);
    await store.put('a/b/c', 'x');
    await assert.rejects(store.put('a/b', 'cannot replace a directory'));
    assert.deepEqual(await readdir(join(store.root, 'a')), ['b']);
  });

  it('moves a local file in as an object', async (t) => {
    const { store, root } = await tempStore(t);
    await mkdir(join(root, 'work'));
    const source = join(root, 'work', 'part.parquet');
    await writeFile(source, 'parquet bytes');
    await store.putFile('warehouse/events/app_id=x/part.parquet', source);
    assert.equal((await store.get('warehouse/events/app_id=x/part.parquet'))?.toString(), 'parquet bytes');
    await assert.rejects(stat(source), { code: 'ENOENT' });
    await assert.rejects(store.putFile('../out', join(root, 'work', 'other')), RangeError);
  });
});
