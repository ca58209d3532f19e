// Reading raw files line by line: gzip or plain, lines cut across read chunks (multi-byte text
// included), CRLF endings, empty lines and a missing final newline.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readRawFile } from '../src/adapters/local/raw-files.js';

async function linesOf(root: string, key: string): Promise<string[]> {
  const out: string[] = [];
  for await (const line of readRawFile(root, key)) out.push(line);
  return out;
}

describe('readRawFile', () => {
  it('gives every line once, whole, however the reads cut them', async (t) => {
    const root = await mkdtemp(join(tmpdir(), 'raw-files-'));
    t.after(() => rm(root, { recursive: true, force: true }));
    const dir = join(root, 'raw', 'app_id=a', 'year=2026', 'month=11', 'day=01', 'hour=00');
    await mkdir(dir, { recursive: true });
    const lines = [
      '{"v":2,"small":1}',
      `{"big":"${'é€😀x'.repeat(120_000)}"}`, // ~1.3 MB of multi-byte text: spans several read chunks
      '{"after":"big"}',
      `{"edge":"${'y'.repeat(256 * 1024 - 20)}"}`,
      'ünïcode ✓',
    ];
    const text = `${lines[0]}\r\n\n${lines.slice(1).join('\n')}`; // CRLF, an empty line, no final newline
    await writeFile(join(dir, 'f.jsonl'), text);
    await writeFile(join(dir, 'f.jsonl.gz'), gzipSync(Buffer.from(`${text}\n`)));
    assert.deepEqual(await linesOf(root, 'raw/app_id=a/year=2026/month=11/day=01/hour=00/f.jsonl'), lines);
    assert.deepEqual(await linesOf(root, 'raw/app_id=a/year=2026/month=11/day=01/hour=00/f.jsonl.gz'), lines);
  });
});
