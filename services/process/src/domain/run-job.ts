import { ProcessingCompleted, ProcessingFailed } from '@clickstream/contracts';
import type { Clock, EventPublisher } from '@clickstream/lambda-kit';
import type { AppRetentionStore } from '../ports/app-retention.js';
import type { CheckpointStore, PendingJob } from '../ports/checkpoint-store.js';
import type { PipelineConfigStore } from '../ports/pipeline-config-store.js';
import type { EngineRun, ProcessingEngine } from '../ports/processing-engine.js';
import type { RawInput } from '../ports/raw-input.js';
import type { SessionStateStore } from '../ports/session-state-store.js';
import type { TableWriter } from '../ports/table-writer.js';
import { defaultSettings, type ProcessingSettings } from './core/processing-core.js';
import type { OpenSession } from './core/session-state.js';
import { InProcessEngine } from './in-process-engine.js';
import { appSettingsFrom } from './pipeline-configs.js';
import { retentionDaysByApp } from './retention-cutoff.js';

export interface JobPorts {
  input: RawInput;
  checkpoints: CheckpointStore;
  writer: TableWriter;
  /** Runs the core over the input, possibly split into shards; one shard on this thread, through `writer`, when absent. */
  engine?: ProcessingEngine;
  sessionState: SessionStateStore;
  /** The apps' pipeline configurations; every app gets the defaults without it. */
  pipelineConfigs?: PipelineConfigStore;
  /** The apps' data retention: events on days it removed are not written again. Every app keeps everything without it. */
  retention?: AppRetentionStore;
  publisher: EventPublisher;
  clock: Clock;
}

export type JobOutcome = { status: 'idle' } | { status: 'completed'; jobId: string; events: number; badRows: number } | { status: 'failed'; jobId: string };

const position = (n: number) => String(n).padStart(20, '0');
export const jobIdFor = (from: number, to: number) => `job-${position(from)}-${position(to)}`;

/** A handed-over session as the line the core reads back. */
export const sessionStateLine = (s: OpenSession) => JSON.stringify({ table: 'session_state', row: s });

/**
 * One processing run over the stream, crash-safe: the range is fixed and saved BEFORE any output
 * is written, so a run interrupted at any point is redone over exactly the same records (and the
 * same handed-over sessions) with the same file names (no duplicates), and the checkpoint moves
 * only after the files are in place and announced. The input streams through the core: memory
 * does not grow with the size of the range.
 */
export async function runProcessingJob(
  ports: JobPorts,
  options: { maxRecords: number; settings?: Omit<ProcessingSettings, 'runTime'> },
): Promise<JobOutcome> {
  const checkpoint = await ports.checkpoints.load();
  const engine = ports.engine ?? new InProcessEngine(ports.writer);
  let job: PendingJob | undefined = checkpoint.pending;
  if (!job) {
    const end = await ports.input.end();
    if (end <= checkpoint.committed) return { status: 'idle' };
    const to = Math.min(end, checkpoint.committed + options.maxRecords);
    // The shard count is part of the job: its rerun must split the input the same way.
    const shards = engine.shardsFor(to - checkpoint.committed);
    job = { jobId: jobIdFor(checkpoint.committed, to), from: checkpoint.committed, to, startedAt: ports.clock.now(), ...(shards > 1 ? { shards } : {}) };
    await ports.checkpoints.save({ ...withoutPending(checkpoint), pending: job });
  }
  const inputRange = { from: position(job.from), to: position(job.to) };
  let run: EngineRun | undefined;
  try {
    const configured = ports.pipelineConfigs ? appSettingsFrom(await ports.pipelineConfigs.list()) : {};
    const retained = ports.retention ? retentionDaysByApp(await ports.retention.list()) : {};
    // runTime is the job's start, saved with it: a rerun computes the same retention cutoffs.
    const settings: ProcessingSettings = {
      ...defaultSettings,
      ...options.settings,
      apps: { ...configured, ...options.settings?.apps },
      retentionDays: { ...retained, ...options.settings?.retentionDays },
      runTime: job.startedAt,
    };
    run = await engine.start(job.jobId, settings, job.shards ?? 1);
    const input = run;
    // Handed-over sessions first: each goes to the shard of its user, before that user's uploads.
    if (checkpoint.sessionState) {
      for await (const line of ports.sessionState.read(checkpoint.sessionState)) {
        const wait = input.push(line);
        if (wait) await wait;
      }
    }
    for await (const record of ports.input.read(job.from, job.to)) {
      const wait = input.push(record);
      if (wait) await wait;
    }
    const { stats, openSessions, written } = await run.finish();
    const stateKey = await ports.sessionState.write(job.jobId, openSessions.map(sessionStateLine));
    const { files, partitions, rowCounts } = written;
    await ports.publisher.publish(ProcessingCompleted, {
      jobId: job.jobId,
      appIds: [...new Set(files.map((f) => f.appId))].sort(),
      inputRange,
      partitions,
      files,
      rowCounts,
      badRowCount: stats.badRows,
      startedAt: new Date(job.startedAt).toISOString(),
      completedAt: new Date(ports.clock.now()).toISOString(),
    });
    // Commit only once the run is announced: if announcing fails the range stays pending and is
    // redone (same files) and announced again; consumers treat a repeated announcement as a replay.
    await ports.checkpoints.save({ committed: job.to, sessionState: stateKey });
    if (checkpoint.sessionState && checkpoint.sessionState !== stateKey) await ports.sessionState.delete(checkpoint.sessionState).catch(() => undefined);
    return { status: 'completed', jobId: job.jobId, events: stats.events, badRows: stats.badRows };
  } catch (error) {
    await run?.abort().catch(() => undefined);
    await ports.publisher.publish(ProcessingFailed, {
      jobId: job.jobId,
      inputRange,
      error: { code: 'PROCESSING_FAILED', message: error instanceof Error ? error.message : String(error) },
      failedAt: new Date(ports.clock.now()).toISOString(),
    });
    throw error;
  }
}

function withoutPending(c: { committed: number; sessionState?: string }) {
  return c.sessionState === undefined ? { committed: c.committed } : { committed: c.committed, sessionState: c.sessionState };
}
