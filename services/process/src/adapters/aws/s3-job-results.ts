import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { ProcessingCompleted, type DetailInputOf } from '@clickstream/contracts';
import type { JobResults } from '../../ports/job-results.js';

/** Reads `jobs/<jobId>/result.json`, the manifest the Spark driver writes when it succeeds. */
export class S3JobResults implements JobResults {
  constructor(
    private readonly bucket: string,
    private readonly client: S3Client = new S3Client({}),
  ) {}

  async read(jobId: string): Promise<DetailInputOf<typeof ProcessingCompleted> | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: `jobs/${jobId}/result.json` }));
      const text = await out.Body?.transformToString('utf-8');
      return text === undefined ? undefined : ProcessingCompleted.schema.parse(JSON.parse(text));
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw error;
    }
  }
}
