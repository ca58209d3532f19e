// `npm run redshift:retry-failed`: puts files whose Redshift load failed K times (FAILED without a
// retry time: they wait for an operator) back to NEW, so the next load takes them. Also frees a
// stuck table lease. Fix the cause first (the file's lastError says what COPY/MERGE reported).
//
//   npm run redshift:retry-failed                          embedded: the files under DATA_DIR (default ./.clickstream)
//   npm run redshift:retry-failed -- --data-dir DIR
//   npm run redshift:retry-failed -- --stage prod [--region eu-west-1]   AWS: the stage's DynamoDB files table
//   npm run redshift:retry-failed -- --files-table NAME                  AWS, naming the table (or FILES_TABLE=…)
//   … [--table events]      only that warehouse table's files
//   … [--dry-run]           list what would be reset, change nothing
//   … --release-lease events   free the table's load lease (only when no execution of it is running)
//
// AWS mode uses the usual credential chain (AWS_PROFILE, …) and needs dynamodb:Query/UpdateItem
// (and DeleteItem for --release-lease) on the table. The reset files load on the next scheduled
// run (every 5 minutes by default), or at once with a new ProcessingCompleted.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TableName } from '@clickstream/contracts';
import { FsObjectStore } from '@clickstream/runtime';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDbFileTracker, DynamoDbLeases } from '../src/adapters/aws/dynamodb-file-tracker.js';
import { ObjectStoreFileTracker } from '../src/adapters/local/object-store-file-tracker.js';
import { ObjectStoreLeases } from '../src/adapters/local/object-store-leases.js';
import type { FileTracker, LeaseStore } from '../src/ports/file-tracker.js';

const usage =
  'usage: npm run redshift:retry-failed -- [--data-dir DIR | --stage STAGE [--region R] | --files-table NAME] [--table T] [--dry-run] [--release-lease T]';

function fail(message: string): never {
  console.error(`${message}\n${usage}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      stage: { type: 'string' },
      region: { type: 'string' },
      'files-table': { type: 'string' },
      table: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      'release-lease': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  fail((error as Error).message);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}

const parseTable = (value: string | undefined, flag: string): TableName | undefined => {
  if (value === undefined) return undefined;
  const parsed = TableName.safeParse(value);
  if (!parsed.success) fail(`${flag} must be one of ${TableName.options.join(', ')}, got ${JSON.stringify(value)}`);
  return parsed.data;
};
const table = parseTable(values.table, '--table');
const leaseTable = parseTable(values['release-lease'], '--release-lease');

const filesTable = values['files-table'] ?? (values.stage ? `clickstream-model-redshift-${values.stage}-files` : process.env.FILES_TABLE);
if (filesTable && values['data-dir']) fail('--data-dir is the embedded mode; --stage / --files-table the AWS one: pick one');

let files: FileTracker;
let leases: LeaseStore;
let where: string;
if (filesTable) {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient(values.region ? { region: values.region } : {}));
  files = new DynamoDbFileTracker(filesTable, doc);
  leases = new DynamoDbLeases(filesTable, doc);
  where = `DynamoDB table ${filesTable}`;
} else {
  const dataDir = resolve(values['data-dir'] ?? process.env.DATA_DIR ?? '.clickstream');
  const store = new FsObjectStore(resolve(dataDir, 'objects'));
  files = new ObjectStoreFileTracker(store);
  leases = new ObjectStoreLeases(store);
  where = `embedded data directory ${dataDir}`;
}

try {
  if (leaseTable) {
    const holder = await leases.holder(leaseTable, Date.now());
    if (values['dry-run']) {
      console.log(holder ? `lease on ${leaseTable} held by ${holder.owner} until ${new Date(holder.expiresAt).toISOString()}` : `no live lease on ${leaseTable}`);
    } else {
      await leases.forceRelease(leaseTable);
      console.log(`released the ${leaseTable} lease${holder ? ` (was ${holder.owner}, expiring ${new Date(holder.expiresAt).toISOString()})` : ''} in ${where}`);
    }
  }

  const exhausted = (await files.listByStatus('FAILED')).filter((f) => f.nextAttemptAt === undefined && (!table || f.table === table));
  if (exhausted.length === 0) {
    console.log(`no files wait for an operator in ${where}${table ? ` (table ${table})` : ''}`);
    process.exit(0);
  }
  for (const f of exhausted) console.log(`${f.table}\t${f.key}\tattempts=${f.attempts}\t${f.lastError ?? ''}`);
  if (values['dry-run']) {
    console.log(`${exhausted.length} file(s) would be reset to NEW (dry run: nothing changed)`);
  } else {
    const reset = await files.resetExhausted(Date.now(), table);
    console.log(`${reset.length} file(s) reset to NEW in ${where}; the next scheduled load takes them`);
  }
} catch (error) {
  console.error(`retry-failed: ${(error as Error).message}`);
  process.exit(1);
}
