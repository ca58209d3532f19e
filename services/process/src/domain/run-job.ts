import { ProcessingCompleted, ProcessingFailed, type TableName } from '@clickstream/contracts';
import type { Clock, EventPublisher } from '@clickstream/lambda-kit';
import type { CheckpointStore, PendingJob } from '../ports/checkpoint-store.js';
import type { RawInput } from '../ports/raw-input.js';
import type { TableWriter } from '../ports/table-writer.js';
import type { TableRows } from './rows.js';
import { defaultSettings, processEnvelopes, type ProcessingSettings } from './process-envelopes.js';

export interface JobPorts {
  input: RawInput;
  checkpoints: CheckpointStore;
  writer: TableWriter;
  publisher: EventPublisher;
  clock: Clock;
}

export type JobOutcome = { status: 'idle' } | { status: 'completed'; jobId: string; events: number; badRows: number } | { status: 'failed'; jobId: string };

const position = (n: number) => String(n).padStart(20, '0');
export const jobIdFor = (from: number, to: number) => `job-${position(from)}-${position(to)}`;

/**
 * One processing run over the stream, crash-safe: the range is fixed and saved BEFORE any output
 * is written, so a run interrupted at any point is redone over exactly the same records with the
 * same file names (no duplicates), and the checkpoint moves only after the files are in place and announced.
 */
export async function runProcessingJob(
  ports: JobPorts,
  options: { maxRecords: number; settings?: Omit<ProcessingSettings, 'runTime'> },
): Promise<JobOutcome> {
  const checkpoint = await ports.checkpoints.load();
  let job: PendingJob | undefined = checkpoint.pending;
  if (!job) {
    const end = await ports.input.end();
    if (end <= checkpoint.committed) return { status: 'idle' };
    const to = Math.min(end, checkpoint.committed + options.maxRecords);
    job = { jobId: jobIdFor(checkpoint.committed, to), from: checkpoint.committed, to, startedAt: ports.clock.now() };
    await ports.checkpoints.save({ committed: checkpoint.committed, pending: job });
  }
  const inputRange = { from: position(job.from), to: position(job.to) };
  try {
    const records: string[] = [];
    for await (const r of ports.input.read(job.from, job.to)) records.push(r);
    const rows = processEnvelopes(records, { ...defaultSettings, ...options.settings, runTime: job.startedAt });
    const { files, partitions } = await ports.writer.write(job.jobId, rows);
    const rowCounts: Partial<Record<TableName, number>> = Object.fromEntries(
      (Object.keys(rows) as (keyof TableRows)[]).map((table) => [table, rows[table].length]),
    );
    await ports.publisher.publish(ProcessingCompleted, {
      jobId: job.jobId,
      appIds: [...new Set(files.map((f) => f.appId))].sort(),
      inputRange,
      partitions,
      files,
      rowCounts,
      badRowCount: rows.bad_rows.length,
      startedAt: new Date(job.startedAt).toISOString(),
      completedAt: new Date(ports.clock.now()).toISOString(),
    });
    // Commit only once the run is announced: if announcing fails the range stays pending and is
    // redone (same files) and announced again; consumers treat a repeated announcement as a replay.
    await ports.checkpoints.save({ committed: job.to });
    return { status: 'completed', jobId: job.jobId, events: rows.events.length, badRows: rows.bad_rows.length };
  } catch (error) {
    await ports.publisher.publish(ProcessingFailed, {
      jobId: job.jobId,
      inputRange,
      error: { code: 'PROCESSING_FAILED', message: error instanceof Error ? error.message : String(error) },
      failedAt: new Date(ports.clock.now()).toISOString(),
    });
    throw error;
  }
}
