// `node process-core.cjs [--config run.json]`: the processing core as a Unix filter, for Spark's
// `rdd.pipe` on EMR Serverless (and anything else that can run a command).
//
//   stdin:  JSON lines: raw envelopes (RawEnvelope v2, or v1 from older raw files), optionally preceded by the
//           `{"table":"session_state","row":…}` lines a previous run emitted
//   stdout: JSON lines tagged by table: {"table":"events","row":{…}}, … sessions, users, items,
//           bad_rows, and session_state (open server sessions for the next run)
//   config: --config <file> or CLICKSTREAM_PROCESS_CONFIG (JSON, see pipe-config.ts)
//   exit:   0 when the input was processed (bad input becomes bad_rows), 2 for a bad
//           configuration, 1 for anything else
//
// The output is deterministic: the same input lines and configuration give the same output bytes.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { ProcessingCore } from '../domain/core/processing-core.js';
import { DATABASE_FILES, useIpLocationDatabases } from '../domain/geo/ip-locations.js';
import { settingsFromPipeConfig } from './pipe-config.js';

const FLUSH_AT = 1 << 20;

let out: string[] = [];
let size = 0;

async function flush(): Promise<void> {
  if (out.length === 0) return;
  const chunk = out.join('');
  out = [];
  size = 0;
  if (!process.stdout.write(chunk)) await new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()));
}

function line(table: string, row: unknown): void {
  const text = `{"table":"${table}","row":${JSON.stringify(row)}}\n`;
  out.push(text);
  size += text.length;
}

async function main(): Promise<number> {
  let core: ProcessingCore;
  try {
    const { values } = parseArgs({ options: { config: { type: 'string' } } });
    const text = values.config !== undefined ? readFileSync(values.config, 'utf8') : process.env.CLICKSTREAM_PROCESS_CONFIG;
    if (text === undefined) throw new Error('no configuration: pass --config <file> or set CLICKSTREAM_PROCESS_CONFIG');
    const settings = settingsFromPipeConfig(JSON.parse(text));
    // Binds every app's steps now: a configuration naming an unknown step fails before any output.
    core = new ProcessingCore(settings, { row: line, openSession: (s) => line('session_state', s) });
  } catch (error) {
    process.stderr.write(`process-core: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  // The bundle ships the geo databases beside itself (the npm package is not there).
  const script = process.argv[1];
  if (script) {
    const folder = dirname(realpathSync(script));
    if (existsSync(join(folder, DATABASE_FILES.ipv4))) useIpLocationDatabases(folder);
  }

  const input = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const record of input) {
    if (record === '') continue;
    core.push(record);
    if (size >= FLUSH_AT) await flush();
  }
  core.end();
  await flush();
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`process-core: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
