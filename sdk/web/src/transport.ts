/**
 * One upload in the ingest wire format. Bodies go as plain text (the default type of a string
 * body): a CORS "simple" request needs no preflight and is what sendBeacon sends anyway.
 */
import type { Options } from './types.js';

export const KEEPALIVE_MAX_BYTES = 65_536;
/** Below this gzip saves too little to pay for itself. */
const GZIP_MIN_CHARS = 1_024;
const TIMEOUT_MS = 30_000;

/** Where to: the parts of the options an upload needs (`compression` off only when false). */
export type Target = Pick<Options, 'endpoint' | 'appId' | 'compression'>;

export function uploadUrl(target: Target, sequence: number, extra: Record<string, string> = {}): string {
  const query = new URLSearchParams({
    platform: 'Web',
    appId: target.appId,
    event_bundle_sequence_id: String(sequence),
    upload_timestamp: String(Date.now()),
    ...extra,
  });
  return `${target.endpoint}?${query}`;
}

/** First 8 hex of SHA-256; WebCrypto exists only in secure contexts, elsewhere the optional check is left out. */
async function hashCode(text: string): Promise<Record<string, string>> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return {};
  const digest = await subtle.digest('SHA-256', new TextEncoder().encode(text));
  return { hashCode: new DataView(digest).getUint32(0).toString(16).padStart(8, '0') };
}

async function gzip(text: string): Promise<ArrayBuffer> {
  return new Response(new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer();
}

/**
 * Uploads a batch; answers the HTTP status, or 0 when the request never got one. `leaving`
 * skips the hash and gzip so the request starts synchronously, while the page still exists.
 */
export async function post(target: Target, sequence: number, json: string, bytes: number, leaving = false): Promise<number> {
  try {
    const extra = leaving ? {} : await hashCode(json);
    let body: string | ArrayBuffer = json;
    if (!leaving && target.compression !== false && json.length >= GZIP_MIN_CHARS && typeof CompressionStream == 'function') {
      body = await gzip(json);
      extra.compression = 'gzip';
    }
    const response = await fetch(uploadUrl(target, sequence, extra), {
      method: 'POST',
      body,
      credentials: 'omit',
      keepalive: bytes < KEEPALIVE_MAX_BYTES,
      signal: AbortSignal.timeout?.(TIMEOUT_MS),
    });
    return response.status;
  } catch {
    return 0;
  }
}

/**
 * Hands a batch to the browser as the page goes away; must run synchronously inside the
 * pagehide/visibilitychange handler. Answers whether the browser took it.
 */
export function beacon(target: Target, sequence: number, json: string): boolean {
  try {
    return navigator.sendBeacon(uploadUrl(target, sequence), json);
  } catch {
    return false;
  }
}
