import { encodedLine, generateTraffic, toEnvelopeHeader, type TrafficOptions } from './generator.js';
import { Random } from './random.js';

export interface RawRecordOptions extends TrafficOptions {
  /**
   * Share of stored records damaged as storage corruption would (half `corrupt-record`: a line
   * cut short; half `body-not-json`: an envelope whose body was cut). Default 0.
   */
  corruptRecords?: number;
}

/**
 * The stream as processing reads it: one line per upload ingest accepted, a RawEnvelopeV2 exactly
 * as ingest writes it (the body's JSON spliced in by `encodeRawEnvelopeV2`), plus optionally
 * damaged records to exercise the core's INVALID_ENVELOPE and INVALID_JSON paths (ingest never
 * writes such records, so they only come from here). A body that is not JSON cannot be embedded
 * in a v2 envelope, so a `body-not-json` record is a v1 envelope (body as a string), the form
 * raw files written before v2 hold.
 */
export function* rawRecords(options: RawRecordOptions): Generator<string> {
  const random = Random.derive(options.seed, 'records');
  const share = options.corruptRecords ?? 0;
  for (const upload of generateTraffic(options)) {
    const header = toEnvelopeHeader(upload);
    if (!header) continue;
    const line = encodedLine(header, upload.body);
    if (share > 0 && random.chance(share)) {
      if (random.chance(0.5)) yield line.slice(0, Math.floor(line.length / 2));
      else yield JSON.stringify({ v: 1, ...header, body: upload.body.slice(0, Math.floor(upload.body.length / 2)) });
    } else {
      yield line;
    }
  }
}
