// The chaos clients' traffic: the shared generator's uploads (web JSON, Android and iOS gzip, bots,
// skewed clocks, late and future events, broken events, SDK retries, refused requests…), rewritten
// only where the harness must: the apps registered for the run, event ids unique to the run, and
// device times moved to the moment of sending — plus a share of events repeated within their batch.
import {
  expectedOutcome,
  generateTraffic,
  Random,
  retimeUpload,
  toSdkRequest,
  withRepeatedEvent,
  type GeneratedUpload,
  type SdkRequest,
  type TrafficShares,
  type UploadOutcome,
} from '@clickstream/traffic-generator';

/** Unusual traffic well above the generator's defaults, so a minute's run has every case many times. */
export const CHAOS_SHARES: TrafficShares = {
  malformed: 0.03,
  late: 0.005,
  future: 0.005,
  duplicate: 0.01,
  bot: 0.05,
  clockSkew: 0.05,
  overlong: 0.01,
  invalidRequest: 0.005,
};

/** The generator's site: web uploads carry this origin, so the run's web app allows it. */
export const WEB_ORIGIN = 'https://shop.example.com';

export interface ChaosTrafficOptions {
  seed: number;
  /** 8 hex digits: the first group of every event id of the run. */
  runTag: string;
  apps: { web: string; mobile: string };
  shares: Partial<TrafficShares>;
  /** Share of uploads that send one of their events twice in the batch. */
  repeatShare: number;
  /** How often the simulated SDKs send their queue (ms): larger means bigger batches. */
  uploadIntervalMs: number;
}

/** One upload ready to send, with what the pipeline must make of it. */
export interface PreparedUpload {
  upload: GeneratedUpload;
  request: SdkRequest;
  outcome: UploadOutcome;
  /** When it was first sent (epoch ms); device times are relative to it. */
  sentAt: number;
}

const YEAR = 365 * 24 * 3_600_000;
/** How long (simulated) an upload is kept for an SDK retry of it; the generator retries within 30 s. */
const RETRY_HORIZON_MS = 120_000;

export class ChaosTraffic {
  private readonly uploads: Iterator<GeneratedUpload>;
  private readonly repeats: Random;
  /** Recent uploads as sent, by request id, for the SDK retries that resend their bytes. */
  private readonly recent = new Map<string, GeneratedUpload>();
  private readonly recentOrder: { simulatedAt: number; requestId: string }[] = [];
  private readonly rename: (id: string) => string;

  constructor(private readonly options: ChaosTrafficOptions) {
    if (!/^[0-9a-f]{8}$/.test(options.runTag)) throw new Error(`run tag must be 8 hex digits, got "${options.runTag}"`);
    // The simulated period only orders the uploads; every upload is moved to when it is really sent.
    const from = Date.UTC(2026, 0, 1);
    this.uploads = generateTraffic({
      seed: options.seed,
      from,
      to: from + YEAR,
      users: 20_000,
      uploadIntervalMs: options.uploadIntervalMs,
      shares: options.shares,
      apps: [
        { appId: options.apps.web, kind: 'web', host: new URL(WEB_ORIGIN).host, weight: 3 },
        { appId: options.apps.mobile, kind: 'mobile', host: 'com.example.shop', weight: 1 },
      ],
    })[Symbol.iterator]();
    this.repeats = Random.derive(options.seed, 'chaos-repeats');
    this.rename = (id) => `${options.runTag}${id.slice(8)}`;
  }

  /** The next upload, as sent at `now`. */
  next(now: number): PreparedUpload {
    const step = this.uploads.next();
    if (step.done) throw new Error('the simulated year of traffic is used up');
    const generated = step.value;
    this.forgetBefore(generated.receivedAt - RETRY_HORIZON_MS);
    const original = generated.meta.retryOf === undefined ? undefined : this.recent.get(generated.meta.retryOf);
    // Resent with other bytes, a retry's copies would disagree on times and the check would be wrong, not the system.
    if (generated.meta.retryOf !== undefined && !original) throw new Error(`SDK retry ${generated.requestId} of an upload no longer held`);
    let upload: GeneratedUpload;
    if (original) {
      upload = retimeUpload(generated, { sentAt: now, eventId: this.rename, original });
    } else {
      upload = retimeUpload(generated, { sentAt: now, eventId: this.rename });
      if (this.repeats.chance(this.options.repeatShare)) upload = withRepeatedEvent(upload, this.repeats);
    }
    this.recent.set(generated.requestId, upload);
    this.recentOrder.push({ simulatedAt: generated.receivedAt, requestId: generated.requestId });
    return { upload, request: toSdkRequest(upload), outcome: expectedOutcome(upload), sentAt: now };
  }

  private forgetBefore(simulatedAt: number): void {
    while (this.recentOrder.length > 0 && this.recentOrder[0]!.simulatedAt < simulatedAt) {
      this.recent.delete(this.recentOrder.shift()!.requestId);
    }
  }
}
