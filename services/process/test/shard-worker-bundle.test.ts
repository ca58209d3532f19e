import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { shardWorkerBundle } from '../src/adapters/local/shard-worker-bundle.js';

const source = new URL('../src/adapters/local/shard-worker.ts', import.meta.url);

test('the shard worker bundle is plain JavaScript named by its content, built once and again when removed', async () => {
  const first = await shardWorkerBundle(source);
  assert.ok(first, 'esbuild is installed with the development dependencies, so a bundle is made');
  const file = fileURLToPath(first);
  assert.match(file, /shard-worker-[0-9a-f]{16}\.mjs$/);
  const code = readFileSync(file, 'utf8');
  assert.doesNotMatch(code, /__name\(/, 'no name-keeping wrappers in hot code');
  assert.match(code, /parentPort/);
  assert.equal((await shardWorkerBundle(source))?.href, first.href, 'the same source gives the same file');

  rmSync(file);
  const again = await shardWorkerBundle(source);
  assert.equal(again?.href, first.href);
  assert.ok(existsSync(file), 'a bundle removed (say, as stale by another process) is written again');
});
