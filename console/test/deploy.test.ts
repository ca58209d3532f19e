// console/deploy.mjs against a mocked S3: content types and cache policy per file, the upload
// order that never exposes an index.html ahead of its files, unchanged chunks skipped, replaced
// chunks kept for a while then deleted, and the invalidation of the reused names.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DeleteObjectsCommand, ListObjectsV2Command, PutObjectCommand, S3Client, type PutObjectCommandInput } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { deployConsole, IMMUTABLE, REVALIDATE, uploadPlan } from '../deploy.mjs';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 30);

describe('console deploy', () => {
  let dist: string;
  const s3 = mockClient(S3Client);
  const client = new S3Client({ region: 'us-east-1' });

  before(async () => {
    dist = await mkdtemp(join(tmpdir(), 'console-dist-'));
    const files: Record<string, string> = {
      'index.html': '<!doctype html><script type="module" src="/main.js"></script>',
      'main.js': 'import("./chunks/pipeline-NEW11111.js")',
      'main.js.map': '{}',
      'main.css': 'body{}',
      'chunks/pipeline-NEW11111.js': 'export{}',
      'chunks/echarts-runtime-SAME2222.js': 'export{}',
    };
    for (const [path, body] of Object.entries(files)) {
      await mkdir(dirname(join(dist, path)), { recursive: true });
      await writeFile(join(dist, path), body);
    }
  });
  after(() => rm(dist, { recursive: true, force: true }));
  beforeEach(() => {
    s3.reset();
    s3.on(PutObjectCommand).resolves({});
    s3.on(DeleteObjectsCommand).resolves({});
    s3.on(ListObjectsV2Command, { Prefix: 'chunks/' }).resolves({
      Contents: [
        { Key: 'chunks/echarts-runtime-SAME2222.js', LastModified: new Date(NOW - 30 * DAY) },
        { Key: 'chunks/pipeline-OLD00000.js', LastModified: new Date(NOW - 10 * DAY) },
        { Key: 'chunks/explore-RECENT00.js', LastModified: new Date(NOW - 1 * DAY) },
      ],
    });
    s3.on(ListObjectsV2Command, { Prefix: 'assets/' }).resolves({ Contents: [] });
  });

  it('plans content types and cache policies by file, index.html last', () => {
    const plan = uploadPlan(['index.html', 'main.js', 'chunks/a-X.js', 'main.css', 'assets/logo-Y.svg', 'chunks/a-X.js.map', 'favicon.ico']);
    assert.deepEqual(
      plan.map((p) => [p.key, p.contentType, p.cacheControl]),
      [
        ['assets/logo-Y.svg', 'image/svg+xml', IMMUTABLE],
        ['chunks/a-X.js', 'text/javascript; charset=utf-8', IMMUTABLE],
        ['chunks/a-X.js.map', 'application/json; charset=utf-8', IMMUTABLE],
        ['favicon.ico', 'image/x-icon', REVALIDATE],
        ['main.css', 'text/css; charset=utf-8', REVALIDATE],
        ['main.js', 'text/javascript; charset=utf-8', REVALIDATE],
        ['index.html', 'text/html; charset=utf-8', REVALIDATE],
      ],
    );
  });

  it('uploads new files with their headers, skips unchanged chunks, prunes old replaced ones and invalidates the reused names', async () => {
    const invalidated: string[][] = [];
    const result = await deployConsole({
      distDir: dist,
      bucket: 'console-bucket',
      s3: client,
      keepDays: 7,
      now: () => NOW,
      log: () => undefined,
      invalidate: async (paths) => {
        invalidated.push(paths);
        return 'I123';
      },
    });
    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input as PutObjectCommandInput);
    assert.deepEqual(
      puts.map((p) => p.Key),
      ['chunks/pipeline-NEW11111.js', 'main.css', 'main.js', 'main.js.map', 'index.html'],
      'the unchanged echarts chunk is not uploaded again; index.html goes last',
    );
    for (const p of puts) {
      assert.equal(p.Bucket, 'console-bucket');
      assert.equal(p.CacheControl, p.Key!.startsWith('chunks/') ? IMMUTABLE : REVALIDATE, p.Key);
    }
    assert.equal(puts.find((p) => p.Key === 'index.html')?.ContentType, 'text/html; charset=utf-8');
    assert.equal(String(puts.find((p) => p.Key === 'main.css')?.Body), 'body{}');

    const deletes = s3.commandCalls(DeleteObjectsCommand).map((c) => c.args[0].input.Delete?.Objects?.map((o) => o.Key));
    assert.deepEqual(deletes, [['chunks/pipeline-OLD00000.js']], 'a chunk replaced a day ago stays for open tabs');
    assert.deepEqual(invalidated, [['/main.css', '/main.js', '/index.html']]);
    assert.equal(result.invalidationId, 'I123');
    assert.equal(result.skipped, 1);
  });

  it('changes nothing on a dry run', async () => {
    let invalidations = 0;
    const result = await deployConsole({ distDir: dist, bucket: 'b', s3: client, dryRun: true, now: () => NOW, log: () => undefined, invalidate: async () => String(++invalidations) });
    assert.equal(s3.commandCalls(PutObjectCommand).length, 0);
    assert.equal(s3.commandCalls(DeleteObjectsCommand).length, 0);
    assert.equal(invalidations, 0);
    assert.equal(result.uploaded.length, 5);
  });

  it('refuses a folder without a build', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'console-empty-'));
    try {
      await assert.rejects(deployConsole({ distDir: empty, bucket: 'b', s3: client, log: () => undefined }), /index\.html is missing: build the console first/);
      assert.equal(s3.commandCalls(PutObjectCommand).length, 0);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
