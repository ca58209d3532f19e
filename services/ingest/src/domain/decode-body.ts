import { isUtf8 } from 'node:buffer';
import { hash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { badRequest, payloadTooLarge } from '@clickstream/lambda-kit';
import { jsonSyntax, MAX_JSON_DEPTH } from './json-syntax.js';

const sha256Prefix = (data: Uint8Array) => hash('sha256', data, 'hex').slice(0, 8);

/**
 * The AWS Clickstream mobile SDKs (Android, Swift, and those built on them) send a compressed
 * batch as the BASE64 TEXT of the gzip bytes, with the JSON content type. Base64 of any gzip
 * stream starts with `H4sI` (its magic bytes 1f 8b 08), which raw gzip never does.
 */
const isBase64Gzip = (raw: Buffer) => raw.subarray(0, 4).toString('latin1') === 'H4sI';

// Shared: constructing a TextDecoder per request shows in ingest profiles. Non-fatal, as API
// Gateway's own decoding is.
const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

const hasBom = (b: Uint8Array) => b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;

/**
 * Turns the raw upload into the UTF-8 bytes of the batch's JSON text: decompresses gzip (raw
 * bytes, or the base64 text the mobile SDKs send) with a hard cap (so a zip bomb costs at most
 * `maxBytes` of memory), enforces the size limit, drops a leading BOM, replaces invalid UTF-8 as
 * API Gateway's text decoding does, and checks `hashCode`. The bytes stay bytes: the envelope
 * embeds them as they are.
 */
export function decodeBody(
  raw: Buffer | string,
  { gzip, hashCode, maxBytes }: { gzip: boolean; hashCode?: string; maxBytes: number },
): Buffer {
  if (!gzip && typeof raw === 'string' && Buffer.byteLength(raw, 'utf8') > maxBytes) throw payloadTooLarge(`Body exceeds ${maxBytes} bytes.`);
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
  if (hasBom(bytes)) bytes = bytes.subarray(3);
  // Rare: replacing invalid sequences keeps every stored record valid UTF-8 for the readers downstream.
  if (!isUtf8(bytes)) bytes = Buffer.from(utf8.decode(bytes), 'utf8');
  return checked(bytes, hashCode, base64 ? sent : undefined);
}

/**
 * Refuses an empty body and one whose `hashCode` matches neither the JSON text nor, for a base64
 * gzip upload, the text sent (what the Android SDK hashes: StringUtil.getHashCode of the
 * compressed string).
 */
function checked(bytes: Buffer, hashCode: string | undefined, base64Sent: Buffer | undefined): Buffer {
  if (bytes.length === 0) throw badRequest('EMPTY_BODY', 'Body is empty; send a JSON array of events.');
  if (hashCode) {
    const wanted = hashCode.toLowerCase();
    if (wanted !== sha256Prefix(bytes) && !(base64Sent && wanted === sha256Prefix(base64Sent))) {
      throw badRequest('HASH_MISMATCH', 'hashCode does not match the body; the upload is corrupt.');
    }
  }
  return bytes;
}

/**
 * Checks the body is a JSON array or object: event-level validation belongs to the process
 * service, ingest only rejects request-level garbage.
 */
export function assertJsonBatch(bytes: Uint8Array): void {
  switch (jsonSyntax(bytes)) {
    case 'array':
    case 'object':
      return;
    case 'scalar':
      throw badRequest('NOT_A_BATCH', 'Body must be a JSON array of events (or one event object).');
    case 'too-deep':
      throw badRequest('INVALID_JSON', `Body nests JSON deeper than ${MAX_JSON_DEPTH} levels.`);
    case 'invalid':
      throw badRequest('INVALID_JSON', 'Body is not valid JSON.');
  }
}
