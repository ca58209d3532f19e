/**
 * The S3 layout of raw files, as the Firehose delivery stream writes it (dynamic partitioning on
 * the envelope's appId, arrival time in UTC, zero-padded): the embedded roller writes the same.
 */
export function rawPrefix(appId: string, ingestTime: number): string {
  const d = new Date(ingestTime);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `raw/app_id=${appId}/year=${d.getUTCFullYear()}/month=${pad(d.getUTCMonth() + 1)}/day=${pad(d.getUTCDate())}/hour=${pad(d.getUTCHours())}/`;
}
