import { systemClock, type Clock } from '@clickstream/lambda-kit';
import { parseScheduleExpression } from './schedule-expression.js';

/** What a job runs: the scheduled time (like the `time` of an AWS scheduled event) and the schedule's `input`. */
export type JobFn = (firedAt: Date, input?: unknown) => Promise<void>;

/** One schedule of a job; a job may have several (a serverless.yml `rate: [..]` list), sharing one run at a time. */
export interface ScheduleSpec {
  expression: string;
  input?: unknown;
}

/** An override: a number is a fixed interval in ms (fast local runs, tests), a string another expression. */
export type ScheduleOverride = string | number;

export interface SchedulerOptions {
  clock?: Clock;
  /** By job name; wins over the job's own schedules. */
  overrides?: Record<string, ScheduleOverride>;
  /** Called when a scheduled run fails; the default logs to stderr. */
  onError?: (job: string, error: unknown) => void;
}

export interface JobInfo {
  name: string;
  schedules: string[];
  nextRunAt: Date | undefined;
  running: boolean;
}

interface Trigger {
  label: string;
  input: unknown;
  /** Next fire time strictly after `after` (ms); undefined when the schedule has no more. */
  next(after: number, anchor: number): number | undefined;
}

interface Job {
  name: string;
  triggers: Trigger[];
  fn: JobFn;
  anchor: number;
  lastDue: number;
  timer?: NodeJS.Timeout;
  due?: { at: number; trigger: Trigger };
  running?: Promise<void>;
}

// setTimeout's ceiling (~24.8 days); longer waits are taken in several hops.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Runs jobs on AWS schedule expressions inside one process. A job never overlaps itself: a tick
 * that comes while the previous run is still going is skipped, as a lock-protected Lambda would.
 * Timers are unref'd so a scheduler alone never keeps the process alive.
 */
export class Scheduler {
  private readonly jobs = new Map<string, Job>();
  private readonly clock: Clock;
  private readonly overrides: Record<string, ScheduleOverride>;
  private readonly onError: (job: string, error: unknown) => void;
  private started = false;

  constructor(options: SchedulerOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.overrides = { ...options.overrides };
    this.onError = options.onError ?? ((job, error) => console.error(`scheduler: job ${job} failed:`, error));
  }

  /** Validates the expressions now, so a bad schedule fails at start-up. */
  add(
    name: string,
    schedule: string | readonly ScheduleSpec[],
    fn: JobFn,
    options: { override?: ScheduleOverride } = {},
  ): void {
    if (this.jobs.has(name)) throw new Error(`scheduler: job "${name}" is already added`);
    const specs = typeof schedule === 'string' ? [{ expression: schedule }] : schedule;
    if (specs.length === 0) throw new Error(`scheduler: job "${name}" has no schedule`);
    const override = this.overrides[name] ?? options.override;
    const triggers =
      override === undefined
        ? specs.map((spec) => trigger(spec.expression, spec.input, name))
        : [trigger(override, specs[0]?.input, name)];
    const now = this.clock.now();
    const job: Job = { name, triggers, fn, anchor: now, lastDue: -Infinity };
    this.jobs.set(name, job);
    if (this.started) this.arm(job);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    for (const name of Object.keys(this.overrides)) {
      if (!this.jobs.has(name)) console.warn(`scheduler: override for unknown job "${name}" is ignored`);
    }
    const now = this.clock.now();
    for (const job of this.jobs.values()) {
      job.anchor = now;
      this.arm(job);
    }
  }

  /** Stops firing and resolves once every running job has finished. */
  async stop(): Promise<void> {
    this.started = false;
    for (const job of this.jobs.values()) {
      clearTimeout(job.timer);
      job.timer = undefined;
      job.due = undefined;
    }
    await Promise.allSettled([...this.jobs.values()].map((job) => job.running));
  }

  /** Runs a job now, after any run in progress, and rejects with its error: an explicit call wants the outcome. */
  async runNow(name: string): Promise<void> {
    const job = this.jobs.get(name);
    if (!job) {
      throw new Error(`scheduler: no job named "${name}"; known: ${[...this.jobs.keys()].join(', ') || 'none'}`);
    }
    while (job.running) await job.running;
    await this.execute(job, new Date(this.clock.now()), job.triggers[0]?.input);
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map((job) => ({
      name: job.name,
      schedules: job.triggers.map((t) => t.label),
      nextRunAt: job.due ? new Date(job.due.at) : undefined,
      running: job.running !== undefined,
    }));
  }

  private arm(job: Job): void {
    if (!this.started) return;
    const now = this.clock.now();
    const after = Math.max(now, job.lastDue);
    let due: Job['due'];
    for (const t of job.triggers) {
      const at = t.next(after, job.anchor);
      if (at !== undefined && (due === undefined || at < due.at)) due = { at, trigger: t };
    }
    job.due = due;
    if (!due) return;
    const wait = Math.max(0, due.at - now);
    const hop = wait > MAX_TIMER_MS;
    job.timer = setTimeout(() => this.onTimer(job, hop), hop ? MAX_TIMER_MS : wait);
    job.timer.unref();
  }

  private onTimer(job: Job, hop: boolean): void {
    job.timer = undefined;
    const due = job.due;
    if (!due || hop) return this.arm(job);
    job.lastDue = due.at;
    // Arm the next tick before running, so the cadence does not drift by the run's duration.
    this.arm(job);
    if (job.running) return;
    this.execute(job, new Date(due.at), due.trigger.input).catch((err: unknown) => this.onError(job.name, err));
  }

  private execute(job: Job, firedAt: Date, input: unknown): Promise<void> {
    const run = (async () => job.fn(firedAt, input))();
    const settled: Promise<void> = run
      .catch(() => {})
      .then(() => {
        if (job.running === settled) job.running = undefined;
      });
    job.running = settled;
    return run;
  }
}

function trigger(schedule: ScheduleOverride, input: unknown, job: string): Trigger {
  if (typeof schedule === 'number') {
    if (!Number.isFinite(schedule) || schedule <= 0) {
      throw new Error(`scheduler: job "${job}" interval override must be a positive number of ms, got ${schedule}`);
    }
    return { label: `every ${schedule} ms`, input, next: (after, anchor) => stepAfter(after, anchor, schedule) };
  }
  let parsed;
  try {
    parsed = parseScheduleExpression(schedule);
  } catch (err) {
    throw new Error(`scheduler: job "${job}": ${(err as Error).message}`, { cause: err });
  }
  if (parsed.kind === 'rate') {
    const interval = parsed.intervalMs;
    return { label: parsed.expression, input, next: (after, anchor) => stepAfter(after, anchor, interval) };
  }
  return { label: parsed.expression, input, next: (after) => parsed.next(new Date(after))?.getTime() };
}

// Rates tick at anchor + k·interval, so a late timer skips the missed ticks instead of bunching them.
function stepAfter(after: number, anchor: number, interval: number): number {
  const k = Math.max(1, Math.floor((after - anchor) / interval) + 1);
  return anchor + k * interval;
}
