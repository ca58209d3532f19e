import type { DurableLog } from '@clickstream/runtime';
import type { RawInput } from '../../ports/raw-input.js';

/** Reads the embedded durable log; positions are its sequence numbers. */
export class LogRawInput implements RawInput {
  constructor(
    private readonly log: DurableLog,
    private readonly pageSize = 1000,
  ) {}

  async end(): Promise<number> {
    return this.log.nextSeq;
  }

  async *read(from: number, to: number): AsyncIterable<string> {
    let next = from;
    while (next < to) {
      const page = await this.log.read(next, Math.min(this.pageSize, to - next));
      if (page.records.length === 0) throw new Error(`stream ends at ${next}, expected records up to ${to}`);
      for (const r of page.records) if (r.seq < to) yield r.data.toString('utf8');
      next = page.nextSeq;
    }
  }
}
