import type { DetailInputOf, ProcessingCompleted } from '@clickstream/contracts';

/**
 * What a finished EMR job left behind: the driver writes the ProcessingCompleted detail as the
 * job's result manifest, so publishing it needs no knowledge of Spark.
 */
export interface JobResults {
  read(jobId: string): Promise<DetailInputOf<typeof ProcessingCompleted> | undefined>;
}
