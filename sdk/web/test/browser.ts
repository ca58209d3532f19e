// A fresh happy-dom page for each test, installed as the globals the SDK reads, with the network
// (fetch and sendBeacon) replaced by a scripted fake server that records every upload.
import { gunzipSync } from 'node:zlib';
import { Window } from 'happy-dom';
import type { ClickstreamEvent } from '../src/types.js';

export interface Upload {
  via: 'fetch' | 'beacon';
  url: URL;
  events: ClickstreamEvent[];
  /** The JSON text before any compression. */
  json: string;
}

export interface FakeBrowser {
  window: Window;
  uploads: Upload[];
  /** Statuses for the next uploads, in order (0 = network failure); afterwards 200. */
  answers: number[];
  sent(): ClickstreamEvent[];
  ofType(type: string): ClickstreamEvent[];
  /** The page is hidden, then unloaded (visibilitychange, then pagehide). */
  hide(): void;
  show(): void;
  restore(): void;
}

const GLOBALS = ['window', 'document', 'location', 'history', 'navigator', 'screen', 'localStorage', 'performance', 'innerWidth', 'innerHeight', 'scrollY', 'addEventListener', 'removeEventListener'];

export function fakeBrowser(url = 'https://shop.example/', options: { localStorage?: Storage; referrer?: string } = {}): FakeBrowser {
  const window = new Window({ url, width: 1280, height: 720 });
  if (options.localStorage) Object.defineProperty(window, 'localStorage', { value: options.localStorage, configurable: true });
  if (options.referrer) Object.defineProperty(window.document, 'referrer', { value: options.referrer, configurable: true });
  window.document.title = 'Shop';
  const uploads: Upload[] = [];
  const answers: number[] = [];
  let hidden = false;
  Object.defineProperty(window.document, 'visibilityState', { get: () => (hidden ? 'hidden' : 'visible'), configurable: true });
  Object.defineProperty(window.document, 'hidden', { get: () => hidden, configurable: true });

  const record = (via: Upload['via'], target: string, body: unknown) => {
    const u = new URL(target);
    const json = u.searchParams.get('compression') === 'gzip' ? gunzipSync(Buffer.from(body as ArrayBuffer)).toString('utf8') : String(body);
    uploads.push({ via, url: u, json, events: JSON.parse(json) as ClickstreamEvent[] });
  };
  const fakeFetch = async (input: string | URL, init?: RequestInit) => {
    const status = answers.length ? answers.shift()! : 200;
    if (status === 0) throw new TypeError('Failed to fetch');
    record('fetch', String(input), init?.body);
    return new Response(null, { status });
  };
  Object.defineProperty(window.navigator, 'sendBeacon', {
    value: (target: string, body: string) => {
      record('beacon', target, body);
      return true;
    },
    configurable: true,
  });

  const saved = new Map<string, PropertyDescriptor | undefined>();
  for (const name of [...GLOBALS, 'fetch']) saved.set(name, Object.getOwnPropertyDescriptor(globalThis, name));
  for (const name of GLOBALS) {
    const value = name === 'window' ? window : (window as unknown as Record<string, unknown>)[name];
    Object.defineProperty(globalThis, name, {
      configurable: true,
      writable: true,
      value: typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(window) : value,
    });
  }
  for (const name of ['innerWidth', 'innerHeight', 'scrollY']) {
    Object.defineProperty(globalThis, name, { configurable: true, get: () => (window as unknown as Record<string, number>)[name] });
  }
  Object.defineProperty(globalThis, 'fetch', { configurable: true, writable: true, value: fakeFetch });
  // The SDK's upload interval lives as long as its page; in a test process it must not hold node open.
  const intervals: ReturnType<typeof setInterval>[] = [];
  const realSetInterval = setInterval;
  globalThis.setInterval = ((fn: () => void, ms?: number) => {
    const timer = realSetInterval(fn, ms);
    intervals.push(timer);
    return timer;
  }) as typeof setInterval;

  const sent = () => uploads.flatMap((u) => u.events);
  return {
    window,
    uploads,
    answers,
    sent,
    ofType: (type) => sent().filter((e) => e.event_type === type),
    hide() {
      hidden = true;
      window.document.dispatchEvent(new window.Event('visibilitychange'));
      window.dispatchEvent(new window.Event('pagehide'));
    },
    show() {
      hidden = false;
      window.document.dispatchEvent(new window.Event('visibilitychange'));
    },
    restore() {
      globalThis.setInterval = realSetInterval;
      intervals.forEach(clearInterval);
      for (const [name, descriptor] of saved) {
        if (descriptor) Object.defineProperty(globalThis, name, descriptor);
        else delete (globalThis as Record<string, unknown>)[name];
      }
      void window.happyDOM.close();
    },
  };
}

/** Lets pending timers and promise chains (uploads) run. */
export const settle = (ms = 20) => new Promise((r) => setTimeout(r, ms));

/** Polls until `condition` holds, failing after `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await settle(20);
  }
}
