import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { badRequest, payloadTooLarge } from '@clickstream/lambda-kit';

/**
 * Turns the raw upload into the JSON text of the batch: decompresses gzip with a hard cap (so a
 * zip bomb costs at most `maxBytes` of memory), enforces the size limit, and checks `hashCode`.
 */
export function decodeBody(
  raw: Buffer,
  { gzip, hashCode, maxBytes }: { gzip: boolean; hashCode?: string; maxBytes: number },
): string {
  let bytes = raw;
  if (gzip) {
    try {
      bytes = gunzipSync(raw, { maxOutputLength: maxBytes });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
        throw payloadTooLarge(`Decompressed body exceeds ${maxBytes} bytes.`);
      }
      throw badRequest('BAD_GZIP', 'Body is not valid gzip (compression=gzip was given).');
    }
  }
  if (bytes.length > maxBytes) throw payloadTooLarge(`Body exceeds ${maxBytes} bytes.`);
  if (bytes.length === 0) throw badRequest('EMPTY_BODY', 'Body is empty; send a JSON array of events.');
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (hashCode) {
    const expected = createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 8);
    if (hashCode.toLowerCase() !== expected) {
      throw badRequest('HASH_MISMATCH', 'hashCode does not match the body; the upload is corrupt.');
    }
  }
  return text;
}

/**
 * Checks the body is a JSON array or object without keeping the parsed value: event-level
 * validation belongs to the process service, ingest only rejects request-level garbage.
 */
export function assertJsonBatch(text: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badRequest('INVALID_JSON', 'Body is not valid JSON.');
  }
  if (parsed === null || typeof parsed !== 'object') {
    throw badRequest('NOT_A_BATCH', 'Body must be a JSON array of events (or one event object).');
  }
}
