import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { badRequest, payloadTooLarge } from '@clickstream/lambda-kit';

// A string is hashed as its UTF-8 bytes.
const sha256Prefix = (data: string | Buffer) => createHash('sha256').update(data).digest('hex').slice(0, 8);

/**
 * The AWS Clickstream mobile SDKs (Android, Swift, and those built on them) send a compressed
 * batch as the BASE64 TEXT of the gzip bytes, with the JSON content type. Base64 of any gzip
 * stream starts with `H4sI` (its magic bytes 1f 8b 08), which raw gzip never does.
 */
const isBase64Gzip = (raw: Buffer) => raw.subarray(0, 4).toString('latin1') === 'H4sI';

// Shared: constructing a TextDecoder per request shows in ingest profiles. Non-fatal, as API
// Gateway's own decoding is; a leading BOM is dropped.
const utf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * Turns the raw upload into the JSON text of the batch: decompresses gzip (raw bytes, or the
 * base64 text the mobile SDKs send) with a hard cap (so a zip bomb costs at most `maxBytes` of
 * memory), enforces the size limit, and checks `hashCode`. A body that API Gateway already
 * delivered as text is used as it is, without a round trip through bytes.
 */
export function decodeBody(
  raw: Buffer | string,
  { gzip, hashCode, maxBytes }: { gzip: boolean; hashCode?: string; maxBytes: number },
): string {
  if (!gzip && typeof raw === 'string') {
    if (Buffer.byteLength(raw, 'utf8') > maxBytes) throw payloadTooLarge(`Body exceeds ${maxBytes} bytes.`);
    const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    return checked(text, hashCode, undefined);
  }
  const sent = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  let bytes = sent;
  const base64 = gzip && isBase64Gzip(sent);
  if (gzip) {
    try {
      bytes = gunzipSync(base64 ? Buffer.from(sent.toString('latin1'), 'base64') : sent, { maxOutputLength: maxBytes });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
        throw payloadTooLarge(`Decompressed body exceeds ${maxBytes} bytes.`);
      }
      throw badRequest('BAD_GZIP', 'Body is not valid gzip (compression=gzip was given).');
    }
  }
  if (bytes.length > maxBytes) throw payloadTooLarge(`Body exceeds ${maxBytes} bytes.`);
  return checked(utf8.decode(bytes), hashCode, base64 ? sent : undefined);
}

/**
 * Refuses an empty body and one whose `hashCode` matches neither the JSON text nor, for a base64
 * gzip upload, the text sent (what the Android SDK hashes: StringUtil.getHashCode of the
 * compressed string).
 */
function checked(text: string, hashCode: string | undefined, base64Sent: Buffer | undefined): string {
  if (text.length === 0) throw badRequest('EMPTY_BODY', 'Body is empty; send a JSON array of events.');
  if (hashCode) {
    const wanted = hashCode.toLowerCase();
    if (wanted !== sha256Prefix(text) && !(base64Sent && wanted === sha256Prefix(base64Sent))) {
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
