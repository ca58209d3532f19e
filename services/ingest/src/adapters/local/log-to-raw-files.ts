import { parseRawEnvelopeHeader } from '@clickstream/contracts';
import type { DurableLog, ObjectStore } from '@clickstream/runtime';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import * as z from 'zod';
import { rawPrefix } from '../../domain/raw-file-layout.js';

const gzip = promisify(gzipCallback);

const Checkpoint = z.object({
  next: z.number().int().nonnegative(),
  pending: z.object({ from: z.number().int(), to: z.number().int() }).optional(),
});
type Checkpoint = z.infer<typeof Checkpoint>;

/**
 * The embedded stand-in for Firehose: rolls the durable log into gzip JSON-lines files under
 * `raw/app_id=…/year=…/month=…/day=…/hour=…/`, as the AWS delivery stream does, so raw data can be
 * archived or reprocessed the same way in both modes. Crash-safe like the process job: the range
 * of a roll is saved before any file is written and file names derive from it, so a roll redone
 * after a crash rewrites the same files.
 */
export class LogToRawFiles {
  constructor(
    private readonly log: DurableLog,
    private readonly objects: ObjectStore,
    private readonly maxRecordsPerRoll = 10_000,
    private readonly checkpointKey = 'ingest/firehose-checkpoint.json',
  ) {}

  /** Rolls everything appended so far; returns how many files it wrote. */
  async roll(): Promise<number> {
    let written = 0;
    for (;;) {
      const checkpoint = await this.load();
      let range = checkpoint.pending;
      if (!range) {
        const end = this.log.nextSeq;
        if (end <= checkpoint.next) return written;
        range = { from: checkpoint.next, to: Math.min(end, checkpoint.next + this.maxRecordsPerRoll) };
        await this.save({ next: checkpoint.next, pending: range });
      }
      written += await this.writeRange(range.from, range.to);
      await this.save({ next: range.to });
    }
  }

  private async writeRange(from: number, to: number): Promise<number> {
    const groups = new Map<string, string[]>();
    for (let next = from; next < to; ) {
      const page = await this.log.read(next, Math.min(1000, to - next));
      if (page.records.length === 0) throw new Error(`log ends at ${next}, expected records up to ${to}`);
      for (const r of page.records) {
        if (r.seq >= to) break;
        const line = r.data.toString('utf8');
        const header = parseRawEnvelopeHeader(line);
        // Firehose routes records its partitioning cannot read to an error prefix; so do we.
        const prefix = header ? rawPrefix(header.appId, header.ingestTime) : 'errors/unpartitionable/';
        const group = groups.get(prefix);
        if (group) group.push(line);
        else groups.set(prefix, [line]);
      }
      next = page.nextSeq;
    }
    const name = `clickstream-${String(from).padStart(20, '0')}-${String(to).padStart(20, '0')}.jsonl.gz`;
    for (const [prefix, lines] of groups) await this.objects.put(`${prefix}${name}`, await gzip(`${lines.join('\n')}\n`));
    return groups.size;
  }

  /** The first seq not yet in a raw file: the stream may forget records before it, never after. */
  async rolledUpTo(): Promise<number> {
    const checkpoint = await this.load();
    return checkpoint.pending ? checkpoint.pending.from : checkpoint.next;
  }

  private async load(): Promise<Checkpoint> {
    const raw = await this.objects.get(this.checkpointKey);
    return raw ? Checkpoint.parse(JSON.parse(raw.toString('utf8'))) : { next: 0 };
  }

  private async save(checkpoint: Checkpoint): Promise<void> {
    await this.objects.put(this.checkpointKey, JSON.stringify(checkpoint));
  }
}
