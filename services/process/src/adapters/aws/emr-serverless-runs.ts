import { EMRServerlessClient, ListJobRunsCommand, StartJobRunCommand } from '@aws-sdk/client-emr-serverless';
import type { EmrRuns } from '../../ports/emr-job.js';

export interface EmrSettings {
  applicationId: string;
  executionRoleArn: string;
  warehouseBucket: string;
  /** Worker sizes of each run; EMR's defaults (a 4 vCPU / 16 GB driver and executors) when absent. */
  sizing?: EmrRunSizing;
}

/** How large a run's Spark driver and executors are, and how many executors it may grow to. */
export interface EmrRunSizing {
  driverCores: number;
  /** Spark memory notation, e.g. `4g`. */
  driverMemory: string;
  executorCores: number;
  executorMemory: string;
  maxExecutors: number;
}

/**
 * The Spark configuration of a run. EMR Serverless bills every worker's vCPU and GB by the second,
 * and its defaults (4 vCPU / 16 GB driver, executors alike, several started up front) cost far more
 * than a run of a few million events needs: it starts small (one executor) and grows on demand.
 */
export function sparkSubmitParameters(s: EmrRunSizing): string {
  return [
    `spark.driver.cores=${s.driverCores}`,
    `spark.driver.memory=${s.driverMemory}`,
    `spark.executor.cores=${s.executorCores}`,
    `spark.executor.memory=${s.executorMemory}`,
    'spark.dynamicAllocation.minExecutors=1',
    'spark.dynamicAllocation.initialExecutors=1',
    `spark.dynamicAllocation.maxExecutors=${s.maxExecutors}`,
  ]
    .map((conf) => `--conf ${conf}`)
    .join(' ');
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
            ...(this.settings.sizing ? { sparkSubmitParameters: sparkSubmitParameters(this.settings.sizing) } : {}),
          },
        },
      }),
    );
    return out.jobRunId ?? 'unknown';
  }
}
