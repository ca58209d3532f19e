import { randomUUID } from 'node:crypto';
import type { BusEvent } from '@clickstream/contracts';
import { systemClock, type Clock } from '@clickstream/lambda-kit';
import { compilePattern, type EventPattern } from './event-pattern.js';
import type { BusJournal } from './bus-journal.js';
import { isPlainObject } from './json.js';

/** A rule target: on AWS a Lambda invocation, here a function call. */
export type BusTarget = (event: BusEvent<unknown>) => Promise<unknown>;

export interface BusEntry {
  source: string;
  detailType: string;
  detail: unknown;
}

export interface LocalEventBusOptions {
  /** Retries after the first failed attempt before dead-lettering; per-rule values override it. Default 3. */
  maxRetries?: number;
  /** Delay before the first retry, doubled for each further one. Default 200 ms. */
  retryDelayMs?: number;
  /** Events kept by history(). Default 1000. */
  historyLimit?: number;
  /** Stamps the envelopes' `time`. Default: the system clock. */
  clock?: Clock;
  /** Called when a delivery exhausted its retries; the default logs to stderr (the DLQ of the embedded mode). */
  onDeadLetter?: (rule: string, event: BusEvent<unknown>, error: unknown) => void;
  /** Called for every failed attempt, retried or not; the default is silent (onDeadLetter reports the outcome). */
  onError?: (rule: string, event: BusEvent<unknown>, error: unknown, attempt: number) => void;
  /**
   * Keeps accepted events until all their deliveries have ended, so a crash loses none: publish
   * resolves once they are journaled, and `recover()` delivers what an earlier process left undone.
   * Without one, accepted events live in memory only.
   */
  journal?: BusJournal;
}

export interface SubscribeOptions {
  maxRetries?: number;
}

interface Rule {
  name: string;
  matches: (event: unknown) => boolean;
  target: BusTarget;
  maxRetries: number;
}

// PutEvents limits, enforced so code that works locally does not fail on AWS.
const MAX_ENTRIES_PER_PUT = 10;
const MAX_ENTRY_BYTES = 256 * 1024;

/**
 * The in-process stand-in for an EventBridge bus: same envelopes, same pattern semantics,
 * asynchronous at-least-once delivery with retries and a dead-letter hook.
 */
export class LocalEventBus {
  private readonly rules = new Map<string, Rule>();
  private readonly recent: BusEvent<unknown>[] = [];
  private pending = 0;
  private idle: (() => void)[] = [];
  private readonly maxRetries: number;
  private readonly retryDelayMs: number;
  private readonly historyLimit: number;
  private readonly clock: Clock;
  private readonly onDeadLetter: NonNullable<LocalEventBusOptions['onDeadLetter']>;
  private readonly onError: NonNullable<LocalEventBusOptions['onError']>;
  private readonly journal: BusJournal | undefined;

  constructor(options: LocalEventBusOptions = {}) {
    this.journal = options.journal;
    this.maxRetries = nonNegativeInteger(options.maxRetries ?? 3, 'maxRetries');
    this.retryDelayMs = Math.max(0, options.retryDelayMs ?? 200);
    this.historyLimit = Math.max(0, options.historyLimit ?? 1000);
    this.clock = options.clock ?? systemClock;
    this.onDeadLetter = options.onDeadLetter ?? logDeadLetter;
    this.onError = options.onError ?? (() => {});
  }

  /** Validates the pattern now, so a malformed rule fails at start-up rather than never matching. */
  subscribe(ruleName: string, pattern: EventPattern, target: BusTarget, options: SubscribeOptions = {}): void {
    if (this.rules.has(ruleName)) throw new Error(`event bus rule "${ruleName}" is already subscribed`);
    let matches: (event: unknown) => boolean;
    try {
      matches = compilePattern(pattern);
    } catch (err) {
      throw new Error(`rule "${ruleName}": ${(err as Error).message}`, { cause: err });
    }
    const maxRetries = nonNegativeInteger(options.maxRetries ?? this.maxRetries, `rule "${ruleName}" maxRetries`);
    this.rules.set(ruleName, { name: ruleName, matches, target, maxRetries });
  }

  /**
   * Resolves once the entries are accepted (journaled, when the bus has a journal); targets run
   * later, never inside the publisher's call.
   */
  async publish(entries: readonly BusEntry[]): Promise<void> {
    if (entries.length > MAX_ENTRIES_PER_PUT) {
      throw new Error(`PutEvents accepts at most ${MAX_ENTRIES_PER_PUT} entries, got ${entries.length}`);
    }
    const time = new Date(this.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const events = entries.map((entry, i) => toEnvelope(entry, i, time));
    const positions = this.journal ? await this.journal.record(events) : [];
    events.forEach((event, i) => {
      this.remember(event);
      this.dispatch(event, positions[i]);
    });
  }

  /**
   * Delivers again the events an earlier process journaled but did not finish delivering (to every
   * matching rule: consumers are idempotent, as with EventBridge's at-least-once delivery). Call it
   * once, after every rule is subscribed. Returns how many events were redelivered.
   */
  async recover(): Promise<number> {
    if (!this.journal) return 0;
    const unfinished = await this.journal.unfinished();
    for (const { position, event } of unfinished) this.dispatch(event, position);
    return unfinished.length;
  }

  private dispatch(event: BusEvent<unknown>, position: number | undefined): void {
    const deliveries: Promise<void>[] = [];
    for (const rule of this.rules.values()) if (rule.matches(event)) deliveries.push(this.deliver(rule, event));
    if (position === undefined || !this.journal) {
      for (const d of deliveries) this.track(d);
      return;
    }
    const journal = this.journal;
    // deliver() never rejects (failures end in the dead-letter hook), so all deliveries have ended here.
    this.track(
      Promise.all(deliveries).then(() =>
        journal.done(position).catch((error: unknown) => console.error('event bus: could not record a finished event', error)),
      ),
    );
  }

  /** Resolves when no delivery is pending, including deliveries caused by targets that publish in turn. */
  drain(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  history(): readonly BusEvent<unknown>[] {
    return [...this.recent];
  }

  private remember(event: BusEvent<unknown>): void {
    this.recent.push(event);
    if (this.recent.length > this.historyLimit) this.recent.splice(0, this.recent.length - this.historyLimit);
  }

  private track(delivery: Promise<void>): void {
    this.pending++;
    void delivery.finally(() => {
      if (--this.pending > 0) return;
      const waiting = this.idle;
      this.idle = [];
      for (const resolve of waiting) resolve();
    });
  }

  private async deliver(rule: Rule, event: BusEvent<unknown>): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    for (let attempt = 1; ; attempt++) {
      try {
        await rule.target(structuredClone(event));
        return;
      } catch (error) {
        report(() => this.onError(rule.name, event, error, attempt));
        if (attempt > rule.maxRetries) {
          report(() => this.onDeadLetter(rule.name, event, error));
          return;
        }
        await sleep(this.retryDelayMs * 2 ** (attempt - 1));
      }
    }
  }
}

function toEnvelope(entry: BusEntry, index: number, time: string): BusEvent<unknown> {
  const where = `entry ${index}`;
  if (typeof entry.source !== 'string' || entry.source === '') throw new Error(`${where}: source is required`);
  if (typeof entry.detailType !== 'string' || entry.detailType === '') {
    throw new Error(`${where}: detailType is required`);
  }
  if (!isPlainObject(entry.detail)) throw new Error(`${where}: detail must be a JSON object, as EventBridge requires`);
  // Round-trip through JSON exactly as PutEvents does: Dates become strings, undefined disappears.
  const json = JSON.stringify(entry.detail);
  const bytes = Buffer.byteLength(json) + Buffer.byteLength(entry.source) + Buffer.byteLength(entry.detailType);
  if (bytes > MAX_ENTRY_BYTES) {
    throw new Error(`${where} (${entry.detailType}) is ${bytes} bytes; EventBridge accepts at most ${MAX_ENTRY_BYTES}`);
  }
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': entry.detailType,
    source: entry.source,
    account: '000000000000',
    time,
    region: 'local',
    resources: [],
    detail: JSON.parse(json) as unknown,
  };
}

// A throwing hook must not turn into an unhandled rejection that kills the embedded process.
function report(hook: () => void): void {
  try {
    hook();
  } catch (err) {
    console.error('event bus: error hook threw', err);
  }
}

function logDeadLetter(rule: string, event: BusEvent<unknown>, error: unknown): void {
  console.error(
    `event bus: rule ${rule} gave up on ${event['detail-type']} ${event.id} from ${event.source}:`,
    error instanceof Error ? (error.stack ?? error.message) : error,
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function nonNegativeInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0) throw new Error(`${what} must be a non-negative integer, got ${value}`);
  return value;
}
