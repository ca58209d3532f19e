import type { GeneratedUpload } from './generator.js';
import { withHashCode } from './hash-code.js';
import type { Random } from './random.js';

/**
 * The upload with one of its intact events sent twice in the same batch (same event id, same
 * fields), as a buggy integration or a proxy resending part of a queue does; processing must keep
 * one. The copy goes last, so `meta.malformedAt` positions stay right. Uploads without an intact
 * event (a late session, a refused request) come back unchanged.
 */
export function withRepeatedEvent(upload: GeneratedUpload, random: Random): GeneratedUpload {
  if (upload.meta.malformed.includes('invalid-json-body')) return upload;
  const batch = JSON.parse(upload.body) as unknown[];
  const broken = new Set(upload.meta.malformedAt);
  const intact = batch.flatMap((e, i) => (!broken.has(i) && e !== null && typeof e === 'object' ? [i] : []));
  if (intact.length === 0) return upload;
  const copy = JSON.stringify(batch[random.pick(intact)]);
  const body = `${upload.body.slice(0, upload.body.lastIndexOf(']'))},${copy}]`;
  return { ...upload, body, query: withHashCode(upload.query, body), meta: { ...upload.meta, events: upload.meta.events + 1 } };
}
