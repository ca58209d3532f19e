import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { CopyManifest } from '../../domain/manifest.js';
import type { ManifestWriter } from '../../ports/manifest-writer.js';

/**
 * One manifest per file under `<prefix><table>/<loadId>/` in the warehouse bucket: COPY reads
 * exactly the listed object (a plain `FROM 's3://…/x.parquet'` is a prefix and could match more),
 * with the `content_length` Parquet manifests require, read with HeadObject.
 */
export class S3Manifests implements ManifestWriter {
  constructor(
    private readonly bucket: string,
    private readonly prefix: string,
    private readonly client: S3Client = new S3Client({}),
  ) {}

  async write(table: string, loadId: string, fileKeys: readonly string[]): Promise<string[]> {
    const uris: string[] = [];
    for (const [i, fileKey] of fileKeys.entries()) {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: fileKey }));
      if (head.ContentLength === undefined) throw new Error(`HeadObject gave no size for s3://${this.bucket}/${fileKey}`);
      const manifest: CopyManifest = {
        entries: [{ url: `s3://${this.bucket}/${fileKey}`, mandatory: true, meta: { content_length: head.ContentLength } }],
      };
      const key = `${this.prefix}${table}/${loadId}/${i}.manifest`;
      await this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: JSON.stringify(manifest), ContentType: 'application/json' }),
      );
      uris.push(`s3://${this.bucket}/${key}`);
    }
    return uris;
  }
}
