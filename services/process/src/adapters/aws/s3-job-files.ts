import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ProcessingCompleted, type DetailInputOf } from '@clickstream/contracts';
import type { JobFiles, JobManifest } from '../../ports/emr-job.js';
import type { JobResults } from '../../ports/job-results.js';

/** A run's files in the warehouse bucket: `jobs/<jobId>/manifest.json` (input) and `result.json` (the driver's ProcessingCompleted detail). */
export class S3JobFiles implements JobFiles, JobResults {
  constructor(
    private readonly bucket: string,
    private readonly client: S3Client = new S3Client({}),
  ) {}

  async writeManifest(manifest: JobManifest): Promise<string> {
    const key = `jobs/${manifest.jobId}/manifest.json`;
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: JSON.stringify(manifest), ContentType: 'application/json' }));
    return key;
  }

  readResult(jobId: string): Promise<DetailInputOf<typeof ProcessingCompleted> | undefined> {
    return this.read(jobId);
  }

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
