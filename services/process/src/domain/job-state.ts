/** The part of EMR Serverless's "Job Run State Change" event this service reads. */
export interface JobRunStateChange {
  jobRunId: string;
  applicationId: string;
  name?: string;
  state: string;
  stateDetails?: string;
}

export type JobStateDecision =
  | { action: 'publish-result'; jobId: string }
  | { action: 'publish-failure'; jobId: string; code: string; message: string }
  | { action: 'ignore' };

/**
 * What a state change means for the pipeline: only terminal states of OUR application matter
 * (the default bus carries the job runs of every EMR Serverless application in the account).
 */
export function decideOnJobState(change: JobRunStateChange, applicationId?: string): JobStateDecision {
  if (applicationId !== undefined && change.applicationId !== applicationId) return { action: 'ignore' };
  const jobId = change.name ?? change.jobRunId;
  switch (change.state) {
    case 'SUCCESS':
      return { action: 'publish-result', jobId };
    case 'FAILED':
    case 'CANCELLED':
      return { action: 'publish-failure', jobId, code: `EMR_${change.state}`, message: change.stateDetails ?? `job run ${change.state.toLowerCase()}` };
    default:
      return { action: 'ignore' };
  }
}
