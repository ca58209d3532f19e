import type { BusEvent } from '@clickstream/contracts';
import type { DurableLog } from '../durable-log/index.js';
import type { ObjectStore } from '../object-store/index.js';
import { SerialQueue } from '../serial/serial-queue.js';

/**
 * Where a bus keeps the events it accepted until every delivery of each has ended. EventBridge
 * holds an accepted event durably and keeps retrying; without this, an event published just
 * before a crash (a processing run's ProcessingCompleted.v1, say) would be gone for good.
 */
export interface BusJournal {
  /** Makes the events durable: resolves once they survive a crash. Returns their journal positions. */
  record(events: readonly BusEvent<unknown>[]): Promise<number[]>;
  /** Every delivery of the event at `position` has ended (delivered, or dead-lettered). */
  done(position: number): Promise<void>;
  /** Events recorded by an earlier process and not done: they are delivered again (consumers are idempotent). */
  unfinished(): Promise<{ position: number; event: BusEvent<unknown> }[]>;
}

interface Checkpoint {
  /** Every position below this is done. */
  doneBelow: number;
}

/**
 * The embedded journal: events in a DurableLog of their own (fsync'ed before publish returns), and
 * the low-water mark of finished events in a checkpoint object, written when it moves. Segments
 * wholly below the mark are deleted as it passes them.
 */
export class DurableBusJournal implements BusJournal {
  private doneBelow = 0;
  private readonly finished = new Set<number>();
  private readonly writes = new SerialQueue();

  private constructor(
    private readonly log: DurableLog,
    private readonly objects: ObjectStore,
    private readonly checkpointKey: string,
  ) {}

  static async open(log: DurableLog, objects: ObjectStore, checkpointKey = 'bus/checkpoint.json'): Promise<DurableBusJournal> {
    const journal = new DurableBusJournal(log, objects, checkpointKey);
    const raw = await objects.get(checkpointKey);
    if (raw) {
      const parsed = JSON.parse(raw.toString('utf8')) as Partial<Checkpoint>;
      if (!Number.isSafeInteger(parsed.doneBelow) || (parsed.doneBelow ?? -1) < 0) throw new Error(`bus checkpoint ${checkpointKey} is corrupt`);
      journal.doneBelow = parsed.doneBelow!;
    }
    return journal;
  }

  async record(events: readonly BusEvent<unknown>[]): Promise<number[]> {
    if (events.length === 0) return [];
    const { firstSeq } = await this.log.append(events.map((e) => JSON.stringify(e)));
    return events.map((_, i) => firstSeq + i);
  }

  done(position: number): Promise<void> {
    if (position < this.doneBelow) return Promise.resolve();
    this.finished.add(position);
    let mark = this.doneBelow;
    while (this.finished.delete(mark)) mark++;
    if (mark === this.doneBelow) return Promise.resolve();
    this.doneBelow = mark;
    // Checkpoints go out in order, so a slow write never overwrites a later mark with an earlier one.
    return this.writes.run(async () => {
      if (mark < this.doneBelow) return;
      await this.objects.put(this.checkpointKey, JSON.stringify({ doneBelow: mark } satisfies Checkpoint));
      await this.log.deleteSegmentsBefore(mark);
    });
  }

  async unfinished(): Promise<{ position: number; event: BusEvent<unknown> }[]> {
    const out: { position: number; event: BusEvent<unknown> }[] = [];
    for (let next = this.doneBelow; next < this.log.nextSeq; ) {
      const page = await this.log.read(next, 1000);
      if (page.records.length === 0) break;
      for (const r of page.records) out.push({ position: r.seq, event: JSON.parse(r.data.toString('utf8')) as BusEvent<unknown> });
      next = page.nextSeq;
    }
    return out;
  }
}
