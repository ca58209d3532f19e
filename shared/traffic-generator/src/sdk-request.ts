import { gzipSync } from 'node:zlib';
import type { GeneratedUpload, SdkRequest } from './generator.js';

/**
 * The request exactly as the SDK puts it on the wire: the web SDK posts the JSON text; the Android
 * and Swift SDKs post the base64 text of its gzip (with `compression=gzip`), which ingest decodes.
 */
export function toSdkRequest(upload: GeneratedUpload): SdkRequest {
  const compressed = upload.query.compression === 'gzip';
  const body = compressed ? gzipSync(Buffer.from(upload.body, 'utf8')).toString('base64') : upload.body;
  return {
    method: 'POST',
    path: `/collect?${new URLSearchParams(upload.query).toString()}`,
    query: upload.query,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': upload.userAgent,
      ...(upload.origin ? { origin: upload.origin } : {}),
    },
    body,
    sentAt: upload.receivedAt,
    clientIp: upload.clientIp,
  };
}
