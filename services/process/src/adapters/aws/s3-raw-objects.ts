import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { RawObjects } from '../../ports/emr-job.js';

const HOUR = 3_600_000;
/** Firehose files an object under the hour its records arrived and writes it up to its buffer interval (≤ 15 min) later. */
const LOOKBACK_MS = 2 * HOUR;

/**
 * Raw objects of the Firehose layout (`raw/app_id=…/year=…/month=…/day=…/hour=…/`) modified in a
 * time range. Lists only the hour prefixes that can hold them, per app, so the cost follows the
 * range, not the bucket's history.
 */
export class S3RawObjects implements RawObjects {
  constructor(
    private readonly bucket: string,
    private readonly client: S3Client = new S3Client({}),
  ) {}

  async list(from: number, to: number): Promise<string[]> {
    const apps = await this.prefixes('raw/');
    const keys: string[] = [];
    const first = Math.floor((from - LOOKBACK_MS) / HOUR) * HOUR;
    for (const app of apps) {
      for (let hour = Math.max(0, first); hour < to; hour += HOUR) {
        for (const o of await this.objects(`${app}${hourPath(hour)}`)) {
          const modified = o.LastModified?.getTime() ?? 0;
          if (o.Key && modified >= from && modified < to) keys.push(o.Key);
        }
      }
    }
    return keys.sort();
  }

  private async prefixes(prefix: string): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, Delimiter: '/', ContinuationToken: token }));
      for (const p of page.CommonPrefixes ?? []) if (p.Prefix) out.push(p.Prefix);
      token = page.NextContinuationToken;
    } while (token);
    return out;
  }

  private async objects(prefix: string) {
    const out = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      out.push(...(page.Contents ?? []));
      token = page.NextContinuationToken;
    } while (token);
    return out;
  }
}

function hourPath(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `year=${d.getUTCFullYear()}/month=${pad(d.getUTCMonth() + 1)}/day=${pad(d.getUTCDate())}/hour=${pad(d.getUTCHours())}/`;
}
