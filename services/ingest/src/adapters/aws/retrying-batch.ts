/**
 * Sends items in batches and retries only the entries a partial failure rejected (Kinesis
 * PutRecords and Firehose PutRecordBatch both answer 200 with per-entry errors), with exponential
 * backoff and jitter. Throws when entries are still rejected after the last attempt, so the
 * request is answered 503 and never acknowledged.
 */
export async function sendWithRetries<T>(
  items: readonly T[],
  {
    maxCount,
    maxBytes,
    sizeOf,
    send,
    attempts = 4,
    baseDelayMs = 50,
  }: {
    maxCount: number;
    maxBytes: number;
    sizeOf: (item: T) => number;
    /** Sends one batch; returns the indexes (within that batch) that failed. */
    send: (batch: T[]) => Promise<number[]>;
    attempts?: number;
    baseDelayMs?: number;
  },
): Promise<void> {
  let pending = [...items];
  for (let attempt = 1; pending.length > 0; attempt++) {
    const failed: T[] = [];
    for (const batch of chunk(pending, maxCount, maxBytes, sizeOf)) {
      const failedIndexes = await send(batch);
      for (const i of failedIndexes) failed.push(batch[i]!);
    }
    pending = failed;
    if (pending.length === 0) return;
    if (attempt >= attempts) throw new Error(`${pending.length} records still rejected after ${attempts} attempts`);
    const delay = baseDelayMs * 2 ** (attempt - 1);
    await new Promise((r) => setTimeout(r, delay / 2 + Math.random() * (delay / 2)));
  }
}

export function chunk<T>(items: readonly T[], maxCount: number, maxBytes: number, sizeOf: (item: T) => number): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (current.length > 0 && (current.length >= maxCount || bytes + size > maxBytes)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}
