// Shared builders for the processing tests: one upload (ingest envelope) and one SDK event.
import type { EventContract, RawEnvelopeHeader, RawEnvelopeV1 } from '@clickstream/contracts';
import type { EventPublisher } from '@clickstream/lambda-kit';
import { encodedLine } from '@clickstream/traffic-generator';
import { defaultSettings, type ProcessingSettings } from '../src/domain/process-envelopes.js';
import type { RawInput } from '../src/ports/raw-input.js';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const INGEST = Date.UTC(2026, 10, 29, 10, 0, 0);
export const settings: ProcessingSettings = { ...defaultSettings, runTime: INGEST + 15 * MIN };
export const uuid = (n: number) => `6f1c2b1e-8d4a-4c3b-9a2f-${String(n).padStart(12, '0')}`;

export const UA = {
  iPhoneSafari:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  androidChrome: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  windowsEdge:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51',
  iPadSafari:
    'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  googlebot: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
} as const;

/** A web page view of `pseudo-1`, one minute before the upload; `over` replaces fields. */
export function webEvent(n: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event_type: '_page_view',
    event_id: uuid(n),
    timestamp: INGEST - MIN,
    app_id: 'shop_web',
    unique_id: 'pseudo-1',
    platform: 'Web',
    attributes: { _page_url: 'https://shop.example.com/', _page_title: 'Home' },
    ...over,
  };
}

const header = (over: Partial<RawEnvelopeHeader>): RawEnvelopeHeader => ({
  requestId: 'req-1',
  ingestTime: INGEST,
  appId: 'shop_web',
  platform: 'Web',
  clientIp: '8.8.8.8',
  userAgent: UA.windowsEdge,
  query: { upload_timestamp: String(INGEST) },
  ...over,
});

/** One upload as ingest stores it now: a RawEnvelopeV2 line (the body embedded as JSON). */
export function upload(body: unknown[], over: Partial<RawEnvelopeHeader> = {}): string {
  return encodedLine(header(over), JSON.stringify(body));
}

/** The same upload as raw files written before v2 hold it: a RawEnvelopeV1 line (the body as a JSON string). */
export function uploadV1(body: unknown[] | string, over: Partial<RawEnvelopeHeader> = {}): string {
  return JSON.stringify({ v: 1, ...header(over), body: typeof body === 'string' ? body : JSON.stringify(body) } satisfies RawEnvelopeV1);
}

/** Stream input over records held in memory (positions are indexes). */
export const recordsInput = (records: readonly string[]): RawInput => ({
  end: async () => records.length,
  read: async function* (from, to) {
    yield* records.slice(from, to);
  },
});

/** A publisher that fails the first ProcessingCompleted.v1, as a process killed after writing and before announcing would; the rest succeed. */
export function crashingOnFirstCompletion(): EventPublisher {
  let failNext = true;
  return {
    publish: async <C extends EventContract>(contract: C) => {
      if (contract.detailType === 'ProcessingCompleted.v1' && failNext) {
        failNext = false;
        throw new Error('process killed before announcing');
      }
    },
  };
}
