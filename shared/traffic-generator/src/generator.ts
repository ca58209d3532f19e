import { encodeRawEnvelopeV2, type RawEnvelopeHeader, type RawEnvelopeV2 } from '@clickstream/contracts';
import {
  APP_TRAFFIC_SOURCES,
  BOT_USER_AGENTS,
  COUNTRIES,
  MOBILE_DEVICES,
  mobileUserAgent,
  type AppTrafficSpec,
  type Country,
  type MobileDevice,
  type TrafficSourceSpec,
  WEB_DEVICES,
  WEB_TRAFFIC_SOURCES,
  type WebDevice,
} from './catalog.js';
import { hashCodeOf } from './hash-code.js';
import { EVENT_CASES, type MalformedCase } from './malformed.js';
import { Random, Weighted } from './random.js';
import { toSdkRequest } from './sdk-request.js';
import { UploadHeap } from './upload-heap.js';
import { mobileSession, webSession, type EventJson, type SdkEvent, type SessionPlan } from './sessions.js';

/** An app the traffic goes to: a website (web SDK) or a mobile app (Android and iOS SDKs). */
export interface AppTraffic {
  appId: string;
  kind: 'web' | 'mobile';
  /** Host of the site (web) or package name (mobile). */
  host?: string;
  /** Relative share of the users. Default 1. */
  weight?: number;
}

/** Shares of unusual traffic; each in [0, 1]. */
export interface TrafficShares {
  /** Uploads with one broken event (a case from EVENT_CASES, chosen evenly). Default 0.01. */
  malformed: number;
  /** Sessions uploaded days late by a device that was offline (every event is LATE_EVENT). Default 0.003. */
  late: number;
  /** Uploads with one event stamped hours in the future. Default 0.002. */
  future: number;
  /** Uploads the SDK sends twice (a retry after a lost response): same events, new request. Default 0.005. */
  duplicate: number;
  /** Web users that are crawlers or headless browsers. Default 0.02. */
  bot: number;
  /** Devices (web and Android; iOS sends no upload_timestamp) with a clock off by 15 min to 3 days. Default 0.02. */
  clockSkew: number;
  /** Page views with a title over the 1024-character value limit (truncated by processing). Default 0.002. */
  overlong: number;
  /** Requests whose body is not JSON (ingest answers 400; absent from envelopes). Default 0. */
  invalidRequest: number;
}

export interface TrafficOptions {
  /** Same seed and options → the same traffic, byte for byte. */
  seed: string | number;
  /** Start of the simulated period (epoch ms): the first session starts here. */
  from: number;
  /** End of the period (exclusive): nothing is uploaded at or after it. */
  to: number;
  /**
   * Stop once this many events (batch elements, broken ones included) were uploaded. With it, the
   * session rate is set so that over whole days the count is reached a little before `to` (a
   * period of a few night hours may end first); without it, `sessionsPerHour` applies.
   */
  events?: number;
  /** Average session starts per hour when `events` is not given. Default 120. */
  sessionsPerHour?: number;
  /** Size of the user population (returning users come from it). Default: events / 40, at least 200. */
  users?: number;
  apps?: readonly AppTraffic[];
  shares?: Partial<TrafficShares>;
  /** How often the SDKs send their queue (ms). Default 10 s, their default. */
  uploadIntervalMs?: number;
}

/** One request as an SDK sends it to `/collect`. */
export interface SdkRequest {
  method: 'POST';
  /** Path and query, e.g. `/collect?platform=Web&appId=…`. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** The bytes on the wire: JSON text (web), or base64 text of the gzip (Android, iOS). */
  body: string;
  /** When the SDK sends it (epoch ms). */
  sentAt: number;
  /** The client address as the edge sees it. */
  clientIp: string;
}

export interface UploadMeta {
  kind: 'web' | 'mobile';
  platform: 'Web' | 'Android' | 'iOS';
  /** Elements in the batch (valid or not). */
  events: number;
  /** One entry per broken element (or the whole request for `invalid-json-body`). */
  malformed: MalformedCase[];
  /** The batch position of each broken element, parallel to `malformed` (empty for `invalid-json-body`). */
  malformedAt: number[];
  /** The request this one repeats (an SDK retry), when it is one. */
  retryOf?: string;
  bot: boolean;
  /** The device clock's offset (ms) when it is off; processing corrects it from upload_timestamp. */
  clockSkewMs: number;
  /** Events whose values exceed the length limit (processing truncates them and flags the row). */
  overlong: number;
}

/** One upload: what the SDK sent, what ingest stored for it (absent when ingest refuses it), and what it contains. */
export interface GeneratedUpload {
  requestId: string;
  /** When ingest accepted it (epoch ms); uploads come in this order. */
  receivedAt: number;
  appId: string;
  query: Record<string, string>;
  userAgent: string;
  clientIp: string;
  /** The batch as JSON text (decompressed). */
  body: string;
  /** The page's origin, for web uploads (browsers send it; CORS checks it). */
  origin?: string;
  meta: UploadMeta;
}

const DEFAULT_APPS: readonly AppTraffic[] = [
  { appId: 'shop_web', kind: 'web', host: 'shop.example.com', weight: 3 },
  { appId: 'shop_app', kind: 'mobile', host: 'com.example.shop', weight: 1 },
];

export const defaultShares: TrafficShares = {
  malformed: 0.01,
  late: 0.003,
  future: 0.002,
  duplicate: 0.005,
  bot: 0.02,
  clockSkew: 0.02,
  overlong: 0.002,
  invalidRequest: 0,
};

/** Share of sessions by UTC hour (a day's curve, peaking in the European and American evenings). */
const HOURLY = [0.45, 0.35, 0.3, 0.3, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.9, 0.95, 1, 0.95, 0.9, 0.9, 0.95, 1, 1, 0.95, 0.9, 0.8, 0.7, 0.55];
const HOURLY_MEAN = HOURLY.reduce((a, b) => a + b, 0) / HOURLY.length;
/** Measured average of events per session of the session model, to turn an event count into a rate. */
const EVENTS_PER_SESSION = 17;
const HOUR = 3_600_000;

export interface UserProfile {
  index: number;
  app: AppTraffic;
  uniqueId: string;
  deviceId: string;
  device: WebDevice | MobileDevice;
  userAgent: string;
  country: Country;
  clientIp: string;
  bot: boolean;
  clockSkewMs: number;
  /** The login id once the user signs in, or null for users who never do. */
  userId: string | null;
  /** The session number (1-based) in which the user signs in. */
  loginSession: number;
  attributes: Record<string, string | number>;
  appVersion: string;
}

/**
 * The traffic of a simulated population over a period, as uploads in the order ingest receives
 * them. Streaming with constant memory in the length of the period: only sessions in flight are
 * held (their pending uploads), plus four numbers per user of the population.
 */
export function* generateTraffic(options: TrafficOptions): Generator<GeneratedUpload> {
  const shares = { ...defaultShares, ...options.shares };
  const apps = options.apps ?? DEFAULT_APPS;
  if (apps.length === 0) throw new Error('traffic needs at least one app');
  if (!(options.to > options.from)) throw new Error('traffic needs a period: `to` must be after `from`');
  const span = options.to - options.from;
  const sessionsPerHour =
    options.events !== undefined ? ((options.events / EVENTS_PER_SESSION) * 1.15 * HOUR) / span : (options.sessionsPerHour ?? 120);
  const population = options.users ?? Math.max(200, Math.round((options.events ?? (sessionsPerHour * span) / HOUR * EVENTS_PER_SESSION) / 40));
  const interval = options.uploadIntervalMs ?? 10_000;
  const random = new Random(options.seed);
  const world = new World(options.seed, apps, shares, population);
  const heap = new UploadHeap<PendingUpload>();
  const peakRate = sessionsPerHour / HOUR / HOURLY_MEAN;
  let nextStart = options.from;
  let emitted = 0;
  let seq = 0;

  for (;;) {
    const top = heap.peek();
    if (top && top.time <= nextStart) {
      heap.pop();
      if (top.time >= options.to) return;
      const upload = world.finish(top.value, random);
      const retry = world.retryOf(top.value, upload, random);
      if (retry) heap.push(retry.sentAt, seq++, retry);
      yield upload;
      emitted += upload.meta.events;
      if (options.events !== undefined && emitted >= options.events) return;
      continue;
    }
    if (nextStart >= options.to && !top) return;
    if (nextStart < options.to) {
      // Thinning: candidates at the peak rate, kept in proportion to the hour's share.
      const hour = new Date(nextStart).getUTCHours();
      if (random.chance(HOURLY[hour]! / 1)) {
        for (const pending of world.startSession(nextStart, random, interval)) heap.push(pending.sentAt, seq++, pending);
      }
      nextStart += random.exponential(1 / peakRate);
    } else {
      nextStart = Number.POSITIVE_INFINITY;
    }
  }
}

/** The SDK requests of the traffic (what a load test or the chaos harness sends to /collect). */
export function* sdkRequests(options: TrafficOptions): Generator<SdkRequest> {
  for (const upload of generateTraffic(options)) yield toSdkRequest(upload);
}

/** The raw envelopes ingest makes durable for the traffic, as objects (refused requests are absent). */
export function* rawEnvelopes(options: TrafficOptions): Generator<RawEnvelopeV2> {
  for (const upload of generateTraffic(options)) {
    const envelope = toEnvelope(upload);
    if (envelope) yield envelope;
  }
}

interface PendingUpload {
  sentAt: number;
  profile: UserProfile;
  events: SdkEvent[];
  malformed: MalformedCase[];
  malformedAt: number[];
  overlong: number;
  sequence: number;
  /** A retry repeats this body under a new request id. */
  retryOf?: { requestId: string; body: string };
}

class World {
  private readonly appTable: Weighted<AppTraffic>;
  private readonly webDevices = new Weighted(WEB_DEVICES.map((d) => [d, d.weight] as const));
  private readonly mobileDevices = new Weighted(MOBILE_DEVICES.map((d) => [d, d.weight] as const));
  private readonly countries = new Weighted(COUNTRIES.map((c) => [c, c.weight] as const));
  private readonly webSources = new Weighted(WEB_TRAFFIC_SOURCES.map((s) => [s, s.weight] as const));
  private readonly appSources = new Weighted(APP_TRAFFIC_SOURCES.map((s) => [s, s.weight] as const));
  /** Per user: sessions so far, uploads so far (the SDK's bundle sequence), first visit time. */
  private readonly sessions: Uint32Array;
  private readonly uploads: Uint32Array;
  private readonly firstTouch: Float64Array;

  constructor(
    private readonly seed: string | number,
    apps: readonly AppTraffic[],
    private readonly shares: TrafficShares,
    private readonly population: number,
  ) {
    this.appTable = new Weighted(apps.map((a) => [a, a.weight ?? 1] as const));
    this.sessions = new Uint32Array(population);
    this.uploads = new Uint32Array(population);
    this.firstTouch = new Float64Array(population);
  }

  /** A user's fixed traits, derived from the seed and their index (nothing stored per user). */
  profile(index: number): UserProfile {
    const r = Random.derive(this.seed, 'user', index);
    const app = this.appTable.draw(r);
    const country = this.countries.draw(r);
    const v6 = country.ipv6.length > 0 && r.chance(0.25);
    const clientIp = v6 ? `${r.pick(country.ipv6)}${r.hex(4).replace(/^0+(?=.)/, '')}::${r.hex(3)}` : `${r.pick(country.ipv4)}${r.int(1, 254)}`;
    const uniqueId = r.uuid();
    const appVersion = r.pick(['3.2.0', '3.2.1', '3.3.0']);
    let device: WebDevice | MobileDevice;
    let userAgent: string;
    let bot = false;
    if (app.kind === 'web') {
      device = this.webDevices.draw(r);
      bot = r.chance(this.shares.bot);
      userAgent = bot ? r.pick(BOT_USER_AGENTS) : device.userAgent;
    } else {
      device = this.mobileDevices.draw(r);
      userAgent = mobileUserAgent(device, appVersion);
    }
    const iosApp = device.kind === 'mobile' && device.platform === 'iOS';
    const skewed = !iosApp && !bot && r.chance(this.shares.clockSkew);
    const clockSkewMs = skewed ? (r.chance(0.5) ? 1 : -1) * Math.round(15 * 60_000 + r.next() * 3 * 24 * HOUR) : 0;
    const registered = !bot && r.chance(0.35);
    return {
      index,
      app,
      uniqueId,
      deviceId: device.kind === 'mobile' && device.platform === 'Android' ? r.hex(16) : r.uuid(),
      device,
      userAgent,
      country,
      clientIp,
      bot,
      clockSkewMs,
      userId: registered ? `user-${index}` : null,
      loginSession: r.int(1, 3),
      attributes: registered
        ? { plan: r.pick(['free', 'plus', 'pro']), age_group: r.pick(['18-24', '25-34', '35-44', '45-54', '55+']), newsletter: r.chance(0.4) ? 1 : 0 }
        : {},
      appVersion,
    };
  }

  /** A new session at `start`: its events, split into the uploads the SDK makes. */
  startSession(startTime: number, random: Random, interval: number): PendingUpload[] {
    const start = Math.round(startTime);
    // Heavy users first: a skewed draw over the population makes some return often, most rarely.
    const index = Math.min(this.population - 1, Math.floor(this.population * random.next() ** 1.7));
    const profile = this.profile(index);
    const sessionNumber = ++this.sessions[index]!;
    if (sessionNumber === 1) this.firstTouch[index] = start;
    const late = random.chance(this.shares.late);
    // A late session happened days before it is uploaded (the device was offline).
    const happenedAt = late ? start - Math.round((73 + random.next() * 48) * HOUR) : start;
    const plan: SessionPlan = {
      random,
      profile,
      start: happenedAt,
      sessionNumber,
      firstTouch: sessionNumber === 1 ? happenedAt : Math.min(this.firstTouch[index]!, happenedAt),
      webSource: this.webSources.draw(random) as TrafficSourceSpec,
      appSource: this.appSources.draw(random) as AppTrafficSpec,
      overlongShare: this.shares.overlong,
    };
    const events = (profile.app.kind === 'web' ? webSession(plan) : mobileSession(plan)).sort((a, b) => a.at - b.at);

    const uploads: PendingUpload[] = [];
    const latency = () => 40 + Math.round(random.logNormal(120, 0.8));
    if (late) {
      uploads.push(this.pending(profile, start + latency(), events, events.map(() => 'late-event' as const)));
    } else {
      // The SDK sends its queue every `interval`: one upload per window that has events.
      let batch: SdkEvent[] = [];
      let windowEnd = happenedAt + interval;
      for (const e of events) {
        const t = e.at;
        if (t >= windowEnd && batch.length > 0) {
          uploads.push(this.pending(profile, windowEnd + latency(), batch, []));
          batch = [];
        }
        while (t >= windowEnd) windowEnd += interval;
        batch.push(e);
      }
      if (batch.length > 0) uploads.push(this.pending(profile, windowEnd + latency(), batch, []));
    }
    for (const u of uploads) {
      u.sequence = ++this.uploads[index]!;
      u.overlong = u.events.filter((e) => e.overlong === true).length;
      if (!late) this.spoil(u, random);
    }
    return uploads;
  }

  private pending(profile: UserProfile, sentAt: number, events: SdkEvent[], malformed: MalformedCase[]): PendingUpload {
    return { sentAt, profile, events, malformed, malformedAt: malformed.map((_, i) => i), overlong: 0, sequence: 0 };
  }

  /** Breaks one event of some uploads (malformed or future), per the shares. */
  private spoil(u: PendingUpload, random: Random): void {
    if (random.chance(this.shares.malformed)) {
      const which = random.int(0, u.events.length - 1);
      const kind = random.pick(EVENT_CASES);
      u.events[which] = breakEvent(u.events[which]!, kind, random);
      u.malformed.push(kind);
      u.malformedAt.push(which);
    } else if (random.chance(this.shares.future)) {
      const which = random.int(0, u.events.length - 1);
      const e = u.events[which]!;
      const json = { ...(JSON.parse(e.text) as EventJson), timestamp: u.sentAt + u.profile.clockSkewMs + Math.round((1 + random.next() * 47) * HOUR) };
      u.events[which] = { ...e, text: JSON.stringify(json) };
      u.malformed.push('future-event');
      u.malformedAt.push(which);
    }
  }

  /** Serialises a pending upload into what the SDK sends and ingest receives. */
  finish(u: PendingUpload, random: Random): GeneratedUpload {
    const profile = u.profile;
    const device = profile.device;
    const platform = device.kind === 'web' ? 'Web' : device.platform;
    const body = u.retryOf?.body ?? `[${u.events.map((e) => e.text).join(',')}]`;
    const deviceClock = u.sentAt + profile.clockSkewMs;
    const query: Record<string, string> = { platform, appId: profile.app.appId };
    if (platform === 'iOS') {
      query.compression = 'gzip';
      query.event_bundle_sequence_id = String(u.sequence);
    } else {
      query.hashCode = hashCodeOf(body);
      query.event_bundle_sequence_id = String(u.sequence);
      query.upload_timestamp = String(deviceClock);
      if (platform === 'Android') query.compression = 'gzip';
    }
    const invalid = !u.retryOf && random.chance(this.shares.invalidRequest);
    const upload: GeneratedUpload = {
      requestId: random.uuid(),
      receivedAt: u.sentAt,
      appId: profile.app.appId,
      query,
      userAgent: profile.userAgent,
      clientIp: profile.clientIp,
      body: invalid ? body.slice(0, Math.max(1, Math.floor(body.length / 2))) : body,
      ...(profile.app.kind === 'web' ? { origin: `https://${profile.app.host ?? 'shop.example.com'}` } : {}),
      meta: {
        kind: profile.app.kind,
        platform,
        events: u.events.length,
        malformed: invalid ? ['invalid-json-body'] : u.malformed,
        malformedAt: invalid ? [] : u.malformedAt,
        bot: profile.bot,
        clockSkewMs: profile.clockSkewMs,
        overlong: u.overlong,
        ...(u.retryOf ? { retryOf: u.retryOf.requestId } : {}),
      },
    };
    if (invalid) delete upload.query.hashCode;
    return upload;
  }

  /** A retry of an upload a few seconds later (its response was lost), when the share says so. */
  retryOf(pending: PendingUpload, upload: GeneratedUpload, random: Random): PendingUpload | undefined {
    if (pending.retryOf || upload.meta.malformed.includes('invalid-json-body') || !random.chance(this.shares.duplicate)) return undefined;
    return { ...pending, sentAt: pending.sentAt + random.int(2_000, 30_000), retryOf: { requestId: upload.requestId, body: upload.body } };
  }
}

/** Applies one malformed case to an event (a fresh copy: the session's other events are untouched). */
function breakEvent(event: SdkEvent, kind: MalformedCase, random: Random): SdkEvent {
  const json = JSON.parse(event.text) as EventJson;
  switch (kind) {
    case 'missing-event-id':
      delete json.event_id;
      break;
    case 'invalid-event-id':
      json.event_id = `evt-${random.hex(12)}`;
      break;
    case 'missing-event-type':
      delete json.event_type;
      break;
    case 'event-type-too-long':
      json.event_type = `custom_${'x'.repeat(60)}`;
      break;
    case 'timestamp-not-a-number':
      json.timestamp = String(json.timestamp);
      break;
    case 'too-many-attributes': {
      const attributes: Record<string, unknown> = { ...(json.attributes as Record<string, unknown>) };
      for (let i = 0, n = Object.keys(attributes).length; n <= 500; i++, n++) attributes[`attr_${i}`] = i;
      json.attributes = attributes;
      break;
    }
    case 'attribute-name-too-long':
      json.attributes = { ...(json.attributes as Record<string, unknown>), [`attribute_${'n'.repeat(60)}`]: 'value' };
      break;
    case 'not-an-object':
      return { ...event, text: JSON.stringify(`${String(json.event_type)}:${String(json.event_id)}`) };
    case 'app-id-mismatch':
      json.app_id = `${String(json.app_id)}_staging`;
      break;
    default:
      throw new Error(`${kind} does not break an event`);
  }
  return { ...event, text: JSON.stringify(json) };
}

/** The envelope header ingest stores for an upload, or undefined when ingest refuses it (4xx). */
export function toEnvelopeHeader(upload: GeneratedUpload): RawEnvelopeHeader | undefined {
  if (upload.meta.malformed.includes('invalid-json-body')) return undefined;
  return {
    requestId: upload.requestId,
    ingestTime: upload.receivedAt,
    appId: upload.appId,
    platform: upload.query.platform,
    clientIp: upload.clientIp,
    userAgent: upload.userAgent,
    query: upload.query,
  };
}

/**
 * The stored line ingest makes durable for an upload (a RawEnvelopeV2: the body's JSON bytes
 * spliced in by `encodeRawEnvelopeV2`, as ingest writes it), or undefined when ingest refuses it.
 */
export function toRawLine(upload: GeneratedUpload): string | undefined {
  const header = toEnvelopeHeader(upload);
  return header && encodedLine(header, upload.body);
}

/** What ingest makes durable for an upload, as an object, or undefined when ingest refuses it (4xx). */
export function toEnvelope(upload: GeneratedUpload): RawEnvelopeV2 | undefined {
  const header = toEnvelopeHeader(upload);
  return header && { v: 2, ...header, body: JSON.parse(upload.body) as RawEnvelopeV2['body'] };
}

/** A v2 line of a header and a body given as JSON text. */
export function encodedLine(header: RawEnvelopeHeader, bodyJson: string): string {
  const bytes = encodeRawEnvelopeV2(header, Buffer.from(bodyJson, 'utf8'));
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
}
