import { ProcessingCompleted } from '@clickstream/contracts';
import type { EventPublisher } from '@clickstream/lambda-kit';
import type { EmrJobStateStore, EmrRuns, JobFiles, RawObjects } from '../ports/emr-job.js';
import type { AppRetentionStore } from '../ports/app-retention.js';
import type { LaunchOutcome } from '../ports/job-launcher.js';
import type { PipelineConfigStore } from '../ports/pipeline-config-store.js';
import { processConfigsByApp } from './pipeline-configs.js';
import { retentionDaysByApp } from './retention-cutoff.js';

export interface EmrRunDeps {
  runs: EmrRuns;
  state: EmrJobStateStore;
  raw: RawObjects;
  files: JobFiles;
  configs: PipelineConfigStore;
  /** Each app's data retention, passed to the core so that it does not write days retention removed. */
  retention: AppRetentionStore;
  publisher: EventPublisher;
  rawBucket: string;
  /** Objects modified this recently are left for the next run: an upload still in flight has an earlier LastModified. */
  settleMs?: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The schedule's decision on AWS. Never two runs at once (they would process the same objects);
 * a pending run whose result exists is announced and committed (its state-change event may have
 * been lost); a pending run without result and nothing active failed: it is started again with
 * the same manifest and job id (the driver replaces its files); otherwise the raw objects newer
 * than the checkpoint become the next run's manifest.
 */
export async function startEmrRun(deps: EmrRunDeps, firedAt: Date): Promise<LaunchOutcome> {
  if (await deps.runs.active()) return { status: 'skipped', reason: 'a job run is still active' };
  let state = await deps.state.load();
  if (state.pending) {
    const result = await deps.files.readResult(state.pending.jobId);
    if (!result) {
      const jobRunId = await deps.runs.start(state.pending.jobId, `jobs/${state.pending.jobId}/manifest.json`, String(firedAt.getTime()));
      return { status: 'started', jobId: state.pending.jobId, jobRunId };
    }
    await deps.publisher.publish(ProcessingCompleted, result);
    await deps.state.commit(state.pending.jobId);
    state = await deps.state.load();
  }
  const to = firedAt.getTime() - (deps.settleMs ?? 5 * 60_000);
  if (to <= state.processedUntil) return { status: 'idle' };
  const objects = await deps.raw.list(state.processedUntil, to);
  if (objects.length === 0) return { status: 'idle' };
  const jobId = `job-${iso(to).replace(/[-:.]/g, '')}`;
  const apps = processConfigsByApp(await deps.configs.list());
  const retentionDays = retentionDaysByApp(await deps.retention.list());
  const manifestKey = await deps.files.writeManifest({
    jobId,
    inputRange: { from: iso(state.processedUntil), to: iso(to) },
    rawBucket: deps.rawBucket,
    objects,
    sessionStateIn: state.sessionState ?? null,
    config: { runTime: to, inputOrder: 'grouped', apps, retentionDays },
  });
  if (!(await deps.state.start({ jobId, from: state.processedUntil, to, startedAt: firedAt.getTime() }, state.processedUntil))) {
    return { status: 'skipped', reason: 'another schedule started a run first' };
  }
  const jobRunId = await deps.runs.start(jobId, manifestKey, '1');
  return { status: 'started', jobId, jobRunId };
}
