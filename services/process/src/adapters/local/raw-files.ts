import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';

/** A raw file of the Firehose layout (`raw/app_id=…/year=…/month=…/day=…/hour=…/<name>`), by its object key. */
export interface RawFile {
  key: string;
  appId: string;
  /** Start of the file's UTC arrival hour, epoch ms. */
  hour: number;
}

const HOUR_DIR = /^raw\/app_id=([^/]+)\/year=(\d{4})\/month=(\d{2})\/day=(\d{2})\/hour=(\d{2})\/([^/]+)$/;
const HOUR = 3_600_000;

/**
 * The raw files under an object store root whose arrival hour overlaps [from, to), optionally of
 * one app, in arrival order: by hour, then file name (the roller names files by stream position),
 * then app. Processing needs time order across apps too: a user's state is flushed when the
 * input's clock has moved past their session.
 */
export async function listRawFiles(objectsRoot: string, filter: { appId?: string; from?: number; to?: number } = {}): Promise<RawFile[]> {
  const files: (RawFile & { name: string })[] = [];
  let entries: string[];
  try {
    entries = await readdir(join(objectsRoot, 'raw'), { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  for (const entry of entries) {
    const key = `raw/${entry.split('\\').join('/')}`;
    const m = HOUR_DIR.exec(key);
    if (!m || m[6]!.startsWith('.tmp-') || !/\.jsonl(\.gz)?$/.test(m[6]!)) continue;
    const appId = decodeURIComponent(m[1]!);
    const hour = Date.UTC(Number(m[2]), Number(m[3]) - 1, Number(m[4]), Number(m[5]));
    if (filter.appId !== undefined && appId !== filter.appId) continue;
    if (filter.from !== undefined && hour + HOUR <= filter.from) continue;
    if (filter.to !== undefined && hour >= filter.to) continue;
    files.push({ key, appId, hour, name: m[6]! });
  }
  files.sort((a, b) => a.hour - b.hour || (a.name < b.name ? -1 : a.name > b.name ? 1 : a.appId < b.appId ? -1 : a.appId > b.appId ? 1 : 0));
  return files.map(({ key, appId, hour }) => ({ key, appId, hour }));
}

/**
 * The records (lines) of one raw file, streamed; gzip files are decompressed on the fly. Lines end
 * at `\n` (a `\r` before it is dropped); empty lines are skipped. Split on the bytes, each line
 * decoded on its own — why: readline decodes whole chunks and splits them with a regular
 * expression, which cost a tenth of a run on the thread that feeds the shards.
 */
export async function* readRawFile(objectsRoot: string, key: string, onBytes?: (n: number) => void): AsyncIterable<string> {
  const stream = createReadStream(join(objectsRoot, ...key.split('/')), { highWaterMark: 256 * 1024 });
  if (onBytes) stream.on('data', (chunk) => onBytes(chunk.length));
  const input: AsyncIterable<Buffer> = key.endsWith('.gz') ? stream.pipe(createGunzip({ chunkSize: 256 * 1024 })) : stream;
  let carry: Buffer | undefined;
  for await (const chunk of input) {
    let start = 0;
    if (carry) {
      // The line cut by the previous chunk's end: only it is copied, not the whole chunk.
      const nl = chunk.indexOf(NEWLINE);
      if (nl === -1) {
        carry = Buffer.concat([carry, chunk]);
        continue;
      }
      const line = lineOf(Buffer.concat([carry, chunk.subarray(0, nl)]), 0, carry.length + nl);
      carry = undefined;
      if (line !== '') yield line;
      start = nl + 1;
    }
    for (let nl = chunk.indexOf(NEWLINE, start); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      const line = lineOf(chunk, start, nl);
      if (line !== '') yield line;
      start = nl + 1;
    }
    if (start < chunk.length) carry = chunk.subarray(start);
  }
  if (carry) {
    const line = lineOf(carry, 0, carry.length);
    if (line !== '') yield line;
  }
}

const NEWLINE = 0x0a;

function lineOf(buffer: Buffer, start: number, end: number): string {
  return buffer.toString('utf8', start, end > start && buffer[end - 1] === 0x0d ? end - 1 : end);
}
