import { EMRServerlessClient, ListJobRunsCommand, StartJobRunCommand } from '@aws-sdk/client-emr-serverless';
import type { JobLauncher, LaunchOutcome } from '../../ports/job-launcher.js';

export interface EmrSettings {
  applicationId: string;
  executionRoleArn: string;
  warehouseBucket: string;
  rawBucket: string;
}

// States in which a run still holds the input range it was given.
const ACTIVE = ['SUBMITTED', 'PENDING', 'SCHEDULED', 'RUNNING', 'QUEUED'] as const;

/**
 * Starts the Spark driver on EMR Serverless unless a run is still active (two runs over the same
 * raw objects would double-count). The job name is the job id, so on-job-state-change can find
 * the result manifest it leaves under `jobs/<jobId>/`.
 */
export class EmrServerlessLauncher implements JobLauncher {
  constructor(
    private readonly settings: EmrSettings,
    private readonly client: EMRServerlessClient = new EMRServerlessClient({}),
  ) {}

  async launch(firedAt: Date): Promise<LaunchOutcome> {
    const active = await this.client.send(
      new ListJobRunsCommand({ applicationId: this.settings.applicationId, states: [...ACTIVE], maxResults: 1 }),
    );
    if ((active.jobRuns ?? []).length > 0) return { status: 'skipped', reason: 'a job run is still active' };
    const jobId = `job-${firedAt.toISOString().replace(/[-:.]/g, '')}`;
    const { warehouseBucket, rawBucket } = this.settings;
    const out = await this.client.send(
      new StartJobRunCommand({
        applicationId: this.settings.applicationId,
        executionRoleArn: this.settings.executionRoleArn,
        name: jobId,
        clientToken: jobId,
        jobDriver: {
          sparkSubmit: {
            entryPoint: `s3://${warehouseBucket}/jobs/driver/process_driver.py`,
            entryPointArguments: ['--job-id', jobId, '--raw', `s3://${rawBucket}/raw/`, '--warehouse', `s3://${warehouseBucket}/`],
          },
        },
      }),
    );
    return { status: 'started', jobId, jobRunId: out.jobRunId ?? 'unknown' };
  }
}
