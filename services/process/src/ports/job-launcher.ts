import type { JobOutcome } from '../domain/run-job.js';

export type LaunchOutcome = JobOutcome | { status: 'started'; jobId: string; jobRunId: string } | { status: 'skipped'; reason: string };

/** Starts a processing run: in-process locally, an EMR Serverless job run on AWS. */
export interface JobLauncher {
  launch(firedAt: Date): Promise<LaunchOutcome>;
}
