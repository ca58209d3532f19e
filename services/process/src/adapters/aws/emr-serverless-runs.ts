import { EMRServerlessClient, ListJobRunsCommand, StartJobRunCommand } from '@aws-sdk/client-emr-serverless';
import type { EmrRuns } from '../../ports/emr-job.js';

export interface EmrSettings {
  applicationId: string;
  executionRoleArn: string;
  warehouseBucket: string;
}

// States in which a run still holds the input it was given.
const ACTIVE = ['SUBMITTED', 'PENDING', 'SCHEDULED', 'RUNNING', 'QUEUED'] as const;

/**
 * Job runs of our EMR Serverless application. A run is named after its job id, so
 * on-job-state-change finds the result the driver leaves under `jobs/<jobId>/`.
 */
export class EmrServerlessRuns implements EmrRuns {
  constructor(
    private readonly settings: EmrSettings,
    private readonly client: EMRServerlessClient = new EMRServerlessClient({}),
  ) {}

  async active(): Promise<boolean> {
    const out = await this.client.send(new ListJobRunsCommand({ applicationId: this.settings.applicationId, states: [...ACTIVE], maxResults: 1 }));
    return (out.jobRuns ?? []).length > 0;
  }

  async start(jobId: string, manifestKey: string, attempt: string): Promise<string> {
    const { warehouseBucket } = this.settings;
    const out = await this.client.send(
      new StartJobRunCommand({
        applicationId: this.settings.applicationId,
        executionRoleArn: this.settings.executionRoleArn,
        name: jobId,
        // One token per attempt: a retried Lambda does not start the same attempt twice.
        clientToken: `${jobId}-${attempt}`.slice(0, 64),
        jobDriver: {
          sparkSubmit: {
            entryPoint: `s3://${warehouseBucket}/jobs/driver/process_driver.py`,
            entryPointArguments: ['--job-id', jobId, '--manifest', `s3://${warehouseBucket}/${manifestKey}`, '--warehouse', `s3://${warehouseBucket}/`],
          },
        },
      }),
    );
    return out.jobRunId ?? 'unknown';
  }
}
