import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFile, mkdtemp, open, readdir, readFile, rm, stat, truncate, utimes, writeFile, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as zlib from 'node:zlib';
import { crc32 } from '../src/durable-log/crc32.js';
import { DurableLog } from '../src/durable-log/index.js';

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'durable-log-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function readAll(log: DurableLog, from = 0) {
  const { records } = await log.read(from, Number.MAX_SAFE_INTEGER);
  return records;
}

async function segmentFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n.endsWith('.log')).sort();
}

/** The FileHandle class is not exported; its prototype is how a test makes the disk fail. */
async function fileHandlePrototype(dir: string): Promise<FileHandle> {
  const handle = await open(join(dir, 'probe'), 'w');
  await handle.close();
  return Object.getPrototypeOf(handle) as FileHandle;
}

const text = (records: { data: Buffer }[]) => records.map((r) => r.data.toString());

describe('crc32', () => {
  it('matches the standard check value and zlib', () => {
    assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
    assert.equal(crc32(Buffer.alloc(0)), 0);
    const sample = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) & 0xff));
    if ('crc32' in zlib) assert.equal(crc32(sample), (zlib as unknown as { crc32(b: Buffer): number }).crc32(sample));
  });
});

describe('DurableLog', () => {
  it('numbers records densely from 0 and reads them back in order', async (t) => {
    const log = await DurableLog.open(await tempDir(t));
    assert.equal(log.nextSeq, 0);
    assert.deepEqual(await log.append(['a', Buffer.from('b')]), { firstSeq: 0, lastSeq: 1 });
    assert.deepEqual(await log.append(['c']), { firstSeq: 2, lastSeq: 2 });
    assert.equal(log.nextSeq, 3);
    const records = await readAll(log);
    assert.deepEqual(records.map((r) => r.seq), [0, 1, 2]);
    assert.deepEqual(text(records), ['a', 'b', 'c']);
    await log.close();
  });

  it('keeps order and seq density across segment rolls and reopens', async (t) => {
    const dir = await tempDir(t);
    const expected: string[] = [];
    let log = await DurableLog.open(dir, { segmentBytes: 300 });
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 60; i++) {
        const batch = Array.from({ length: (i % 3) + 1 }, (_, k) => `r${round}-${i}-${k}-${'x'.repeat(i)}`);
        const { firstSeq, lastSeq } = await log.append(batch);
        assert.equal(firstSeq, expected.length);
        assert.equal(lastSeq, expected.length + batch.length - 1);
        expected.push(...batch);
      }
      await log.close();
      log = await DurableLog.open(dir, { segmentBytes: 300 });
      assert.equal(log.nextSeq, expected.length);
    }
    const records = await readAll(log);
    assert.deepEqual(records.map((r) => r.seq), expected.map((_, i) => i));
    assert.deepEqual(text(records), expected);

    const files = await segmentFiles(dir);
    assert.ok(files.length > 10, `expected many segments, got ${files.length}`);
    assert.equal(files[0], '00000000000000000000.log');
    // Each file is named by its first seq, which is where the previous one left off.
    for (const name of files.slice(1)) {
      const first = Number(name.slice(0, 20));
      const page = await log.read(first, 1);
      assert.equal(page.records[0]?.seq, first);
    }
    await log.close();
  });

  it('coalesces 200 concurrent appends into a handful of fsyncs', async (t) => {
    const log = await DurableLog.open(await tempDir(t));
    const acks = await Promise.all(Array.from({ length: 200 }, (_, i) => log.append([`client-${i}`])));
    t.diagnostic(`200 concurrent appends took ${log.stats.fsyncs} fsync(s)`);
    assert.ok(log.stats.fsyncs <= 5, `fsyncs: ${log.stats.fsyncs}`);
    assert.deepEqual(acks.map((a) => a.firstSeq).sort((a, b) => a - b), Array.from({ length: 200 }, (_, i) => i));
    const records = await readAll(log);
    for (const [i, ack] of acks.entries()) assert.equal(records[ack.firstSeq]?.data.toString(), `client-${i}`);
    await log.close();
  });

  it('serves 64 clients appending in a loop with far fewer fsyncs than appends', async (t) => {
    const log = await DurableLog.open(await tempDir(t));
    const client = async (id: number) => {
      for (let i = 0; i < 25; i++) await log.append([`${id}:${i}`]);
    };
    await Promise.all(Array.from({ length: 64 }, (_, id) => client(id)));
    const { fsyncs, appendCalls } = log.stats;
    t.diagnostic(`64 clients x 25 appends: ${appendCalls} appends, ${fsyncs} fsyncs`);
    assert.equal(appendCalls, 1600);
    assert.ok(fsyncs * 10 < appendCalls, `fsyncs: ${fsyncs}`);
    // Each client's own records stay in the order it appended them.
    const seen = new Map<string, number>();
    for (const r of await readAll(log)) {
      const [id, i] = r.data.toString().split(':');
      assert.equal(Number(i), (seen.get(id!) ?? -1) + 1);
      seen.set(id!, Number(i));
    }
    assert.equal(seen.size, 64);
    await log.close();
  });

  it('drops a torn tail left by a crash and keeps every acknowledged record', async (t) => {
    const dir = await tempDir(t);
    let log = await DurableLog.open(dir);
    for (let i = 0; i < 10; i++) await log.append([`record-${i}`]);
    await log.close();
    const file = join(dir, '00000000000000000000.log');
    const goodSize = (await stat(file)).size;
    // A frame header announcing 100 bytes, followed by only 5 of them.
    const torn = Buffer.alloc(13);
    torn.writeUInt32LE(100, 0);
    await appendFile(file, torn);

    log = await DurableLog.open(dir);
    assert.equal(log.stats.tornBytesDropped, 13);
    assert.equal((await stat(file)).size, goodSize);
    assert.equal(log.nextSeq, 10);
    assert.deepEqual(text(await readAll(log)), Array.from({ length: 10 }, (_, i) => `record-${i}`));
    assert.deepEqual(await log.append(['after']), { firstSeq: 10, lastSeq: 10 });
    await log.close();

    log = await DurableLog.open(dir);
    assert.deepEqual(text(await log.read(9, 10).then((p) => p.records)), ['record-9', 'after']);
    await log.close();
  });

  it('drops a last record whose checksum does not match', async (t) => {
    const dir = await tempDir(t);
    let log = await DurableLog.open(dir);
    for (let i = 0; i < 5; i++) await log.append([`record-${i}`]);
    await log.close();
    const file = join(dir, '00000000000000000000.log');
    const bytes = await readFile(file);
    const lastFrame = bytes.length - (8 + 'record-4'.length);
    bytes[lastFrame + 4]! ^= 0xff; // first byte of its crc
    await writeFile(file, bytes);

    log = await DurableLog.open(dir);
    assert.equal(log.nextSeq, 4);
    assert.deepEqual(text(await readAll(log)), ['record-0', 'record-1', 'record-2', 'record-3']);
    assert.deepEqual(await log.append(['again']), { firstSeq: 4, lastSeq: 4 });
    await log.close();
  });

  it('treats a zero-filled tail as torn, not as empty records', async (t) => {
    const dir = await tempDir(t);
    let log = await DurableLog.open(dir);
    await log.append(['only']);
    await log.close();
    await appendFile(join(dir, '00000000000000000000.log'), Buffer.alloc(4096));
    log = await DurableLog.open(dir);
    assert.equal(log.nextSeq, 1);
    assert.equal(log.stats.tornBytesDropped, 4096);
    await log.close();
  });

  it('reports damage to an older segment as corruption instead of dropping records', async (t) => {
    const dir = await tempDir(t);
    let log = await DurableLog.open(dir, { segmentBytes: 64 });
    for (let i = 0; i < 20; i++) await log.append([`record-${i}`]);
    await log.close();
    const [first] = await segmentFiles(dir);
    const file = join(dir, first!);

    const bytes = await readFile(file);
    bytes[bytes.length - 1]! ^= 0xff; // payload byte: found when the record is read
    await writeFile(file, bytes);
    log = await DurableLog.open(dir, { segmentBytes: 64 });
    await assert.rejects(log.read(0, 100), /checksum/);
    await log.close();

    await truncate(file, bytes.length - 3); // a torn frame where none can be
    await assert.rejects(DurableLog.open(dir, { segmentBytes: 64 }), /corrupt/);
  });

  it('honours maxRecords and maxBytes, and never returns nothing when a record exceeds maxBytes', async (t) => {
    const log = await DurableLog.open(await tempDir(t), { segmentBytes: 4096 });
    const records = Array.from({ length: 300 }, (_, i) => `${i}`.padStart(10, '-'));
    for (let i = 0; i < records.length; i += 7) await log.append(records.slice(i, i + 7));

    const page = await log.read(137, 20);
    assert.deepEqual(page.records.map((r) => r.seq), Array.from({ length: 20 }, (_, i) => 137 + i));
    assert.deepEqual(text(page.records), records.slice(137, 157));
    assert.equal(page.nextSeq, 157);

    const bounded = await log.read(5, 100, 35);
    assert.equal(bounded.records.length, 3);
    assert.equal(bounded.nextSeq, 8);
    const tiny = await log.read(5, 100, 1);
    assert.deepEqual(tiny.records.map((r) => r.seq), [5]);

    assert.deepEqual(await log.read(300, 10), { records: [], nextSeq: 300 });
    assert.deepEqual(await log.read(1000, 10), { records: [], nextSeq: 1000 });
    const tail = await log.read(295, 100);
    assert.deepEqual(tail.records.map((r) => r.seq), [295, 296, 297, 298, 299]);
    await log.close();
  });

  it('deletes only whole segments older than the given seq, and keeps nextSeq across reopen', async (t) => {
    const dir = await tempDir(t);
    let log = await DurableLog.open(dir, { segmentBytes: 100 });
    for (let i = 0; i < 50; i++) await log.append([`record-${String(i).padStart(3, '0')}`]);
    const before = await segmentFiles(dir);
    const starts = before.map((n) => Number(n.slice(0, 20)));
    const cut = starts[3]! + 1; // inside the fourth segment: it must stay

    assert.equal(await log.deleteSegmentsBefore(cut), 3);
    assert.deepEqual(await segmentFiles(dir), before.slice(3));
    const fromStart = await log.read(0, 5);
    assert.equal(fromStart.records[0]?.seq, starts[3]);
    assert.equal(fromStart.records[0]?.data.toString(), `record-${String(starts[3]).padStart(3, '0')}`);

    // Everything acknowledged is older than nextSeq, yet the active segment stays: its name carries nextSeq.
    assert.equal(await log.deleteSegmentsBefore(log.nextSeq), before.length - 4);
    assert.equal((await segmentFiles(dir)).length, 1);
    await log.close();

    log = await DurableLog.open(dir, { segmentBytes: 100 });
    assert.equal(log.nextSeq, 50);
    assert.deepEqual(await log.append(['next']), { firstSeq: 50, lastSeq: 50 });
    assert.equal(await log.deleteSegmentsBefore(0), 0);
    await log.close();
  });

  it('deletes by age only closed segments last written before the cutoff, never past keepFrom', async (t) => {
    const dir = await tempDir(t);
    const log = await DurableLog.open(dir, { segmentBytes: 100 });
    for (let i = 0; i < 40; i++) await log.append([`record-${String(i).padStart(3, '0')}`]);
    const files = await segmentFiles(dir);
    assert.ok(files.length >= 5, `${files.length} segments`);
    // Age the first three segments by a day; the rest were written just now.
    const dayAgo = new Date(Date.now() - 86_400_000);
    for (const name of files.slice(0, 3)) await utimes(join(dir, name), dayAgo, dayAgo);
    const hourAgo = new Date(Date.now() - 3_600_000);
    const starts = files.map((n) => Number(n.slice(0, 20)));

    // A consumer still needing a record of the second segment keeps it and everything after.
    assert.equal(await log.deleteSegmentsOlderThan(hourAgo, starts[1]! + 1), 1);
    assert.deepEqual(await segmentFiles(dir), files.slice(1));
    assert.equal(await log.deleteSegmentsOlderThan(hourAgo), 2);
    assert.deepEqual(await segmentFiles(dir), files.slice(3));
    assert.equal((await log.read(0, 1)).records[0]?.seq, starts[3]);
    // Young segments stay, and so does the active one even when old.
    assert.equal(await log.deleteSegmentsOlderThan(hourAgo), 0);
    await utimes(join(dir, files.at(-1)!), dayAgo, dayAgo);
    assert.equal(await log.deleteSegmentsOlderThan(new Date(Date.now() + 60_000)), files.length - 4);
    assert.deepEqual(await segmentFiles(dir), files.slice(-1));
    await log.close();
  });

  it('lets readers tail the log while appends are in flight', async (t) => {
    const log = await DurableLog.open(await tempDir(t), { segmentBytes: 2048 });
    const total = 2000;
    const writer = (async () => {
      for (let i = 0; i < total; i += 4) await log.append([0, 1, 2, 3].map((k) => `rec-${i + k}`));
    })();
    const seen: string[] = [];
    let next = 0;
    while (seen.length < total) {
      const page = await log.read(next, 50);
      for (const r of page.records) {
        assert.equal(r.seq, seen.length);
        seen.push(r.data.toString());
      }
      next = page.nextSeq;
      if (page.records.length === 0) await new Promise((r) => setImmediate(r));
    }
    await writer;
    assert.deepEqual(seen, Array.from({ length: total }, (_, i) => `rec-${i}`));
    await log.close();
  });

  it('waits for pending appends on close and rejects appends and reads after it', async (t) => {
    const dir = await tempDir(t);
    const log = await DurableLog.open(dir);
    const pending = log.append(['last words']);
    await log.close();
    assert.deepEqual(await pending, { firstSeq: 0, lastSeq: 0 });
    await assert.rejects(log.append(['too late']), /closed/);
    await assert.rejects(log.read(0, 1), /closed/);
    await log.close(); // idempotent

    const reopened = await DurableLog.open(dir);
    assert.deepEqual(text(await readAll(reopened)), ['last words']);
    await reopened.close();
  });

  it('refuses empty appends and empty records', async (t) => {
    const log = await DurableLog.open(await tempDir(t));
    await assert.rejects(log.append([]), RangeError);
    await assert.rejects(log.append(['ok', '']), RangeError);
    assert.equal(log.nextSeq, 0);
    await log.close();
  });

  it('rejects every append of a group whose fsync fails, and leaves no trace of them', async (t) => {
    const dir = await tempDir(t);
    const proto = await fileHandlePrototype(dir);
    const log = await DurableLog.open(dir);
    await log.append(['kept']);

    const datasync = proto.datasync;
    t.after(() => void (proto.datasync = datasync));
    proto.datasync = async function () {
      proto.datasync = datasync;
      throw Object.assign(new Error('EIO: injected'), { code: 'EIO' });
    };
    const group = await Promise.allSettled([log.append(['lost-1']), log.append(['lost-2', 'lost-3'])]);
    assert.deepEqual(group.map((r) => r.status), ['rejected', 'rejected']);

    assert.equal(log.nextSeq, 1);
    assert.equal((await stat(join(dir, '00000000000000000000.log'))).size, 8 + 'kept'.length);
    // Same size as lost-1, so leftover lost-2 and lost-3 frames would still parse if they were there.
    assert.deepEqual(await log.append(['after1']), { firstSeq: 1, lastSeq: 1 });
    await log.close();
    const reopened = await DurableLog.open(dir);
    assert.deepEqual(text(await readAll(reopened)), ['kept', 'after1']);
    await reopened.close();
  });

  it('refuses further appends when a failed write cannot be undone', async (t) => {
    const dir = await tempDir(t);
    const proto = await fileHandlePrototype(dir);
    const log = await DurableLog.open(dir);
    await log.append(['kept']);

    const { datasync, truncate: truncateHandle } = proto;
    t.after(() => {
      proto.datasync = datasync;
      proto.truncate = truncateHandle;
    });
    proto.datasync = async () => {
      throw new Error('EIO: injected');
    };
    proto.truncate = async () => {
      throw new Error('EIO: injected');
    };
    await assert.rejects(log.append(['lost']), /injected/);
    proto.datasync = datasync;
    proto.truncate = truncateHandle;
    await assert.rejects(log.append(['refused']), /broken/);
    await log.close();

    // Reopening is the way back; the record written but never acknowledged may survive (at least once).
    const reopened = await DurableLog.open(dir);
    assert.deepEqual(text(await readAll(reopened)).slice(0, 1), ['kept']);
    await reopened.close();
  });

  it('keeps every acknowledged record intact when the writer process is SIGKILLed mid-stream', async (t) => {
    const dir = await tempDir(t);
    const writer = fileURLToPath(new URL('./fixtures/durable-log-crash-writer.ts', import.meta.url));
    const acks: { firstSeq: number; lastSeq: number; hash: string }[] = [];

    for (let round = 0; round < 3; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', writer, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      // 'close' comes after the pipes are drained, so every line the writer got out is in stdout.
      const closed = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk;
          if (stdout.split('\n').length > 400) resolve();
        });
        child.on('exit', (code) => reject(new Error(`writer exited early (${code}): ${stderr}`)));
      });
      child.kill('SIGKILL');
      assert.equal(await closed, 'SIGKILL');
      // Only complete lines: a line cut by the kill was never fully reported.
      for (const line of stdout.split('\n').slice(0, -1)) {
        const [firstSeq, lastSeq, hash] = line.split(' ');
        acks.push({ firstSeq: Number(firstSeq), lastSeq: Number(lastSeq), hash: hash! });
      }
    }

    const log = await DurableLog.open(dir);
    t.diagnostic(`${acks.length} acknowledged appends over 3 crashes; ${log.nextSeq} records recovered`);
    const records = await readAll(log);
    assert.deepEqual(records.map((r) => r.seq), records.map((_, i) => i));
    assert.ok(log.nextSeq > Math.max(...acks.map((a) => a.lastSeq)));
    for (const ack of acks) {
      const hash = createHash('sha256');
      for (let seq = ack.firstSeq; seq <= ack.lastSeq; seq++) hash.update(records[seq]!.data);
      assert.equal(hash.digest('hex'), ack.hash, `append ${ack.firstSeq}..${ack.lastSeq} is not intact`);
    }
    await log.close();
  });
});
