import { AppDeleted, AppRegistered, AppUpdated, PipelineConfigChanged, type DetailInputOf, type EventContract } from '@clickstream/contracts';
import { validatedDetail, type Clock, type EventPublisher } from '@clickstream/lambda-kit';
import { randomUUID } from 'node:crypto';
import type { Outbox, OutboxMessage, OutboxRecord } from '../ports/outbox.js';

/** The contracts console-api announces through its outbox. */
const announced: readonly EventContract[] = [AppRegistered, AppUpdated, AppDeleted, PipelineConfigChanged];
const contractOf = new Map(announced.map((c) => [c.detailType, c]));

export const appAggregate = (appId: string) => `APP#${appId}`;
export const pipelineAggregate = (projectId: string) => `PIPELINE#${projectId}`;

/**
 * The outbox message announcing a change. The detail is validated now, so an invalid one fails the
 * change instead of sitting in the outbox forever.
 */
export function outboxMessage<C extends EventContract>(
  contract: C,
  detail: DetailInputOf<C>,
  at: { aggregate: string; seq: number; createdAt: string },
): OutboxMessage {
  if (!contractOf.has(contract.detailType)) throw new Error(`${contract.detailType} is not announced through the console outbox`);
  return { ...at, detailType: contract.detailType, detail: validatedDetail(contract, detail) };
}

/** How long a dispatcher holds a record it is publishing (longer than any PutEvents call). */
const CLAIM_MS = 60_000;
const BACKOFF_BASE_MS = 5_000;
const BACKOFF_MAX_MS = 5 * 60_000;
/** Sent records kept this long (locally; DynamoDB expires them by TTL). */
export const SENT_RETENTION_MS = 7 * 24 * 3_600_000;

/** Wait before attempt `attempts + 1` after `attempts` failures: 5 s, 10 s, 20 s, … at most 5 min. */
export const retryDelayMs = (attempts: number) => Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));

export interface DispatchResult {
  sent: number;
  failed: number;
  /** Left for later: in backoff, claimed by another dispatcher, or behind such a record of its aggregate. */
  deferred: number;
  /** createdAt of the oldest record still unsent after this dispatch, if any. */
  oldestPendingAt?: string;
  errors: { aggregate: string; seq: number; detailType: string; error: string }[];
}

export interface DispatchPorts {
  outbox: Outbox;
  publisher: EventPublisher;
  clock: Clock;
}

/**
 * Publishes unsent outbox records (all, or one aggregate's), each aggregate in seq order: a record
 * that cannot go out now (failed, in backoff, claimed elsewhere) holds back the later ones of its
 * aggregate, so AppRegistered always precedes AppUpdated of the same app. Publish first, mark
 * after (at least once). Publish failures are recorded on the record, never thrown.
 */
export async function dispatchOutbox(ports: DispatchPorts, options: { aggregate?: string; pageSize?: number; maxRecords?: number } = {}): Promise<DispatchResult> {
  const { outbox, publisher, clock } = ports;
  const iso = (ms: number) => new Date(ms).toISOString();
  const owner = randomUUID();
  const pageSize = options.pageSize ?? 100;
  const maxRecords = options.maxRecords ?? 1_000;
  const result: DispatchResult = { sent: 0, failed: 0, deferred: 0, errors: [] };
  const blocked = new Set<string>();
  let seen = 0;
  for (;;) {
    const page = await outbox.pending({ ...(options.aggregate ? { aggregate: options.aggregate } : {}), limit: pageSize });
    const open = page.filter((r) => !blocked.has(r.aggregate));
    if (open.length === 0) break;
    let progressed = false;
    for (const record of open) {
      if (blocked.has(record.aggregate)) continue;
      if (seen++ >= maxRecords) break;
      const now = clock.now();
      if (record.nextAttemptAt && Date.parse(record.nextAttemptAt) > now) {
        blocked.add(record.aggregate);
        continue;
      }
      if (!(await outbox.claim(record, owner, iso(now), iso(now + CLAIM_MS)))) {
        blocked.add(record.aggregate);
        continue;
      }
      const error = await publishRecord(publisher, record);
      if (error) {
        const attempts = record.attempts + 1;
        await outbox.markFailed(record, owner, { attempts, error, nextAttemptAt: iso(clock.now() + retryDelayMs(attempts)) });
        result.failed++;
        result.errors.push({ aggregate: record.aggregate, seq: record.seq, detailType: record.detailType, error });
        blocked.add(record.aggregate);
        continue;
      }
      await outbox.markSent(record, iso(clock.now()));
      result.sent++;
      progressed = true;
    }
    if (!progressed || page.length < pageSize || seen >= maxRecords) break;
  }
  const left = await outbox.pending({ ...(options.aggregate ? { aggregate: options.aggregate } : {}), limit: pageSize });
  result.deferred = left.length;
  const oldest = left.map((r) => r.createdAt).sort()[0];
  if (oldest) result.oldestPendingAt = oldest;
  await outbox.prune(iso(clock.now() - SENT_RETENTION_MS));
  return result;
}

async function publishRecord(publisher: EventPublisher, record: OutboxRecord): Promise<string | undefined> {
  const contract = contractOf.get(record.detailType);
  if (!contract) return `no contract ${record.detailType} among those console-api announces`;
  try {
    await publisher.publish(contract, record.detail as DetailInputOf<typeof contract>);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Unsent records older than this make the scheduled dispatch fail (and its alarm fire). */
export const STUCK_AFTER_MS = 15 * 60_000;

/** The createdAt of the oldest record that has waited longer than STUCK_AFTER_MS, if any. */
export function stuckSince(result: DispatchResult, now: number): string | undefined {
  return result.oldestPendingAt && now - Date.parse(result.oldestPendingAt) > STUCK_AFTER_MS ? result.oldestPendingAt : undefined;
}

/**
 * After a change is stored: try to announce it at once. A failure here loses nothing (the record
 * stays in the outbox with its error, the scheduled dispatch retries it), so the caller's change
 * succeeds either way.
 */
export async function announceNow(ports: DispatchPorts, aggregate: string): Promise<void> {
  try {
    await dispatchOutbox(ports, { aggregate });
  } catch {
    // The store itself failed (the change was committed a moment ago): schedule-dispatch-outbox retries.
  }
}
