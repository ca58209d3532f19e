import { mkdir, open, readdir, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from './crc32.js';
import { encodeFrames, frames, HEADER_BYTES, MAX_PAYLOAD_BYTES, writeFully } from './frames.js';

export interface LogRecord {
  seq: number;
  data: Buffer;
}

export interface DurableLogOptions {
  /** A segment is closed once it reaches this size (default 64 MiB); one commit is never split. */
  segmentBytes?: number;
}

export interface DurableLogStats {
  /** fdatasync calls that acknowledged appends: with group commit, far fewer than appendCalls. */
  readonly fsyncs: number;
  readonly appendCalls: number;
  /** Bytes of a torn or corrupt tail dropped by recovery when the log was opened. */
  readonly tornBytesDropped: number;
}

const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
/** One sparse-index entry per this many records: a read skips at most this many frames to start. */
const INDEX_EVERY = 64;
const SEGMENT_NAME = /^\d{20}\.log$/;
const READ_CHUNK = 64 * 1024;
const SCAN_CHUNK = 1024 * 1024;

interface Segment {
  readonly base: number;
  readonly path: string;
  /** Opened read-write; positional reads on it are safe while a commit appends further on. */
  readonly handle: FileHandle;
  /** Acknowledged (fsynced) bytes and records only: readers never look past them. */
  size: number;
  count: number;
  /** offsets[i] is the byte offset of record base + i * INDEX_EVERY. */
  readonly offsets: number[];
  /** Reads in progress: a deleted or closed segment keeps its handle until they finish. */
  pins: number;
  retired: boolean;
}

interface PendingAppend {
  frames: Buffer;
  lengths: number[];
  resolve: (seqs: { firstSeq: number; lastSeq: number }) => void;
  reject: (error: unknown) => void;
}

/**
 * The embedded stand-in for a Kinesis stream: an append-only log of records in segment files
 * (`<first seq, 20 digits>.log`). An append resolves only once its bytes are fdatasync'ed; appends
 * that arrive while a commit is in flight are coalesced into the next one (group commit), so
 * one fsync acknowledges many concurrent requests. A single process may open a directory at a time.
 */
export class DurableLog {
  private readonly pending: PendingAppend[] = [];
  private flushing: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private broken: Error | undefined;
  private readonly counters = { fsyncs: 0, appendCalls: 0, tornBytesDropped: 0 };

  private constructor(
    private readonly dir: string,
    private readonly segmentBytes: number,
    /** Oldest first, never empty; the last one is being appended to. */
    private readonly segments: Segment[],
  ) {}

  static async open(dir: string, options: DurableLogOptions = {}): Promise<DurableLog> {
    const segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    if (!Number.isSafeInteger(segmentBytes) || segmentBytes < 1) {
      throw new RangeError(`segmentBytes must be a positive integer, got ${segmentBytes}`);
    }
    await mkdir(dir, { recursive: true });
    const names = (await readdir(dir)).filter((name) => SEGMENT_NAME.test(name)).sort();
    const segments: Segment[] = [];
    let tornBytes = 0;
    try {
      for (const [i, name] of names.entries()) {
        const base = Number(name.slice(0, 20));
        const previous = segments.at(-1);
        if (previous && base !== previous.base + previous.count) {
          throw new Error(`durable log ${dir} is corrupt: ${name} should start at seq ${previous.base + previous.count}`);
        }
        const loaded = await loadSegment(join(dir, name), base, i === names.length - 1);
        segments.push(loaded.segment);
        tornBytes += loaded.tornBytes;
      }
      if (segments.length === 0) segments.push(await createSegment(dir, 0));
    } catch (error) {
      await Promise.allSettled(segments.map((s) => s.handle.close()));
      throw error;
    }
    const log = new DurableLog(dir, segmentBytes, segments);
    log.counters.tornBytesDropped = tornBytes;
    return log;
  }

  get nextSeq(): number {
    const active = this.active;
    return active.base + active.count;
  }

  get stats(): DurableLogStats {
    return { ...this.counters };
  }

  /** All or nothing: resolves once every record is on disk, rejects if any I/O failed. */
  async append(records: readonly (Buffer | string)[]): Promise<{ firstSeq: number; lastSeq: number }> {
    if (this.closing) throw new Error(`durable log ${this.dir} is closed`);
    if (this.broken) throw this.broken;
    if (records.length === 0) throw new RangeError('append needs at least one record');
    const payloads = records.map((r) => (typeof r === 'string' ? Buffer.from(r, 'utf8') : r));
    // An empty record is refused so that a zero-length frame always means a zero-filled (torn) tail.
    if (payloads.some((p) => p.length === 0 || p.length > MAX_PAYLOAD_BYTES)) {
      throw new RangeError(`records must be 1 to ${MAX_PAYLOAD_BYTES} bytes`);
    }
    this.counters.appendCalls++;
    return new Promise((resolve, reject) => {
      this.pending.push({ frames: encodeFrames(payloads), lengths: payloads.map((p) => p.length), resolve, reject });
      this.flushing ??= this.flushLoop();
    });
  }

  /**
   * Records with seq >= fromSeq, in order (from the oldest retained one if fromSeq was deleted).
   * maxBytes counts payload bytes; the first record is returned even when it alone exceeds it,
   * so a large record cannot stall a reader.
   */
  async read(fromSeq: number, maxRecords: number, maxBytes = Infinity): Promise<{ records: LogRecord[]; nextSeq: number }> {
    if (this.closing) throw new Error(`durable log ${this.dir} is closed`);
    if (!Number.isSafeInteger(fromSeq) || fromSeq < 0) throw new RangeError(`fromSeq must be a seq, got ${fromSeq}`);
    if (!Number.isSafeInteger(maxRecords) || maxRecords < 1) throw new RangeError(`maxRecords must be >= 1, got ${maxRecords}`);
    const records: LogRecord[] = [];
    let bytes = 0;
    let seq = fromSeq;
    reading: while (records.length < maxRecords) {
      const segment = this.segmentFor(seq);
      seq = Math.max(seq, segment.base);
      // Both taken together, before any await: a commit may extend the segment while we read.
      const end = segment.base + segment.count;
      const endOffset = segment.size;
      if (seq >= end) break;
      const slot = Math.floor((seq - segment.base) / INDEX_EVERY);
      const first = segment.base + slot * INDEX_EVERY;
      const from = seq;
      segment.pins++;
      try {
        let frameSeq = first;
        for await (const frame of frames(segment.handle, segment.offsets[slot]!, endOffset, READ_CHUNK, (i) => first + i >= from)) {
          if (frame.payload) {
            if (crc32(frame.payload) !== frame.crc) {
              throw new Error(`durable log record ${frameSeq} in ${segment.path} fails its checksum`);
            }
            if (records.length > 0 && bytes + frame.length > maxBytes) break reading;
            records.push({ seq: frameSeq, data: frame.payload });
            bytes += frame.length;
            if (records.length >= maxRecords) break reading;
          }
          frameSeq++;
        }
        if (frameSeq !== end) throw new Error(`durable log segment ${segment.path} ended at seq ${frameSeq}, expected ${end}`);
        seq = end;
      } finally {
        await this.unpin(segment);
      }
    }
    return { records, nextSeq: records.length > 0 ? records.at(-1)!.seq + 1 : fromSeq };
  }

  /** Retention: removes whole segments whose records are all < seq. The active segment always stays. */
  async deleteSegmentsBefore(seq: number): Promise<number> {
    if (this.closing) throw new Error(`durable log ${this.dir} is closed`);
    let count = 0;
    while (count < this.segments.length - 1 && this.segments[count]!.base + this.segments[count]!.count <= seq) count++;
    const doomed = this.segments.splice(0, count);
    for (const [i, segment] of doomed.entries()) {
      try {
        await unlink(segment.path).catch(ignoreMissing);
        // Each unlink is durable before the next one: a crash leaves a suffix of the log, never a gap.
        await syncDir(this.dir);
      } catch (error) {
        this.segments.unshift(...doomed.slice(i));
        throw error;
      }
      await this.retire(segment);
    }
    return count;
  }

  /**
   * Retention by age, as Kinesis has: removes the closed segments last written before `cutoff`,
   * but never a record at or after `keepFrom` (a consumer that must not lose unread records passes
   * its position). Returns the number of segments removed.
   */
  async deleteSegmentsOlderThan(cutoff: Date, keepFrom = Infinity): Promise<number> {
    if (this.closing) throw new Error(`durable log ${this.dir} is closed`);
    let before = 0;
    for (const segment of this.segments.slice(0, -1)) {
      const end = segment.base + segment.count;
      if (end > keepFrom || (await segment.handle.stat()).mtimeMs >= cutoff.getTime()) break;
      before = end;
    }
    return before > 0 ? this.deleteSegmentsBefore(before) : 0;
  }

  /** Waits for appends already made, then closes the files; later calls reject. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.flushing;
      await Promise.all(this.segments.map((s) => this.retire(s)));
    })();
    return this.closing;
  }

  private get active(): Segment {
    return this.segments.at(-1)!;
  }

  /** The segment holding seq, or the oldest one when seq is older than anything retained. */
  private segmentFor(seq: number): Segment {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.segments[mid]!.base <= seq) lo = mid;
      else hi = mid - 1;
    }
    return this.segments[lo]!;
  }

  private async flushLoop(): Promise<void> {
    // Let appends made in the same tick as the first one join its commit.
    await Promise.resolve();
    try {
      while (this.pending.length > 0) await this.commit(this.pending.splice(0));
    } finally {
      this.flushing = undefined;
    }
  }

  /** One write and one fdatasync for the whole group; settles every append in it, never throws. */
  private async commit(group: PendingAppend[]): Promise<void> {
    const fail = (error: unknown) => group.forEach((p) => p.reject(error));
    if (this.broken) return fail(this.broken);
    let segment = this.active;
    try {
      if (segment.size >= this.segmentBytes && segment.count > 0) segment = await this.roll();
    } catch (error) {
      return fail(error);
    }
    const start = segment.size;
    try {
      await writeFully(segment.handle, Buffer.concat(group.map((p) => p.frames)), start);
      await segment.handle.datasync();
      this.counters.fsyncs++;
    } catch (error) {
      fail(error);
      return this.undoWrite(segment, start);
    }
    // Publish the group before any caller's continuation runs (they are queued, not called), so
    // a reader that starts right after its append resolves sees its records.
    let seq = segment.base + segment.count;
    let offset = start;
    for (const p of group) {
      const firstSeq = seq;
      for (const length of p.lengths) {
        if ((seq - segment.base) % INDEX_EVERY === 0) segment.offsets.push(offset);
        offset += HEADER_BYTES + length;
        seq++;
      }
      p.resolve({ firstSeq, lastSeq: seq - 1 });
    }
    segment.size = offset;
    segment.count = seq - segment.base;
  }

  /**
   * Cuts a failed commit off the file, so its bytes can never resurface as records after a
   * restart. If even that fails the file's tail is unknown, and the log refuses further appends.
   */
  private async undoWrite(segment: Segment, size: number): Promise<void> {
    try {
      await segment.handle.truncate(size);
      await segment.handle.datasync();
    } catch (error) {
      this.broken = new Error(`durable log ${this.dir} is broken: a failed write could not be undone; reopen it to recover`, {
        cause: error,
      });
    }
  }

  private async roll(): Promise<Segment> {
    const segment = await createSegment(this.dir, this.nextSeq);
    this.segments.push(segment);
    return segment;
  }

  private async retire(segment: Segment): Promise<void> {
    segment.retired = true;
    if (segment.pins === 0) await segment.handle.close();
  }

  private async unpin(segment: Segment): Promise<void> {
    segment.pins--;
    if (segment.retired && segment.pins === 0) await segment.handle.close();
  }
}

function segmentName(base: number): string {
  return `${String(base).padStart(20, '0')}.log`;
}

async function createSegment(dir: string, base: number): Promise<Segment> {
  const path = join(dir, segmentName(base));
  // 'w+' empties a file left by a roll that failed before it was used: it can hold no acknowledged record.
  const handle = await open(path, 'w+');
  try {
    await syncDir(dir);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return { base, path, handle, size: 0, count: 0, offsets: [], pins: 0, retired: false };
}

/**
 * Rebuilds a segment's sparse index by walking its frames. Only the last segment can end in a
 * torn tail (every earlier one was fsynced before the next was created), so only its checksums
 * are verified and only it is repaired; anything wrong in an older one is reported as corruption.
 */
async function loadSegment(path: string, base: number, isLast: boolean): Promise<{ segment: Segment; tornBytes: number }> {
  const handle = await open(path, 'r+');
  try {
    const { size: fileSize } = await handle.stat();
    const offsets: number[] = [];
    let count = 0;
    let good = 0;
    for await (const frame of frames(handle, 0, fileSize, SCAN_CHUNK, () => isLast)) {
      if (frame.length === 0 || (frame.payload && crc32(frame.payload) !== frame.crc)) break;
      if (count % INDEX_EVERY === 0) offsets.push(frame.offset);
      count++;
      good = frame.offset + HEADER_BYTES + frame.length;
    }
    if (good < fileSize) {
      if (!isLast) throw new Error(`durable log segment ${path} is corrupt at byte ${good}`);
      await handle.truncate(good);
      await handle.datasync();
    }
    return { segment: { base, path, handle, size: good, count, offsets, pins: 0, retired: false }, tornBytes: fileSize - good };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Makes a created or removed directory entry itself durable, not just the file's contents. */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
}
