// `npm run sql`: SQL on the embedded warehouse, with the same table and analysis views the console
// and Athena users get.
//
//   npm run sql                                   interactive prompt (end a statement with `;`)
//   npm run sql -- -e "SELECT count(*) FROM events_deduped"
//   npm run sql -- --format csv -e "…" > out.csv  (table | csv | json)
//   npm run sql -- --data-dir /path/to/.clickstream
//
// It opens its own in-memory DuckDB over the Parquet files instead of the server's
// warehouse.duckdb, because DuckDB lets one process at a time open a database file for writing
// and the running server holds it; Parquet files appear atomically, so reading beside a running
// server is safe.
import { DuckDbWarehouse } from '@clickstream/runtime';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { DuckDbCatalog } from '../src/adapters/local/duckdb-catalog.js';
import { loadViewFiles } from '../src/domain/view-files.js';
import { formatRows, isOutputFormat, type OutputFormat } from './sql-format.js';

const usage = `usage: npm run sql [-- [--data-dir DIR] [--format table|csv|json] [-e "SQL"]]`;

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string', default: process.env.DATA_DIR ?? '.clickstream' },
    execute: { type: 'string', short: 'e' },
    format: { type: 'string', default: 'table' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const format = values.format ?? 'table';
if (!isOutputFormat(format)) {
  console.error(`unknown --format ${format}\n${usage}`);
  process.exit(2);
}

const dataDir = resolve(values['data-dir'] ?? '.clickstream');
const warehouse = await DuckDbWarehouse.open(':memory:', resolve(dataDir, 'warehouse'));
const catalog = new DuckDbCatalog(warehouse, loadViewFiles());
await catalog.refreshViews();

async function run(sql: string, output: OutputFormat): Promise<boolean> {
  try {
    const rows = await warehouse.withConnection(async (c) => (await c.runAndReadAll(sql)).getRowObjectsJS());
    process.stdout.write(formatRows(rows, output));
    return true;
  } catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}

if (values.execute !== undefined) {
  const ok = await run(values.execute, format);
  warehouse.close();
  process.exit(ok ? 0 : 1);
}

const interactive = process.stdin.isTTY;
if (interactive) {
  console.log(`Clickstream SQL on ${dataDir}/warehouse (DuckDB dialect). Statements end with ';'.`);
  console.log('.tables lists tables and views, .format table|csv|json switches output, .quit leaves.');
}
const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: 'clickstream> ', terminal: interactive });
let buffer = '';
let output: OutputFormat = format;
let failures = 0;
if (interactive) rl.prompt();
for await (const line of rl) {
  const trimmed = line.trim();
  if (buffer === '' && trimmed.startsWith('.')) {
    const [command, arg] = trimmed.split(/\s+/);
    if (command === '.quit' || command === '.exit') break;
    if (command === '.tables') await run(`SELECT table_name AS name, table_type AS kind FROM information_schema.tables ORDER BY 1`, output);
    else if (command === '.format' && arg && isOutputFormat(arg)) output = arg;
    else console.error('commands: .tables, .format table|csv|json, .quit');
  } else {
    buffer += `${line}\n`;
    if (trimmed.endsWith(';')) {
      if (!(await run(buffer, output))) failures++;
      buffer = '';
    }
  }
  if (interactive) {
    rl.setPrompt(buffer === '' ? 'clickstream> ' : '        ...> ');
    rl.prompt();
  }
}
// A statement piped in without its final `;` still runs.
if (buffer.trim() !== '' && !(await run(buffer, output))) failures++;
rl.close();
warehouse.close();
process.exit(!interactive && failures > 0 ? 1 : 0);
