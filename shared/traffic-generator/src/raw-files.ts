import { parseRawEnvelopeHeader, type RawEnvelope } from '@clickstream/contracts';
import { FsObjectStore } from '@clickstream/runtime';
import { gzipSync } from 'node:zlib';
import { encodedLine } from './generator.js';

/**
 * The S3 layout of raw files as Firehose (and the embedded roller in services/ingest) writes it:
 * `raw/app_id=…/year=YYYY/month=MM/day=DD/hour=HH/` by the envelope's app and UTC arrival time.
 * Copied from ingest's raw-file-layout.ts (packages do not import services); keep the two equal.
 */
export function rawPrefix(appId: string, ingestTime: number): string {
  const d = new Date(ingestTime);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `raw/app_id=${appId}/year=${d.getUTCFullYear()}/month=${pad(d.getUTCMonth() + 1)}/day=${pad(d.getUTCDate())}/hour=${pad(d.getUTCHours())}/`;
}

/** Where records that no partitioning can read go (Firehose's error prefix). */
export const UNPARTITIONABLE_PREFIX = 'errors/unpartitionable/';

export type PutObject = (key: string, body: Buffer) => Promise<void>;

export interface RawFilesOptions {
  /** gzip the files (`.jsonl.gz`, as Firehose and the embedded roller do) or not (`.jsonl`). Default true. */
  gzip?: boolean;
  /** Records per roll (the embedded roller's default is 10,000). */
  recordsPerRoll?: number;
  /** Stream position of the first record; file names carry each roll's [from, to) range. */
  firstPosition?: number;
}

export interface RawFilesResult {
  /** Object keys written, in order. */
  keys: string[];
  records: number;
}

/**
 * Writes records (envelope lines, or envelopes: a v2 one is serialised by
 * `encodeRawEnvelopeV2`, a v1 one as JSON) as the embedded Firehose does: every roll of
 * `recordsPerRoll` records becomes one file per prefix, named `clickstream-<from>-<to>.jsonl[.gz]`
 * with 20-digit positions, lines joined by `\n` with a final `\n`. A record that is not an
 * envelope goes to `errors/unpartitionable/`. `target` is a directory (the object store's root:
 * keys become paths below it, written atomically) or a put function (e.g. an object store's).
 * Memory holds one roll.
 */
export async function writeRawFiles(
  records: Iterable<RawEnvelope | string> | AsyncIterable<RawEnvelope | string>,
  target: string | PutObject,
  options: RawFilesOptions = {},
): Promise<RawFilesResult> {
  const gzip = options.gzip ?? true;
  const perRoll = options.recordsPerRoll ?? 10_000;
  // A folder is written the way the embedded object store writes: atomically, via FsObjectStore.
  const put: PutObject = typeof target === 'string' ? (key, body) => new FsObjectStore(target).put(key, body) : target;
  const keys: string[] = [];
  let position = options.firstPosition ?? 0;
  let rollStart = position;
  let groups = new Map<string, string[]>();

  const flush = async () => {
    const name = `clickstream-${String(rollStart).padStart(20, '0')}-${String(position).padStart(20, '0')}.jsonl${gzip ? '.gz' : ''}`;
    for (const [prefix, lines] of groups) {
      const text = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
      await put(`${prefix}${name}`, gzip ? gzipSync(text) : text);
      keys.push(`${prefix}${name}`);
    }
    groups = new Map();
    rollStart = position;
  };

  for await (const record of records) {
    const line = typeof record === 'string' ? record : lineOf(record);
    const prefix = prefixOf(line);
    const group = groups.get(prefix);
    if (group) group.push(line);
    else groups.set(prefix, [line]);
    position++;
    if (position - rollStart >= perRoll) await flush();
  }
  if (position > rollStart) await flush();
  return { keys, records: position - (options.firstPosition ?? 0) };
}

function lineOf(envelope: RawEnvelope): string {
  if (envelope.v === 1) return JSON.stringify(envelope);
  const { v: _v, body, ...header } = envelope;
  return encodedLine(header, JSON.stringify(body));
}

/** The partition of a line, read from its header alone (its body is not parsed). */
function prefixOf(line: string): string {
  const header = parseRawEnvelopeHeader(line);
  return header ? rawPrefix(header.appId, header.ingestTime) : UNPARTITIONABLE_PREFIX;
}
