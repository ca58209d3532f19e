import * as z from 'zod';
import { AppId } from './common.js';

/**
 * What the ingest service makes durable for every accepted request (one Kinesis record, one
 * line of the local log). Event-level validation happens later, in the process service, so the
 * body is kept verbatim as text.
 */
export const RawEnvelopeV1 = z.object({
  v: z.literal(1),
  /** Unique per accepted request; lets processing recognise a record it has already seen. */
  requestId: z.string().min(1),
  /** Server receive time, epoch ms; bounded so every row lands in a partition the catalog accepts (years 2000-2999). */
  ingestTime: z.number().int().min(Date.UTC(2000, 0, 1)).max(Date.UTC(3000, 0, 1) - 1),
  appId: AppId,
  platform: z.string().max(64).optional(),
  clientIp: z.string().max(64).optional(),
  userAgent: z.string().max(2048).optional(),
  /** The request's query parameters (upload_timestamp, event_bundle_sequence_id, hashCode, …). */
  query: z.record(z.string(), z.string()),
  /** The decompressed request body, verbatim. */
  body: z.string(),
});
export type RawEnvelopeV1 = z.infer<typeof RawEnvelopeV1>;
