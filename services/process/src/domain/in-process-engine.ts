import type { EngineRun, ProcessingEngine } from '../ports/processing-engine.js';
import type { TableOutput, TableWriter } from '../ports/table-writer.js';
import { DEFAULT_DEDUPE_WINDOW, DEFAULT_MAX_OPEN_USERS, ProcessingCore, type CoreStats, type ProcessingSettings } from './core/processing-core.js';
import type { OpenSession } from './core/session-state.js';
import { shardOf } from './core/shard-key.js';
import { mergeWriteResults } from './merge-write-results.js';

/**
 * The shards of a job, one after another on this thread: one core per shard, each writing through
 * its own output. It writes exactly what the worker-thread engine writes for the same shard count
 * (that is what makes a rerun anywhere safe); new jobs get one shard unless told otherwise.
 */
export class InProcessEngine implements ProcessingEngine {
  constructor(
    private readonly writer: TableWriter,
    private readonly shards = 1,
  ) {}

  shardsFor(): number {
    return this.shards;
  }

  async start(jobId: string, settings: ProcessingSettings, shards: number): Promise<EngineRun> {
    const outputs: TableOutput[] = [];
    try {
      for (let s = 0; s < shards; s++) outputs.push(await this.writer.open(jobId, shards === 1 ? undefined : s));
    } catch (error) {
      await Promise.all(outputs.map((o) => o.abort().catch(() => undefined)));
      throw error;
    }
    const open: OpenSession[][] = outputs.map(() => []);
    const perShard = shardSettings(settings, shards);
    const cores = outputs.map(
      (output, s) => new ProcessingCore(perShard, { row: (table, row) => output.append(table, row), openSession: (o) => open[s]!.push(o) }),
    );
    return {
      push: (record) => {
        cores[shards === 1 ? 0 : shardOf(record, shards)]!.push(record);
        return undefined;
      },
      finish: async () => {
        for (const core of cores) core.end();
        const written = [];
        for (const output of outputs) written.push(await output.commit());
        return { stats: sumStats(cores.map((c) => c.stats)), openSessions: open.flat(), written: mergeWriteResults(written) };
      },
      abort: async () => {
        await Promise.all(outputs.map((o) => o.abort().catch(() => undefined)));
      },
    };
  }
}

/**
 * A shard's settings: the job's, with the memory bounds split between the shards — each sees its
 * share of the users and events, so a dedupe window of 1/n the ids spans the same stretch of input.
 */
export function shardSettings(settings: ProcessingSettings, shards: number): ProcessingSettings {
  if (shards === 1) return settings;
  return {
    ...settings,
    dedupeWindow: Math.ceil((settings.dedupeWindow ?? DEFAULT_DEDUPE_WINDOW) / shards),
    maxOpenUsers: Math.ceil((settings.maxOpenUsers ?? DEFAULT_MAX_OPEN_USERS) / shards),
  };
}

export function sumStats(all: readonly CoreStats[]): CoreStats {
  const total: CoreStats = { records: 0, events: 0, badRows: 0, duplicates: 0, outOfRange: 0, expired: 0, expiredBadRows: 0 };
  for (const s of all) for (const k of Object.keys(total) as (keyof CoreStats)[]) total[k] += s[k];
  return total;
}
