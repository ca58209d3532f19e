import { ClickstreamEvent, RawEnvelope } from '@clickstream/contracts';
import { defaultAppProcessing, stepsFor, type AppProcessing, type BoundStep } from '../pipeline/registry.js';
import { isRejection, type WorkingEvent } from '../pipeline/step.js';
import type { BadRow, EventRow, ItemRow, SessionRow, UserRow } from '../rows.js';
import { itemRowsOf } from '../tables/items.js';
import { SessionAggregate, serverSessionId, type At } from '../tables/sessions.js';
import { UserAggregate } from '../tables/users.js';
import { DedupeWindow } from './dedupe-window.js';
import { fastParseEvent } from './fast-event-parse.js';
import { badRow, str, toEventRow, toWorkingEvent } from './event-row.js';
import { OpenSession } from './session-state.js';
import { retentionCutoffMs } from '../retention-cutoff.js';

export interface ProcessingSettings {
  /** Events older than this (after skew correction) are bad rows, for apps whose settings do not say otherwise. */
  lateWindowMs: number;
  /** Events further than this in the future are bad rows; also the skew that triggers correction. */
  futureToleranceMs: number;
  /**
   * The run's fixed time (for determinism): the partition of records too broken to carry their own
   * ingest time, and the horizon for handing open server sessions to the next run.
   */
  runTime: number;
  /** Per-app pipeline settings (enrichers, plugins, session timeout, late window, IP anonymisation). */
  apps?: Readonly<Record<string, AppProcessing>>;
  /** For apps not in `apps`; the pipeline configuration's defaults when absent. */
  defaultApp?: AppProcessing;
  /**
   * Per app, the days of data its retention keeps (0 or absent: everything). An event whose day
   * (UTC, of its corrected time) is before the cutoff (`retentionTime`'s day minus these days, as
   * retention computes it) is a bad row (EXPIRED_EVENT), and no row is written on such a day: it
   * would bring back a partition retention removed.
   */
  retentionDays?: Readonly<Record<string, number>>;
  /** The time retention cutoffs are computed from; `runTime` when absent. Fixed per run, never the clock. */
  retentionTime?: number;
  /**
   * `arrival` (default): input in the order it arrived (the durable log); a user's state is
   * flushed once they have been idle for the session timeout plus `sessionGraceMs`.
   * `grouped`: input grouped by app and user and sorted by time (the Spark driver repartitions it
   * so); state is flushed whenever the group changes.
   */
  inputOrder?: 'arrival' | 'grouped';
  /** Reprocessing: only events whose time (and bad rows whose partition time) falls in [from, to) are output. */
  partitionRange?: { from: number; to: number };
  /** How late (beyond the session timeout) an upload may still continue a server-made session. Default 15 min. */
  sessionGraceMs?: number;
  /** Event ids remembered for deduplication, per app: two generations of this many. Default 100,000. */
  dedupeWindow?: number;
  /** Users held open at most; beyond it the least recently active is flushed early. Default 200,000. */
  maxOpenUsers?: number;
}

export const DEFAULT_DEDUPE_WINDOW = 100_000;
export const DEFAULT_MAX_OPEN_USERS = 200_000;

export const defaultSettings: Omit<ProcessingSettings, 'runTime'> = {
  lateWindowMs: 72 * 3600_000,
  futureToleranceMs: 10 * 60_000,
};

export interface RowOf {
  events: EventRow;
  sessions: SessionRow;
  users: UserRow;
  items: ItemRow;
  bad_rows: BadRow;
}
export type OutputTable = keyof RowOf;

/** Where the core puts its output, as soon as each row is final. */
export interface CoreSink {
  row<T extends OutputTable>(table: T, row: RowOf[T]): void;
  /** A server-made session that may continue in the next run. */
  openSession(state: OpenSession): void;
}

export interface CoreStats {
  records: number;
  events: number;
  badRows: number;
  duplicates: number;
  /** Events outside `partitionRange` (reprocessing), skipped. */
  outOfRange: number;
  /** Events on a day the app's retention removed (EXPIRED_EVENT bad rows). */
  expired: number;
  /** Bad rows not written because their own partition day is one the app's retention removed. */
  expiredBadRows: number;
}

interface ServerSession {
  id: string;
  start: number;
  last: number;
}

/** What the core holds per (app, user key) while the user may still send events. */
interface UserState {
  appId: string;
  userKey: string;
  /** Ingest time of the last upload that touched the user (idle eviction compares it with the watermark). */
  touchedAt: number;
  servers: ServerSession[];
  sessions: Map<string, SessionAggregate>;
  user?: UserAggregate;
}

/** What the core holds per app for the run: its settings and the first instant its retention keeps. */
interface AppRun {
  settings: AppProcessing;
  /** Epoch ms of the retention cutoff's midnight; -Infinity when the app keeps everything. */
  keepsFrom: number;
}

/** At most this many server sessions per user are remembered for assigning events (older ones are over). */
const SERVER_SESSIONS_KEPT = 8;

/**
 * The processing core, streaming: feed it raw records one at a time, it emits `events`, `items`
 * and `bad_rows` rows at once and `sessions` and `users` rows when a user's state is flushed. Its
 * memory is bounded by the users active at a time (plus a dedupe window and the enrichers' caches),
 * not by the size of the input. Deterministic: the same records in the same order (and the same
 * settings) give the same rows in the same order, so a rerun of a job writes identical files.
 *
 * A record is a raw envelope (JSON text), or a `{"table":"session_state","row":…}` line a previous
 * run emitted: the open server sessions it hands over. Hand them over before the envelopes.
 */
export class ProcessingCore {
  readonly stats: CoreStats = { records: 0, events: 0, badRows: 0, duplicates: 0, outOfRange: 0, expired: 0, expiredBadRows: 0 };
  private readonly users = new Map<string, UserState>();
  /** Per app: keyed by the event id alone (no key string to build and hash per event). */
  private readonly dedupe = new Map<string, DedupeWindow>();
  private readonly dedupeSize: number;
  private readonly steps = new Map<string, BoundStep[]>();
  private readonly appCache = new Map<string, AppRun>();
  private readonly grace: number;
  private readonly maxOpenUsers: number;
  private seq = 0;
  /** The state `userState` returned last, and its key: it is the newest in `users` while it is still there. */
  private lastUser: UserState | undefined;
  private lastUserKey = '';
  private watermark = Number.NEGATIVE_INFINITY;
  private group: string | undefined;
  private ended = false;

  constructor(
    private readonly settings: ProcessingSettings,
    private readonly sink: CoreSink,
  ) {
    this.dedupeSize = settings.dedupeWindow ?? DEFAULT_DEDUPE_WINDOW;
    this.grace = settings.sessionGraceMs ?? 15 * 60_000;
    this.maxOpenUsers = settings.maxOpenUsers ?? DEFAULT_MAX_OPEN_USERS;
    // Fail before any row is written when the configuration names a step nobody registered.
    for (const app of [settings.defaultApp ?? defaultAppProcessing, ...Object.values(settings.apps ?? {})]) stepsFor(app);
  }

  /** Users whose state is held now (what bounds the core's memory). */
  get openUsers(): number {
    return this.users.size;
  }

  /** One stored record: an envelope, or a handed-over open session. */
  push(record: string): void {
    if (this.ended) throw new Error('the processing core has ended');
    this.stats.records++;
    let json: unknown;
    try {
      json = JSON.parse(record);
    } catch {
      json = undefined;
    }
    if (json !== null && typeof json === 'object' && (json as { table?: unknown }).table === 'session_state') {
      this.pushOpenSession((json as { row?: unknown }).row, record);
      return;
    }
    const envelope = isPlainEnvelope(json) ? json : RawEnvelope.safeParse(json).data;
    if (!envelope) {
      this.bad(badRow(undefined, 'INVALID_ENVELOPE', invalidEnvelopeReason(json), record, null, this.settings.runTime));
      return;
    }
    this.pushEnvelope(envelope);
  }

  /** Flushes every user still open and hands over the sessions that may continue. Call once, at the end of the input. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const state of [...this.users.values()]) this.flush(state);
  }

  private pushOpenSession(row: unknown, record: string): void {
    const parsed = OpenSession.safeParse(row);
    if (!parsed.success) {
      this.bad(badRow(undefined, 'INVALID_ENVELOPE', 'Session state record does not satisfy its schema.', record, null, this.settings.runTime));
      return;
    }
    const s = parsed.data;
    // Touched "at" its last event: the session stays open while that is within the timeout.
    const state = this.userState(s.app_id, s.user_key, s.last);
    if (!state.servers.some((x) => x.id === s.session_id)) state.servers.push({ id: s.session_id, start: s.start, last: s.last });
  }

  private appSettings(appId: string): AppProcessing {
    return this.appRun(appId).settings;
  }

  /** An app's settings and retention cutoff, worked out once per run. */
  private appRun(appId: string): AppRun {
    let run = this.appCache.get(appId);
    if (!run) {
      const { apps, retentionDays } = this.settings;
      const settings = (apps && Object.hasOwn(apps, appId) ? apps[appId] : undefined) ?? this.settings.defaultApp ?? defaultAppProcessing;
      const days = retentionDays && Object.hasOwn(retentionDays, appId) ? retentionDays[appId]! : 0;
      const keepsFrom = days > 0 ? retentionCutoffMs(this.settings.retentionTime ?? this.settings.runTime, days) : Number.NEGATIVE_INFINITY;
      run = { settings, keepsFrom };
      this.appCache.set(appId, run);
    }
    return run;
  }

  private stepsOf(appId: string): BoundStep[] {
    let steps = this.steps.get(appId);
    if (!steps) this.steps.set(appId, (steps = stepsFor(this.appSettings(appId))));
    return steps;
  }

  private pushEnvelope(envelope: RawEnvelope): void {
    const settings = this.settings;
    let body: unknown;
    if (envelope.v === 2) {
      // The body came embedded as JSON: the record's one parse already made it.
      body = envelope.body;
    } else {
      try {
        body = JSON.parse(envelope.body);
      } catch {
        this.bad(badRow(envelope, 'INVALID_JSON', 'Request body is not valid JSON.', envelope.body));
        return;
      }
    }
    const elements = Array.isArray(body) ? (body as unknown[]) : [body];
    if (settings.inputOrder === 'grouped') {
      const group = groupKeyOf(envelope.appId, elements);
      if (group !== this.group) {
        // The previous user is done; a session handed over for the new one was read just before.
        for (const [key, state] of [...this.users]) if (key !== group) this.flush(state);
        this.group = group;
      }
    } else if (envelope.ingestTime > this.watermark) {
      this.watermark = envelope.ingestTime;
      this.evictIdle();
    }
    const skew = clockSkew(envelope, settings.futureToleranceMs);
    const appRun = this.appRun(envelope.appId);
    const app = appRun.settings;
    const keepsFrom = appRun.keepsFrom;
    const lateWindow = app.lateWindowMs ?? settings.lateWindowMs;
    const upload = { requestId: envelope.requestId, ingestTime: envelope.ingestTime, platform: envelope.platform ?? null };
    for (const element of elements) {
      if (element === null || typeof element !== 'object' || Array.isArray(element)) {
        this.bad(badRow(envelope, 'NOT_AN_EVENT', 'Batch element is not a JSON object.', JSON.stringify(element) ?? String(element)));
        continue;
      }
      let event = fastParseEvent(element as Record<string, unknown>);
      if (!event) {
        const parsed = ClickstreamEvent.safeParse(element);
        if (!parsed.success) {
          const reason = parsed.error.issues.map((i) => `${i.path.join('.') || 'event'}: ${i.message}`).join('; ');
          this.bad(badRow(envelope, 'INVALID_EVENT', reason, JSON.stringify(element), str((element as { event_id?: unknown }).event_id)));
          continue;
        }
        event = parsed.data;
      }
      if (event.app_id !== envelope.appId) {
        this.bad(badRow(envelope, 'APP_ID_MISMATCH', `Event app_id "${event.app_id}" differs from the upload's appId.`, JSON.stringify(element), event.event_id));
        continue;
      }
      const time = event.timestamp + skew;
      if (time < envelope.ingestTime - lateWindow) {
        this.bad(badRow(envelope, 'LATE_EVENT', 'Event is older than the late-arrival window.', JSON.stringify(element), event.event_id));
        continue;
      }
      if (time > envelope.ingestTime + settings.futureToleranceMs) {
        this.bad(badRow(envelope, 'FUTURE_EVENT', 'Event time is in the future.', JSON.stringify(element), event.event_id));
        continue;
      }
      // Before the range check: which records' bad rows a run writes must not depend on the range.
      if (time < keepsFrom) {
        this.stats.expired++;
        this.bad(badRow(envelope, 'EXPIRED_EVENT', "Event falls on a day the app's data retention already removed.", JSON.stringify(element), event.event_id));
        continue;
      }
      const range = settings.partitionRange;
      if (range && (time < range.from || time >= range.to)) {
        this.stats.outOfRange++;
        continue;
      }
      let seen = this.dedupe.get(event.app_id);
      if (!seen) this.dedupe.set(event.app_id, (seen = new DedupeWindow(this.dedupeSize)));
      if (!seen.add(event.event_id)) {
        this.stats.duplicates++;
        continue;
      }

      let row = toWorkingEvent(envelope, event, time);
      let rejection: string | undefined;
      for (const { step, options } of this.stepsOf(event.app_id)) {
        const result = step.process(row, { event, upload, options });
        if (isRejection(result)) {
          rejection = `${step.name}: ${result.rejected}`;
          break;
        }
        row = result;
      }
      if (rejection !== undefined) {
        this.bad(badRow(envelope, 'PLUGIN_REJECTED', rejection, JSON.stringify(element), event.event_id));
        continue;
      }
      this.accept(row, time, envelope.ingestTime, app);
    }
  }

  /** Sessionizes an accepted event, emits it and its items, and folds it into its session and user. */
  private accept(row: WorkingEvent, time: number, ingestTime: number, app: AppProcessing): void {
    const at: At = { time, seq: this.seq++ };
    const userKey = row.user_pseudo_id ?? row.device_id ?? '';
    const state = this.userState(row.app_id, userKey, ingestTime);
    let server = false;
    if (row.session_id === null && userKey !== '') {
      row.session_id = this.serverSession(state, time, app.sessionTimeoutMs).id;
      server = true;
    }
    if (row.session_id !== null) {
      let session = state.sessions.get(row.session_id);
      if (!session) state.sessions.set(row.session_id, (session = new SessionAggregate(row, at, server)));
      session.add(row, at);
    }
    if (row.user_pseudo_id !== null) {
      if (!state.user) state.user = new UserAggregate(row, at);
      state.user.add(row, at);
    }
    this.stats.events++;
    const items = row.items.length > 0 ? itemRowsOf(row) : undefined;
    // Last: the row becomes the events row in place (its objects serialised), so nothing may read it after.
    this.sink.row('events', toEventRow(row));
    if (items) for (const item of items) this.sink.row('items', item);
  }

  /**
   * The server session an event without SDK session fields belongs to: one of the user's sessions
   * it falls within the inactivity timeout of, else a new one named after the event. Input in
   * arrival order is mostly in time order per user; an event far out of order starts its own session.
   */
  private serverSession(state: UserState, time: number, timeout: number): ServerSession {
    for (let i = state.servers.length - 1; i >= 0; i--) {
      const s = state.servers[i]!;
      if (time >= s.start - timeout && time <= s.last + timeout) {
        if (time < s.start) s.start = time;
        if (time > s.last) s.last = time;
        return s;
      }
    }
    const s = { id: serverSessionId(state.appId, state.userKey, time), start: time, last: time };
    state.servers.push(s);
    if (state.servers.length > SERVER_SESSIONS_KEPT) state.servers.shift();
    return s;
  }

  /** The state of a user, moved to the end of the recency order. */
  private userState(appId: string, userKey: string, ingestTime: number): UserState {
    const last = this.lastUser;
    // An upload's events are one user's: the state just used needs no lookup and no reordering.
    if (last && last.userKey === userKey && last.appId === appId && this.users.get(this.lastUserKey) === last) {
      if (ingestTime > last.touchedAt) last.touchedAt = ingestTime;
      return last;
    }
    const key = `${appId}\u0000${userKey}`;
    let state = this.users.get(key);
    if (state) {
      this.users.delete(key);
    } else {
      state = { appId, userKey, touchedAt: ingestTime, servers: [], sessions: new Map() };
      if (this.users.size >= this.maxOpenUsers) {
        const oldest = this.users.values().next().value;
        if (oldest) this.flush(oldest);
      }
    }
    if (ingestTime > state.touchedAt) state.touchedAt = ingestTime;
    this.users.set(key, state);
    this.lastUser = state;
    this.lastUserKey = key;
    return state;
  }

  /** Flushes users idle for longer than their app's session timeout plus the grace: their sessions are over. */
  private evictIdle(): void {
    for (const state of this.users.values()) {
      const idleLimit = this.appSettings(state.appId).sessionTimeoutMs + this.grace;
      if (state.touchedAt + idleLimit >= this.watermark) break;
      this.flush(state);
    }
  }

  /** Emits a user's session and user rows and hands over the server sessions that may continue. */
  private flush(state: UserState): void {
    this.users.delete(`${state.appId}\u0000${state.userKey}`);
    for (const session of state.sessions.values()) this.sink.row('sessions', session.row());
    if (state.user) this.sink.row('users', state.user.row());
    const horizon = this.settings.runTime - this.appSettings(state.appId).sessionTimeoutMs - this.grace;
    for (const s of state.servers) {
      if (s.last >= horizon) this.sink.openSession({ app_id: state.appId, user_key: state.userKey, session_id: s.id, start: s.start, last: s.last });
    }
  }

  private bad(row: BadRow): void {
    const range = this.settings.partitionRange;
    const day = Date.UTC(row.year, row.month - 1, row.day);
    // Reprocessing works on whole UTC days: a bad row is in range when its partition day is.
    if (range && (day < range.from || day >= range.to)) return;
    // A bad row partitioned (by ingest time) on a day retention removed would bring the day back.
    if (this.settings.retentionDays && day < this.appRun(row.app_id).keepsFrom) {
      this.stats.expiredBadRows++;
      return;
    }
    this.stats.badRows++;
    this.sink.row('bad_rows', row);
  }
}

const APP_ID = /^[A-Za-z0-9_]{1,64}$/;
const MIN_TIME = Date.UTC(2000, 0, 1);
const MAX_TIME = Date.UTC(3000, 0, 1);
const opt = (v: unknown, max: number) => v === undefined || (typeof v === 'string' && v.length <= max);

/**
 * An envelope exactly as ingest writes it (v2, or v1 in older raw files), recognised without zod
 * (the schema's check was a measurable share of the work). Anything else goes through
 * RawEnvelope, which has the last word.
 */
function isPlainEnvelope(j: unknown): j is RawEnvelope {
  if (j === null || typeof j !== 'object') return false;
  const e = j as Record<string, unknown>;
  const body = e.body;
  if (e.v === 2) {
    // JSON.parse makes plain arrays and objects only; the schema takes either.
    if (body === null || typeof body !== 'object') return false;
  } else if (e.v !== 1 || typeof body !== 'string') {
    return false;
  }
  if (typeof e.requestId !== 'string' || e.requestId.length === 0) return false;
  if (typeof e.ingestTime !== 'number' || !Number.isInteger(e.ingestTime) || e.ingestTime < MIN_TIME || e.ingestTime >= MAX_TIME) return false;
  if (typeof e.appId !== 'string' || !APP_ID.test(e.appId)) return false;
  if (!opt(e.platform, 64) || !opt(e.clientIp, 64) || !opt(e.userAgent, 2048)) return false;
  const q = e.query;
  if (q === null || typeof q !== 'object' || Array.isArray(q)) return false;
  for (const k in q) if (k === '__proto__' || typeof (q as Record<string, unknown>)[k] !== 'string') return false;
  // Unknown keys would be stripped by the schema: let it handle such a record.
  for (const k in e) if (!ENVELOPE_KEYS.has(k)) return false;
  return true;
}
const ENVELOPE_KEYS = new Set(['v', 'requestId', 'ingestTime', 'appId', 'platform', 'clientIp', 'userAgent', 'query', 'body']);

/** Why a JSON record is not an envelope: a v2 body that is not an array or object gets its own reason. */
function invalidEnvelopeReason(json: unknown): string {
  const e = json as { v?: unknown; body?: unknown } | null;
  if (e !== null && typeof e === 'object' && e.v === 2 && e.body !== undefined && (e.body === null || typeof e.body !== 'object')) {
    return 'Stream record is not a valid ingest envelope: a v2 body must be a JSON array or object.';
  }
  return 'Stream record is not a valid ingest envelope.';
}

/**
 * The key the Spark driver groups input by: the app and the first event's user key (unique_id,
 * else device_id). SDK batches come from one device, so this is the batch's user.
 */
export function groupKeyOf(appId: string, elements: readonly unknown[]): string {
  const first = elements[0] as { unique_id?: unknown; device_id?: unknown } | null | undefined;
  const key = first && typeof first === 'object' ? (str(first.unique_id) ?? str(first.device_id) ?? '') : '';
  return `${appId}\u0000${key}`;
}

/**
 * A device whose clock is off shifts every event by the same amount; `upload_timestamp` is that
 * clock at upload, so the difference to our receive time measures it. Small skews are noise.
 */
function clockSkew(envelope: RawEnvelope, toleranceMs: number): number {
  const upload = Number(envelope.query.upload_timestamp);
  if (!Number.isFinite(upload) || upload <= 0) return 0;
  const skew = envelope.ingestTime - upload;
  return Math.abs(skew) > toleranceMs ? skew : 0;
}
