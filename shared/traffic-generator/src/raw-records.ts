import { generateTraffic, toEnvelope, type TrafficOptions } from './generator.js';
import { Random } from './random.js';

export interface RawRecordOptions extends TrafficOptions {
  /**
   * Share of stored records damaged as storage corruption would (half `corrupt-record`: a line
   * cut short; half `body-not-json`: an envelope whose body was cut). Default 0.
   */
  corruptRecords?: number;
}

/**
 * The stream as processing reads it: one JSON text line per envelope, plus optionally damaged
 * records to exercise the core's INVALID_ENVELOPE and INVALID_JSON paths (ingest never writes
 * such records, so they only come from here).
 */
export function* rawRecords(options: RawRecordOptions): Generator<string> {
  const random = Random.derive(options.seed, 'records');
  const share = options.corruptRecords ?? 0;
  for (const upload of generateTraffic(options)) {
    const envelope = toEnvelope(upload);
    if (!envelope) continue;
    const line = JSON.stringify(envelope);
    if (share > 0 && random.chance(share)) {
      if (random.chance(0.5)) yield line.slice(0, Math.floor(line.length / 2));
      else yield JSON.stringify({ ...envelope, body: envelope.body.slice(0, Math.floor(envelope.body.length / 2)) });
    } else {
      yield line;
    }
  }
}
