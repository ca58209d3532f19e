import { ClickstreamEvent, RawEnvelopeV1 } from '@clickstream/contracts';
import type { AcceptedEvent } from './accepted-event.js';
import { defaultAppProcessing, stepsFor, type AppProcessing, type BoundStep } from './pipeline/registry.js';
import { isRejection, type WorkingEvent } from './pipeline/step.js';
import type { BadRow, BadRowReason, EventRow, TableRows } from './rows.js';
import { itemRows } from './tables/items.js';
import { assignServerSessions, sessionRows } from './tables/sessions.js';
import { userRows } from './tables/users.js';
import { sqlTimestamp, utcParts } from './time.js';

export interface ProcessingSettings {
  /** Events older than this (after skew correction) are bad rows. */
  lateWindowMs: number;
  /** Events further than this in the future are bad rows; also the skew that triggers correction. */
  futureToleranceMs: number;
  /** Partition time for records too broken to carry their own ingest time (fixed per job, for determinism). */
  runTime: number;
  /** Per-app pipeline settings (enrichers, plugins, session timeout, IP anonymisation). */
  apps?: Readonly<Record<string, AppProcessing>>;
  /** For apps not in `apps`; the pipeline configuration's defaults when absent. */
  defaultApp?: AppProcessing;
}

export const defaultSettings: Omit<ProcessingSettings, 'runTime'> = {
  lateWindowMs: 72 * 3600_000,
  futureToleranceMs: 10 * 60_000,
};

const RAW_LIMIT = 64 * 1024;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);

/**
 * The processing core: envelope → validated event → the app's chain of steps (truncation,
 * enrichers, plugins) → `events`, then `sessions`, `users` and `items` derived from the accepted
 * events; every rejection is kept as a bad row. Deterministic (same input → same rows) and free of
 * I/O, so the embedded runner and the EMR job run exactly this code. Duplicate event ids within one
 * run are kept once. Work is linear in the run's events apart from sorting per user and session.
 */
export function processEnvelopes(records: Iterable<string>, settings: ProcessingSettings): TableRows {
  const bad_rows: BadRow[] = [];
  const accepted: AcceptedEvent[] = [];
  const run: Run = { settings, seen: new Set(), steps: new Map(), bad_rows, accepted };
  for (const record of records) {
    let json: unknown;
    try {
      json = JSON.parse(record);
    } catch {
      json = undefined;
    }
    const envelope = RawEnvelopeV1.safeParse(json);
    if (!envelope.success) {
      bad_rows.push(bad(undefined, 'INVALID_ENVELOPE', 'Stream record is not a valid ingest envelope.', record, null, settings.runTime));
      continue;
    }
    processEnvelope(envelope.data, run);
  }
  assignServerSessions(accepted, (appId) => appSettings(settings, appId).sessionTimeoutMs);
  return {
    events: accepted.map((a) => toEventRow(a.event)),
    sessions: sessionRows(accepted),
    users: userRows(accepted),
    items: itemRows(accepted),
    bad_rows,
  };
}

interface Run {
  settings: ProcessingSettings;
  seen: Set<string>;
  /** Each app's steps, bound once per run (plugins parse their options once). */
  steps: Map<string, BoundStep[]>;
  bad_rows: BadRow[];
  accepted: AcceptedEvent[];
}

const appSettings = (settings: ProcessingSettings, appId: string): AppProcessing =>
  (settings.apps && Object.hasOwn(settings.apps, appId) ? settings.apps[appId] : undefined) ?? settings.defaultApp ?? defaultAppProcessing;

function stepsOf(run: Run, appId: string): BoundStep[] {
  let steps = run.steps.get(appId);
  if (!steps) run.steps.set(appId, (steps = stepsFor(appSettings(run.settings, appId))));
  return steps;
}

function processEnvelope(envelope: RawEnvelopeV1, run: Run): void {
  const { settings, seen, bad_rows: badRows } = run;
  let body: unknown;
  try {
    body = JSON.parse(envelope.body);
  } catch {
    badRows.push(bad(envelope, 'INVALID_JSON', 'Request body is not valid JSON.', envelope.body));
    return;
  }
  const skew = clockSkew(envelope, settings);
  const upload = { requestId: envelope.requestId, ingestTime: envelope.ingestTime, platform: envelope.platform ?? null };
  for (const element of Array.isArray(body) ? body : [body]) {
    if (element === null || typeof element !== 'object' || Array.isArray(element)) {
      badRows.push(bad(envelope, 'NOT_AN_EVENT', 'Batch element is not a JSON object.', JSON.stringify(element)));
      continue;
    }
    const parsed = ClickstreamEvent.safeParse(element);
    if (!parsed.success) {
      const reason = parsed.error.issues.map((i) => `${i.path.join('.') || 'event'}: ${i.message}`).join('; ');
      badRows.push(bad(envelope, 'INVALID_EVENT', reason, JSON.stringify(element), str((element as { event_id?: unknown }).event_id)));
      continue;
    }
    const event = parsed.data;
    if (event.app_id !== envelope.appId) {
      badRows.push(
        bad(envelope, 'APP_ID_MISMATCH', `Event app_id "${event.app_id}" differs from the upload's appId.`, JSON.stringify(element), event.event_id),
      );
      continue;
    }
    const time = event.timestamp + skew;
    if (time < envelope.ingestTime - settings.lateWindowMs) {
      badRows.push(bad(envelope, 'LATE_EVENT', 'Event is older than the late-arrival window.', JSON.stringify(element), event.event_id));
      continue;
    }
    if (time > envelope.ingestTime + settings.futureToleranceMs) {
      badRows.push(bad(envelope, 'FUTURE_EVENT', 'Event time is in the future.', JSON.stringify(element), event.event_id));
      continue;
    }
    const dedupeKey = `${event.app_id}\u0000${event.event_id}`;
    if (seen.has(dedupeKey)) continue;
    seen.add(dedupeKey);

    let row = toWorkingEvent(envelope, event, time);
    let rejection: string | undefined;
    for (const { step, options } of stepsOf(run, event.app_id)) {
      const result = step.process(row, { event, upload, options });
      if (isRejection(result)) {
        rejection = `${step.name}: ${result.rejected}`;
        break;
      }
      row = result;
    }
    if (rejection !== undefined) {
      badRows.push(bad(envelope, 'PLUGIN_REJECTED', rejection, JSON.stringify(element), event.event_id));
      continue;
    }
    run.accepted.push({ event: row, time });
  }
}

/**
 * A device whose clock is off shifts every event by the same amount; `upload_timestamp` is that
 * clock at upload, so the difference to our receive time measures it. Small skews are noise.
 */
function clockSkew(envelope: RawEnvelopeV1, settings: ProcessingSettings): number {
  const upload = Number(envelope.query.upload_timestamp);
  if (!Number.isFinite(upload) || upload <= 0) return 0;
  const skew = envelope.ingestTime - upload;
  return Math.abs(skew) > settings.futureToleranceMs ? skew : 0;
}

/** The event's row before any step ran; enrichment columns start empty. Copies what steps may change. */
function toWorkingEvent(envelope: RawEnvelopeV1, e: ClickstreamEvent, time: number): WorkingEvent {
  const a = { ...(e.attributes ?? {}) };
  const userId = e.user?._user_id?.value;
  return {
    event_id: e.event_id,
    event_type: e.event_type,
    event_timestamp: sqlTimestamp(time),
    client_timestamp: e.timestamp,
    ingest_timestamp: sqlTimestamp(envelope.ingestTime),
    app_id: e.app_id,
    ...utcParts(time),
    platform: e.platform ?? envelope.platform ?? null,
    user_pseudo_id: e.unique_id ?? null,
    user_id: userId === undefined || userId === null ? null : String(userId),
    device_id: e.device_id ?? null,
    session_id: str(a._session_id),
    page_url: str(a._page_url),
    page_title: str(a._page_title),
    page_referrer: str(a._page_referrer),
    screen_name: str(a._screen_name),
    locale: e.locale ?? null,
    os_name: e.os_name ?? null,
    os_version: e.os_version ?? null,
    make: e.make ?? null,
    model: e.model ?? null,
    app_version: e.app_version ?? null,
    sdk_name: e.sdk_name ?? null,
    sdk_version: e.sdk_version ?? null,
    client_ip: envelope.clientIp ?? null,
    user_agent: envelope.userAgent ?? null,
    attributes: a,
    user_attributes: Object.fromEntries(Object.entries(e.user ?? {}).map(([k, v]) => [k, { ...v }])),
    items: (e.items ?? []).map((i) => ({ ...i })),
    request_id: envelope.requestId,
    browser: null,
    browser_version: null,
    os: null,
    device_category: null,
    device_vendor: null,
    device_model: null,
    country: null,
    continent: null,
    is_bot: false,
    traffic_source_source: null,
    traffic_source_medium: null,
    traffic_source_campaign: null,
    traffic_source_campaign_id: null,
    traffic_source_content: null,
    traffic_source_term: null,
    traffic_source_clid: null,
    traffic_source_clid_platform: null,
    channel_group: null,
    truncated: false,
  };
}

function toEventRow(e: WorkingEvent): EventRow {
  return { ...e, attributes: JSON.stringify(e.attributes), user_attributes: JSON.stringify(e.user_attributes), items: JSON.stringify(e.items) };
}

function bad(
  envelope: RawEnvelopeV1 | undefined,
  code: BadRowReason,
  reason: string,
  raw: string,
  eventId: string | null = null,
  fallbackTime = 0,
): BadRow {
  const ingest = envelope?.ingestTime ?? fallbackTime;
  return {
    request_id: envelope?.requestId ?? 'unknown',
    ingest_timestamp: sqlTimestamp(ingest),
    app_id: envelope?.appId ?? '_unknown',
    ...utcParts(ingest),
    reason_code: code,
    reason,
    event_id: eventId,
    raw: raw.length > RAW_LIMIT ? raw.slice(0, RAW_LIMIT) : raw,
  };
}
