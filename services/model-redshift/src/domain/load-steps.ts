// The steps of the load state machine (asl/load.asl.json), one function per Task state. Each is
// given its ports and its already-validated input and returns the state's result; the handlers in
// src/handlers/load-*.ts only parse and call these, so the same code runs under Step Functions and
// under the embedded engine.
import { RedshiftLoadCompleted, RedshiftLoadFailed, TableName } from '@clickstream/contracts';
import * as z from 'zod';
import type { ModelRedshiftPorts } from '../ports/index.js';
import type { ClaimedFile } from '../ports/file-tracker.js';
import { failureOutcomes } from './backoff.js';
import { LeaseLost, StatementFailed, StatementTimeout, causeMessage, errorCode } from './errors.js';
import { newLoadId } from './load-id.js';
import { copyStatements, mergeStatements } from './load-statements.js';

type Ports = Pick<ModelRedshiftPorts, 'files' | 'leases' | 'manifests' | 'statements' | 'publisher' | 'clock' | 'settings' | 'launcher'>;

const Owner = z.string().min(1).max(128);
const LoadId = z.string().min(1).max(128);
const Claimed = z.object({ key: z.string().min(1), appId: z.string().min(1), rows: z.number().int().nonnegative(), attempts: z.number().int().nonnegative() });
const StatementRef = z.object({ statementId: z.string().min(1), startedAt: z.number().int().nonnegative() });
const Step = z.enum(['copy', 'merge']);

export const LeaseInput = z.object({ table: TableName, owner: Owner });
export const ClaimInput = LeaseInput;
export const ManifestInput = z.object({ table: TableName, loadId: LoadId, files: z.array(Claimed).min(1) });
export const CopyInput = z.object({ table: TableName, files: z.array(Claimed).min(1), manifests: z.array(z.string().min(1)).min(1) });
export const MergeInput = z.object({ table: TableName });
export const CheckInput = StatementRef.extend({ step: Step });
export const BatchInput = z.object({ table: TableName, loadId: LoadId, files: z.array(Claimed).min(1) });
export const FailInput = BatchInput.extend({ error: z.object({ Error: z.string(), Cause: z.unknown().optional() }) });
export const PublishFailedInput = BatchInput.extend({
  attempt: z.number().int().positive(),
  error: z.object({ code: z.string().min(1), message: z.string() }),
});
export const ContinueInput = z.object({ table: TableName, chainId: Owner, generation: z.number().int().nonnegative() });

export async function acquireLease(p: Ports, input: z.output<typeof LeaseInput>) {
  const acquired = await p.leases.acquire(input.table, input.owner, p.clock.now(), p.settings.LEASE_TTL_SECONDS * 1000);
  return { acquired, owner: input.owner };
}

/**
 * Renews the lease (each batch), then claims up to LOAD_BATCH_FILES candidate files. `more` says a
 * further batch is waiting; `maxBatches` is how many one execution may do before handing over.
 */
export async function claimFiles(p: Ports, input: z.output<typeof ClaimInput>) {
  const now = p.clock.now();
  if (!(await p.leases.acquire(input.table, input.owner, now, p.settings.LEASE_TTL_SECONDS * 1000))) {
    throw new LeaseLost(input.table, input.owner);
  }
  const loadId = newLoadId(input.table, now);
  const batch = p.settings.LOAD_BATCH_FILES;
  const candidates = await p.files.candidates(input.table, now, batch + 1, loadId);
  const files: ClaimedFile[] = [];
  for (const file of candidates.slice(0, batch)) {
    if (await p.files.claim(file, loadId, now)) {
      // A file left LOADING by a dead load counts that load as a failed attempt.
      files.push({ key: file.key, appId: file.appId, rows: file.rows, attempts: file.status === 'LOADING' ? file.attempts + 1 : file.attempts });
    }
  }
  return { loadId, files, count: files.length, more: candidates.length > batch, maxBatches: p.settings.LOAD_MAX_BATCHES_PER_EXECUTION };
}

export async function writeManifests(p: Ports, input: z.output<typeof ManifestInput>) {
  const uris = await p.manifests.write(input.table, input.loadId, input.files.map((f) => f.key));
  return { uris };
}

export async function startCopy(p: Ports, input: z.output<typeof CopyInput>) {
  const statements = copyStatements(input.table, input.files.map((f) => f.key), input.manifests);
  return { statementId: await p.statements.start(statements), startedAt: p.clock.now() };
}

export async function startMerge(p: Ports, input: z.output<typeof MergeInput>) {
  return { statementId: await p.statements.start(mergeStatements(input.table)), startedAt: p.clock.now() };
}

/** One poll: RUNNING (the state machine waits and polls again) or FINISHED; a failure or timeout throws. */
export async function checkStatement(p: Ports, input: z.output<typeof CheckInput>) {
  const state = await p.statements.describe(input.statementId);
  if (state.status === 'FAILED') throw new StatementFailed(input.step, state.error ?? 'no reason given');
  if (state.status === 'RUNNING' && p.clock.now() - input.startedAt > p.settings.STATEMENT_TIMEOUT_SECONDS * 1000) {
    throw new StatementTimeout(input.step, p.settings.STATEMENT_TIMEOUT_SECONDS);
  }
  return { statementId: input.statementId, startedAt: input.startedAt, status: state.status };
}

export async function markLoaded(p: Ports, input: z.output<typeof BatchInput>) {
  const marked = await p.files.markLoaded(input.files.map((f) => f.key), input.loadId, p.clock.now());
  return { marked, rows: input.files.reduce((n, f) => n + f.rows, 0) };
}

export async function publishCompleted(p: Ports, input: z.output<typeof BatchInput>) {
  await p.publisher.publish(RedshiftLoadCompleted, {
    loadId: input.loadId,
    table: input.table,
    files: input.files.map((f) => f.key),
    rowsMerged: input.files.reduce((n, f) => n + f.rows, 0),
    completedAt: new Date(p.clock.now()).toISOString(),
  });
  return { published: true };
}

/** Marks the batch FAILED with one more attempt each and their retry times (none once exhausted). */
export async function markFailed(p: Ports, input: z.output<typeof FailInput>) {
  const now = p.clock.now();
  const outcomes = failureOutcomes(input.files, now, p.settings);
  const message = causeMessage(input.error.Cause) || input.error.Error;
  const error = { code: errorCode(input.error.Error), message: message.slice(0, 2000) };
  const marked = await p.files.markFailed(outcomes, input.loadId, `${error.code}: ${error.message}`, now);
  return {
    marked,
    attempt: Math.max(...outcomes.map((o) => o.attempts)),
    error,
    waitingForOperator: outcomes.filter((o) => o.nextAttemptAt === undefined).map((o) => o.key),
  };
}

export async function publishFailed(p: Ports, input: z.output<typeof PublishFailedInput>) {
  await p.publisher.publish(RedshiftLoadFailed, {
    loadId: input.loadId,
    table: input.table,
    files: input.files.map((f) => f.key),
    attempt: input.attempt,
    error: input.error,
    failedAt: new Date(p.clock.now()).toISOString(),
  });
  return { published: true };
}

export async function releaseLease(p: Ports, input: z.output<typeof LeaseInput>) {
  await p.leases.release(input.table, input.owner);
  return { released: true };
}

/** Hands the backlog and the lease to a new execution of the same chain, keeping each history short. */
export async function continueInChild(p: Ports, input: z.output<typeof ContinueInput>) {
  const generation = input.generation + 1;
  await p.launcher.start({ table: input.table, chainId: input.chainId, generation }, 'backlog continues');
  return { generation };
}
