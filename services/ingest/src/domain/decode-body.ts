import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { badRequest, payloadTooLarge } from '@clickstream/lambda-kit';

const sha256Prefix = (data: string | Buffer) => createHash('sha256').update(data).digest('hex').slice(0, 8);

/**
 * The AWS Clickstream mobile SDKs (Android, Swift, and those built on them) send a compressed
 * batch as the BASE64 TEXT of the gzip bytes, with the JSON content type. Base64 of any gzip
 * stream starts with `H4sI` (its magic bytes 1f 8b 08), which raw gzip never does.
 */
const isBase64Gzip = (raw: Buffer) => raw.subarray(0, 4).toString('latin1') === 'H4sI';

/**
 * Turns the raw upload into the JSON text of the batch: decompresses gzip (raw bytes, or the
 * base64 text the mobile SDKs send) with a hard cap (so a zip bomb costs at most `maxBytes` of
 * memory), enforces the size limit, and checks `hashCode`.
 */
export function decodeBody(
  raw: Buffer,
  { gzip, hashCode, maxBytes }: { gzip: boolean; hashCode?: string; maxBytes: number },
): string {
  let bytes = raw;
  const base64 = gzip && isBase64Gzip(raw);
  if (gzip) {
    try {
      bytes = gunzipSync(base64 ? Buffer.from(raw.toString('latin1'), 'base64') : raw, { maxOutputLength: maxBytes });
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
    // The hash of the JSON text; for a base64 body also the hash of the text sent, which is what
    // the Android SDK computes (StringUtil.getHashCode of the compressed string).
    const wanted = hashCode.toLowerCase();
    if (wanted !== sha256Prefix(Buffer.from(text, 'utf8')) && !(base64 && wanted === sha256Prefix(raw))) {
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
