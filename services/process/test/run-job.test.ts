import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  partitionLocation,
  ProcessingCompleted,
  ProcessingFailed,
  type DetailInputOf,
  type DetailOf,
  type EventContract,
  type Partition,
  type RawEnvelopeV1,
} from '@clickstream/contracts';
import type { Clock, EventPublisher } from '@clickstream/lambda-kit';
import { jobIdFor, runProcessingJob, type JobPorts } from '../src/domain/run-job.js';
import type { TableRows } from '../src/domain/rows.js';
import type { AppRetentionStore, StoredAppRetention } from '../src/ports/app-retention.js';
import type { Checkpoint, CheckpointStore } from '../src/ports/checkpoint-store.js';
import type { RawInput } from '../src/ports/raw-input.js';
import type { SessionStateStore } from '../src/ports/session-state-store.js';
import type { TableOutput, TableWriter, WriteResult, WrittenFile } from '../src/ports/table-writer.js';

const T0 = Date.UTC(2026, 10, 29, 10, 0, 0);
const uuid = (n: number) => `6f1c2b1e-8d4a-4c3b-9a2f-${String(n).padStart(12, '0')}`;

/** One ingest envelope carrying `events` page views of `appId`, numbered from `first`. */
function upload(first: number, events = 1, appId = 'shop_web'): string {
  const body = Array.from({ length: events }, (_, i) => ({
    event_type: '_page_view',
    event_id: uuid(first + i),
    timestamp: T0 - 60_000,
    app_id: appId,
  }));
  return JSON.stringify({
    v: 1,
    requestId: `req-${first}`,
    ingestTime: T0,
    appId,
    query: {},
    body: JSON.stringify(body),
  } satisfies RawEnvelopeV1);
}

// ---- in-memory fakes of the ports; `log` records the order of side effects across them ----

class MemoryInput implements RawInput {
  constructor(readonly records: string[]) {}
  async end(): Promise<number> {
    return this.records.length;
  }
  async *read(from: number, to: number): AsyncIterable<string> {
    for (let i = from; i < to; i++) yield this.records[i]!;
  }
}

class MemoryCheckpoints implements CheckpointStore {
  value: Checkpoint = { committed: 0 };
  readonly saves: Checkpoint[] = [];
  constructor(private readonly log: string[]) {}
  async load(): Promise<Checkpoint> {
    return structuredClone(this.value);
  }
  async save(checkpoint: Checkpoint): Promise<void> {
    this.log.push(checkpoint.pending ? `save pending ${checkpoint.pending.jobId}` : `save committed ${checkpoint.committed}`);
    this.value = structuredClone(checkpoint);
    this.saves.push(structuredClone(checkpoint));
  }
}

/** Keeps the latest rows of each job, like files named after the job: a rewrite replaces them. */
class MemoryWriter implements TableWriter {
  readonly byJob = new Map<string, TableRows>();
  readonly attempts: { jobId: string; rows: TableRows }[] = [];
  failures = 0;
  constructor(private readonly log: string[]) {}
  async open(jobId: string): Promise<TableOutput> {
    const rows: TableRows = { events: [], sessions: [], users: [], items: [], bad_rows: [] };
    return {
      append: (table, row) => {
        (rows[table] as unknown[]).push(structuredClone(row));
      },
      abort: async () => undefined,
      commit: async () => this.commit(jobId, rows),
    };
  }
  private async commit(jobId: string, rows: TableRows): Promise<WriteResult> {
    this.log.push(`write ${jobId}`);
    this.attempts.push({ jobId, rows: structuredClone(rows) });
    if (this.failures > 0) {
      this.failures--;
      throw new Error('disk full');
    }
    this.byJob.set(jobId, structuredClone(rows));
    const files = new Map<string, { file: WrittenFile; partition: Partition }>();
    for (const table of ['events', 'bad_rows'] as const) {
      for (const r of rows[table]) {
        const p = { table, appId: r.app_id, year: r.year, month: r.month, day: r.day };
        const location = partitionLocation(p);
        const entry = files.get(location) ?? {
          file: { table, appId: r.app_id, key: `${location}/${jobId}.parquet`, rows: 0 },
          partition: { ...p, location },
        };
        entry.file.rows++;
        files.set(location, entry);
      }
    }
    const rowCounts = Object.fromEntries(Object.entries(rows).map(([t, r]) => [t, (r as unknown[]).length]));
    return { files: [...files.values()].map((e) => e.file), partitions: [...files.values()].map((e) => e.partition), rowCounts };
  }
  /** Event ids across every job's current files. */
  eventIds(): string[] {
    return [...this.byJob.values()].flatMap((rows) => rows.events.map((e) => e.event_id));
  }
}

class MemorySessionState implements SessionStateStore {
  readonly objects = new Map<string, string[]>();
  async *read(key: string): AsyncIterable<string> {
    const lines = this.objects.get(key);
    if (!lines) throw new Error(`missing ${key}`);
    yield* lines;
  }
  async write(jobId: string, lines: readonly string[]): Promise<string> {
    this.objects.set(`state/${jobId}`, [...lines]);
    return `state/${jobId}`;
  }
  async delete(key: string): Promise<void> {
    this.objects.delete(key);
  }
}

class RecordingPublisher implements EventPublisher {
  readonly published: { detailType: string; detail: unknown }[] = [];
  failures = 0;
  constructor(private readonly log: string[]) {}
  async publish<C extends EventContract>(contract: C, detail: DetailInputOf<C>): Promise<void> {
    if (this.failures > 0 && contract.detailType === ProcessingCompleted.detailType) {
      this.failures--;
      throw new Error('event bus unavailable');
    }
    this.log.push(`publish ${contract.detailType}`);
    this.published.push({ detailType: contract.detailType, detail: structuredClone(detail) });
  }
  of<C extends EventContract>(contract: C): DetailOf<C>[] {
    return this.published.filter((p) => p.detailType === contract.detailType).map((p) => contract.schema.parse(p.detail) as DetailOf<C>);
  }
}

class ManualClock implements Clock {
  constructor(public time = T0 + 15 * 60_000) {}
  now(): number {
    return this.time;
  }
}

function setup(records: string[]) {
  const log: string[] = [];
  const ports = {
    input: new MemoryInput(records),
    checkpoints: new MemoryCheckpoints(log),
    writer: new MemoryWriter(log),
    sessionState: new MemorySessionState(),
    publisher: new RecordingPublisher(log),
    clock: new ManualClock(),
  } satisfies JobPorts;
  return { ports, log };
}

describe('runProcessingJob', () => {
  it('is idle when nothing new arrived: no checkpoint write, no output, no event', async () => {
    const { ports, log } = setup([]);
    assert.deepEqual(await runProcessingJob(ports, { maxRecords: 100 }), { status: 'idle' });

    const caughtUp = setup([upload(1)]);
    caughtUp.ports.checkpoints.value = { committed: 1 };
    assert.deepEqual(await runProcessingJob(caughtUp.ports, { maxRecords: 100 }), { status: 'idle' });
    assert.deepEqual([...log, ...caughtUp.log], []);
  });

  it('saves the pending job BEFORE writing, and commits only after the files are written and announced', async () => {
    const { ports, log } = setup([upload(1), upload(2)]);
    const jobId = jobIdFor(0, 2);
    const outcome = await runProcessingJob(ports, { maxRecords: 100 });
    assert.deepEqual(outcome, { status: 'completed', jobId, events: 2, badRows: 0 });
    assert.deepEqual(log, [`save pending ${jobId}`, `write ${jobId}`, 'publish ProcessingCompleted.v1', 'save committed 2']);
    assert.deepEqual(ports.checkpoints.saves[0], {
      committed: 0,
      pending: { jobId, from: 0, to: 2, startedAt: ports.clock.time },
    });
    assert.deepEqual(ports.checkpoints.value, { committed: 2, sessionState: `state/${jobId}` });
  });

  it('names the job after its input range', () => {
    assert.equal(jobIdFor(0, 12), 'job-00000000000000000000-00000000000000000012');
  });

  it('publishes a ProcessingCompleted that satisfies the contract and describes the run', async () => {
    const { ports } = setup([upload(1, 2), upload(10, 1, 'blog_web'), 'not an envelope']);
    const startedAt = ports.clock.time;
    await runProcessingJob(ports, { maxRecords: 100 });

    assert.equal(ports.publisher.published.length, 1);
    const raw = ports.publisher.published[0]!;
    assert.equal(raw.detailType, 'ProcessingCompleted.v1');
    const parsed = ProcessingCompleted.schema.safeParse(raw.detail);
    assert.ok(parsed.success, parsed.error?.message);
    const detail = parsed.data;

    const jobId = jobIdFor(0, 3);
    assert.equal(detail.jobId, jobId);
    assert.deepEqual(detail.inputRange, { from: '00000000000000000000', to: '00000000000000000003' });
    assert.deepEqual(detail.appIds, ['_unknown', 'blog_web', 'shop_web'], 'sorted, including the bad rows of unreadable records');
    assert.deepEqual(detail.rowCounts, { events: 3, sessions: 0, users: 0, items: 0, bad_rows: 1 });
    assert.equal(detail.badRowCount, 1);
    assert.equal(detail.startedAt, new Date(startedAt).toISOString());
    assert.deepEqual(
      detail.files.map((f) => [f.key, f.rows]).sort(),
      [
        [`bad_rows/app_id=_unknown/year=2026/month=11/day=29/${jobId}.parquet`, 1],
        [`events/app_id=blog_web/year=2026/month=11/day=29/${jobId}.parquet`, 1],
        [`events/app_id=shop_web/year=2026/month=11/day=29/${jobId}.parquet`, 2],
      ],
    );
    assert.deepEqual(
      detail.partitions.map((p) => p.location).sort(),
      [
        'bad_rows/app_id=_unknown/year=2026/month=11/day=29',
        'events/app_id=blog_web/year=2026/month=11/day=29',
        'events/app_id=shop_web/year=2026/month=11/day=29',
      ],
    );
  });

  it('after a crash during the write, the next run redoes the SAME range and job id, leaving one copy', async () => {
    const { ports, log } = setup([upload(1), upload(2), upload(3)]);
    ports.writer.failures = 1;
    const startedAt = ports.clock.time;

    await assert.rejects(runProcessingJob(ports, { maxRecords: 100 }), /disk full/);
    const pending = { jobId: jobIdFor(0, 3), from: 0, to: 3, startedAt };
    assert.deepEqual(ports.checkpoints.value, { committed: 0, pending }, 'the range stays pending, nothing is committed');

    // More records arrive and time moves on before the retry; neither may change the job.
    ports.input.records.push(upload(4));
    ports.clock.time += 15 * 60_000;
    const outcome = await runProcessingJob(ports, { maxRecords: 100 });

    assert.deepEqual(outcome, { status: 'completed', jobId: pending.jobId, events: 3, badRows: 0 });
    assert.deepEqual(
      ports.writer.attempts.map((a) => a.jobId),
      [pending.jobId, pending.jobId],
    );
    assert.deepEqual(ports.writer.attempts[1]!.rows, ports.writer.attempts[0]!.rows, 'the redo produces identical rows');
    assert.deepEqual([...ports.writer.byJob.keys()], [pending.jobId]);
    assert.deepEqual(ports.writer.eventIds(), [uuid(1), uuid(2), uuid(3)], 'no duplicate rows');
    assert.deepEqual(ports.checkpoints.value, { committed: 3, sessionState: `state/${pending.jobId}` });

    assert.deepEqual(
      log.filter((l) => l.startsWith('publish')),
      ['publish ProcessingFailed.v1', 'publish ProcessingCompleted.v1'],
    );
    const [failed] = ports.publisher.of(ProcessingFailed);
    assert.equal(failed!.jobId, pending.jobId);
    assert.deepEqual(failed!.inputRange, { from: '00000000000000000000', to: '00000000000000000003' });
    assert.equal(failed!.error.code, 'PROCESSING_FAILED');
    assert.match(failed!.error.message, /disk full/);
    const [completed] = ports.publisher.of(ProcessingCompleted);
    assert.equal(completed!.jobId, pending.jobId);
    assert.equal(completed!.startedAt, new Date(startedAt).toISOString(), 'startedAt is the original start');

    // The record that arrived meanwhile is the next job's.
    const next = await runProcessingJob(ports, { maxRecords: 100 });
    assert.deepEqual(next, { status: 'completed', jobId: jobIdFor(3, 4), events: 1, badRows: 0 });
  });

  it('after a crash between saving the job and writing it (process died), the next run resumes that job', async () => {
    const { ports } = setup([upload(1), upload(2)]);
    const startedAt = ports.clock.time - 60_000;
    ports.checkpoints.value = { committed: 0, pending: { jobId: jobIdFor(0, 1), from: 0, to: 1, startedAt } };
    const outcome = await runProcessingJob(ports, { maxRecords: 100 });
    assert.deepEqual(outcome, { status: 'completed', jobId: jobIdFor(0, 1), events: 1, badRows: 0 });
    assert.deepEqual(ports.checkpoints.value, { committed: 1, sessionState: `state/${jobIdFor(0, 1)}` });
  });

  it('if announcing the run fails, the range stays pending and the next run announces it (nothing written goes unannounced)', async () => {
    const { ports } = setup([upload(1)]);
    ports.publisher.failures = 1;
    await assert.rejects(runProcessingJob(ports, { maxRecords: 100 }), /event bus unavailable/);
    assert.equal(ports.checkpoints.value.pending?.jobId, jobIdFor(0, 1), 'the input is not consumed');
    assert.equal(ports.checkpoints.value.committed, 0);

    const outcome = await runProcessingJob(ports, { maxRecords: 100 });
    assert.equal(outcome.status, 'completed');
    assert.deepEqual(
      ports.publisher.of(ProcessingCompleted).map((d) => d.jobId),
      [jobIdFor(0, 1)],
    );
    assert.deepEqual(ports.writer.eventIds(), [uuid(1)], 'the rewrite replaced the files');
    assert.deepEqual(ports.checkpoints.value, { committed: 1, sessionState: `state/${jobIdFor(0, 1)}` });
  });

  it('slices a backlog into jobs of at most maxRecords records', async () => {
    const { ports } = setup([upload(1), upload(2), upload(3), upload(4), upload(5)]);
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push(await runProcessingJob(ports, { maxRecords: 2 }));
    assert.deepEqual(outcomes, [
      { status: 'completed', jobId: jobIdFor(0, 2), events: 2, badRows: 0 },
      { status: 'completed', jobId: jobIdFor(2, 4), events: 2, badRows: 0 },
      { status: 'completed', jobId: jobIdFor(4, 5), events: 1, badRows: 0 },
      { status: 'idle' },
    ]);
    assert.deepEqual(
      ports.publisher.of(ProcessingCompleted).map((d) => d.inputRange),
      [
        { from: '00000000000000000000', to: '00000000000000000002' },
        { from: '00000000000000000002', to: '00000000000000000004' },
        { from: '00000000000000000004', to: '00000000000000000005' },
      ],
    );
    assert.deepEqual(ports.writer.eventIds(), [1, 2, 3, 4, 5].map(uuid));
  });

  it('applies custom settings (a shorter late window) to the rows', async () => {
    const { ports } = setup([upload(1)]);
    const outcome = await runProcessingJob(ports, { maxRecords: 10, settings: { lateWindowMs: 1_000, futureToleranceMs: 600_000 } });
    assert.deepEqual(outcome, { status: 'completed', jobId: jobIdFor(0, 1), events: 0, badRows: 1 });
    assert.equal(ports.writer.byJob.get(jobIdFor(0, 1))!.bad_rows[0]!.reason_code, 'LATE_EVENT');
  });

  it("applies each app's stored retention: a late event on a day it removed is EXPIRED_EVENT, the cutoff day is kept", async () => {
    const DAY = 86_400_000;
    const today = Date.UTC(2026, 10, 29);
    // Late events, both within the 72 h window of their upload: one the last minute before the
    // cutoff (today − 2 days), one the first minute of it; and the same for an app keeping everything.
    const lateUpload = (appId: string, first: number) =>
      JSON.stringify({
        v: 1,
        requestId: `req-${appId}`,
        ingestTime: T0,
        appId,
        query: {},
        body: JSON.stringify(
          [today - 2 * DAY - 60_000, today - 2 * DAY].map((timestamp, i) => ({ event_type: '_page_view', event_id: uuid(first + i), timestamp, app_id: appId, unique_id: 'u1' })),
        ),
      } satisfies RawEnvelopeV1);
    const { ports } = setup([lateUpload('shop_web', 1), lateUpload('blog_web', 3)]);
    const stored = new Map<string, StoredAppRetention>([
      ['shop_web', { appId: 'shop_web', retentionDays: 2, revision: 1, deleted: false }],
      ['blog_web', { appId: 'blog_web', retentionDays: 0, revision: 1, deleted: false }],
    ]);
    const retention: AppRetentionStore = { get: async (id) => stored.get(id), put: async () => true, list: async () => [...stored.values()] };
    const outcome = await runProcessingJob({ ...ports, retention }, { maxRecords: 10 });
    assert.deepEqual(outcome, { status: 'completed', jobId: jobIdFor(0, 2), events: 3, badRows: 1 });
    const rows = ports.writer.byJob.get(jobIdFor(0, 2))!;
    assert.deepEqual(
      rows.bad_rows.map((r) => [r.app_id, r.reason_code, r.event_id, `${r.year}-${r.month}-${r.day}`]),
      [['shop_web', 'EXPIRED_EVENT', uuid(1), '2026-11-29']],
      'the bad row is partitioned by its arrival, today',
    );
    assert.deepEqual(
      rows.events.map((e) => [e.app_id, e.event_id, e.day]),
      [
        ['shop_web', uuid(2), 27],
        ['blog_web', uuid(3), 26],
        ['blog_web', uuid(4), 27],
      ],
    );
    assert.ok(
      rows.sessions.every((s) => s.app_id !== 'shop_web' || s.day === 27) && rows.users.every((u) => u.app_id !== 'shop_web' || u.day === 27),
      'the rejected event starts no session and no user on the removed day',
    );
    const completed = ports.publisher.of(ProcessingCompleted)[0]!;
    assert.ok(!completed.partitions.some((p) => p.appId === 'shop_web' && p.day === 26), 'no partition of a removed day is announced');
  });
});
