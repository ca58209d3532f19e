import UAParser from 'ua-parser-js';
import { LruCache } from '../pipeline/lru-cache.js';
import type { StepContext, WorkingEvent } from '../pipeline/step.js';

export const name = 'user-agent';

export interface ParsedUserAgent {
  browser: string | null;
  browserVersion: string | null;
  os: string | null;
  deviceCategory: string | null;
  deviceVendor: string | null;
  deviceModel: string | null;
}

// ua-parser-js leaves the type empty for desktops; these operating systems tell us it is one.
const DESKTOP_OS = /^(windows|mac os|linux|ubuntu|debian|fedora|chrome os|chromium os|freebsd|openbsd|netbsd|solaris|mint|arch|gentoo|suse|red hat|centos)/i;
// The mobile SDKs' HTTP clients do not describe the device: their platform does.
const MOBILE_PLATFORMS = new Set(['android', 'ios', 'reactnative', 'flutter', 'harmonyos']);

/** A run sees few distinct user agents and many events per agent: parse each once. */
const parsed = new LruCache<string, ParsedUserAgent>(10_000);

export function parseUserAgent(ua: string): ParsedUserAgent {
  const hit = parsed.get(ua);
  if (hit) return hit;
  const r = new UAParser(ua).getResult();
  const os = r.os.name ?? null;
  const result: ParsedUserAgent = {
    browser: r.browser.name ?? null,
    browserVersion: r.browser.version ?? null,
    os,
    deviceCategory: r.device.type ?? (os !== null && DESKTOP_OS.test(os) ? 'desktop' : null),
    deviceVendor: r.device.vendor ?? null,
    deviceModel: r.device.model ?? null,
  };
  parsed.set(ua, result);
  return result;
}

/**
 * Browser, OS and device from the upload's User-Agent. An app's upload carries its HTTP client's
 * agent, so there the SDK's own os_name/make/model come first and the agent only fills gaps.
 */
export function process(row: WorkingEvent, _ctx: StepContext): WorkingEvent {
  const ua = row.user_agent ? parseUserAgent(row.user_agent) : undefined;
  const app = row.platform !== null && row.platform.toLowerCase() !== 'web';
  row.browser = ua?.browser ?? null;
  row.browser_version = ua?.browserVersion ?? null;
  row.os = pick(app, ua?.os, row.os_name);
  row.device_vendor = pick(app, ua?.deviceVendor, row.make);
  row.device_model = pick(app, ua?.deviceModel, row.model);
  row.device_category =
    ua?.deviceCategory ?? (row.platform !== null && MOBILE_PLATFORMS.has(row.platform.toLowerCase()) ? 'mobile' : null);
  return row;
}

// Module level, not a closure per event: this runs for every event of a run.
function pick(app: boolean, fromAgent: string | null | undefined, fromSdk: string | null): string | null {
  return (app ? (fromSdk ?? fromAgent) : (fromAgent ?? fromSdk)) ?? null;
}
