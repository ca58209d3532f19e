import type { Attributes } from '../pipeline/step.js';
import { sourceOfHost, type SourceCategory } from './known-sources.js';

export interface TrafficSource {
  source: string;
  medium: string;
  campaign: string | null;
  campaignId: string | null;
  content: string | null;
  term: string | null;
  clid: string | null;
  clidPlatform: string | null;
}

/**
 * Ad click ids, in the order they are looked for, with the source/medium the ad platform's
 * auto-tagging stands for. fbclid is on every link leaving Facebook, ads or not, so it names the
 * source but says nothing about payment.
 */
const CLICK_IDS: readonly { param: string; source: string; medium: string }[] = [
  { param: 'gclid', source: 'google', medium: 'cpc' },
  { param: 'gbraid', source: 'google', medium: 'cpc' },
  { param: 'wbraid', source: 'google', medium: 'cpc' },
  { param: 'dclid', source: 'google', medium: 'cpm' },
  { param: 'msclkid', source: 'bing', medium: 'cpc' },
  { param: 'ttclid', source: 'tiktok', medium: 'cpc' },
  { param: 'twclid', source: 'twitter', medium: 'cpc' },
  { param: 'li_fat_id', source: 'linkedin', medium: 'cpc' },
  { param: 'sccid', source: 'snapchat', medium: 'cpc' },
  { param: 'epik', source: 'pinterest', medium: 'cpc' },
  { param: 'yclid', source: 'yandex', medium: 'cpc' },
  { param: 'fbclid', source: 'facebook', medium: 'referral' },
];
const CLICK_ID_PARAMS = new Map(CLICK_IDS.map((c) => [c.param, c]));

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : null);

function parseUrl(url: string | null): URL | null {
  if (url === null) return null;
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

const bareHost = (host: string) => host.toLowerCase().replace(/^www\./, '');

/**
 * Where an event's visit came from, GA-style: what the SDK recorded (`_traffic_source_*`), else
 * the page URL's utm_* parameters and ad click ids, else the referrer (a search engine is organic,
 * any other site a referral; a referrer on the page's own site is navigation), else (direct).
 */
export function trafficSourceOf(
  attributes: Attributes,
  pageUrl: string | null,
  referrer: string | null,
  categoryOf: (source: string) => SourceCategory | null,
): TrafficSource {
  const page = parseUrl(pageUrl);
  const q = (name: string) => text(page?.searchParams.get(name));
  const a = (name: string) => text(attributes[`_traffic_source_${name}`]);

  let clid = a('clid');
  let clidPlatform = a('clid_platform');
  if (clid === null && page) {
    const found = CLICK_IDS.find((c) => q(c.param) !== null);
    if (found) {
      clid = q(found.param);
      clidPlatform = found.param;
    }
  }
  const clickId = clidPlatform === null ? undefined : CLICK_ID_PARAMS.get(clidPlatform.toLowerCase());
  const tagged = {
    campaign: a('campaign') ?? q('utm_campaign'),
    campaignId: a('campaign_id') ?? q('utm_id'),
    content: a('content') ?? q('utm_content'),
    term: a('term') ?? q('utm_term'),
    clid,
    clidPlatform,
  };

  const source = a('source') ?? q('utm_source');
  if (source !== null) return { source, medium: a('medium') ?? q('utm_medium') ?? clickId?.medium ?? '(not set)', ...tagged };
  if (clickId) return { source: clickId.source, medium: a('medium') ?? q('utm_medium') ?? clickId.medium, ...tagged };

  const from = parseUrl(referrer);
  const external = from !== null && from.hostname !== '' && (page === null || bareHost(from.hostname) !== bareHost(page.hostname));
  if (from && external) {
    const referringSource = sourceOfHost(from.hostname);
    const category = categoryOf(referringSource);
    const medium = category === 'search' ? 'organic' : category === 'email' ? 'email' : 'referral';
    return { source: referringSource, medium: q('utm_medium') ?? medium, ...tagged };
  }
  return { source: '(direct)', medium: q('utm_medium') ?? '(none)', ...tagged };
}
