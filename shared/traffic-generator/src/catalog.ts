// The world the generator draws from: browsers and devices with their real User-Agent strings,
// countries with public address blocks (checked against DB-IP by the process service's tests),
// traffic sources per channel group, and a product catalogue.

export interface WebDevice {
  kind: 'web';
  userAgent: string;
  /** What the web SDK reports in `make` (navigator.vendor). */
  make: string;
  screen: readonly [width: number, height: number];
  /** A rough share of real web traffic. */
  weight: number;
}

export interface MobileDevice {
  kind: 'mobile';
  platform: 'Android' | 'iOS';
  make: string;
  brand: string;
  model: string;
  osVersion: string;
  screen: readonly [width: number, height: number];
  weight: number;
}

export const WEB_DEVICES: readonly WebDevice[] = [
  {
    kind: 'web',
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
    make: 'Google Inc.',
    screen: [1920, 1080],
    weight: 26,
  },
  {
    kind: 'web',
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51',
    make: 'Google Inc.',
    screen: [1536, 864],
    weight: 8,
  },
  {
    kind: 'web',
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0',
    make: '',
    screen: [1920, 1080],
    weight: 4,
  },
  {
    kind: 'web',
    userAgent:
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15',
    make: 'Apple Computer, Inc.',
    screen: [1440, 900],
    weight: 7,
  },
  {
    kind: 'web',
    userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
    make: 'Google Inc.',
    screen: [1728, 1117],
    weight: 6,
  },
  {
    kind: 'web',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
    make: 'Google Inc.',
    screen: [1920, 1080],
    weight: 2,
  },
  {
    kind: 'web',
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1',
    make: 'Apple Computer, Inc.',
    screen: [390, 844],
    weight: 20,
  },
  {
    kind: 'web',
    userAgent: 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
    make: 'Google Inc.',
    screen: [412, 915],
    weight: 16,
  },
  {
    kind: 'web',
    userAgent:
      'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36',
    make: 'Google Inc.',
    screen: [384, 854],
    weight: 4,
  },
  {
    kind: 'web',
    userAgent:
      'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
    make: 'Apple Computer, Inc.',
    screen: [820, 1180],
    weight: 3,
  },
  {
    kind: 'web',
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1',
    make: 'Apple Computer, Inc.',
    screen: [393, 852],
    weight: 3,
  },
  {
    kind: 'web',
    userAgent: 'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
    make: 'Google Inc.',
    screen: [1366, 768],
    weight: 1,
  },
];

/** Crawlers and headless browsers that run JavaScript and so reach the collector. */
export const BOT_USER_AGENTS: readonly string[] = [
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.6367.60 Safari/537.36',
  'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
];

export const MOBILE_DEVICES: readonly MobileDevice[] = [
  { kind: 'mobile', platform: 'Android', make: 'samsung', brand: 'samsung', model: 'SM-S918B', osVersion: '14', screen: [1080, 2340], weight: 9 },
  { kind: 'mobile', platform: 'Android', make: 'samsung', brand: 'samsung', model: 'SM-A546B', osVersion: '14', screen: [1080, 2340], weight: 7 },
  { kind: 'mobile', platform: 'Android', make: 'Google', brand: 'google', model: 'Pixel 8', osVersion: '14', screen: [1080, 2400], weight: 4 },
  { kind: 'mobile', platform: 'Android', make: 'Xiaomi', brand: 'Redmi', model: '23049RAD8C', osVersion: '13', screen: [1080, 2400], weight: 6 },
  { kind: 'mobile', platform: 'Android', make: 'OnePlus', brand: 'OnePlus', model: 'CPH2449', osVersion: '14', screen: [1240, 2772], weight: 2 },
  { kind: 'mobile', platform: 'iOS', make: 'apple', brand: 'apple', model: 'iPhone15,2', osVersion: '17.4.1', screen: [1179, 2556], weight: 10 },
  { kind: 'mobile', platform: 'iOS', make: 'apple', brand: 'apple', model: 'iPhone14,5', osVersion: '17.3', screen: [1170, 2532], weight: 8 },
  { kind: 'mobile', platform: 'iOS', make: 'apple', brand: 'apple', model: 'iPhone16,1', osVersion: '17.5', screen: [1179, 2556], weight: 5 },
  { kind: 'mobile', platform: 'iOS', make: 'apple', brand: 'apple', model: 'iPad13,18', osVersion: '17.4', screen: [1640, 2360], weight: 2 },
];

/** The User-Agent the mobile SDKs' HTTP clients send (they do not describe the device). */
export function mobileUserAgent(device: MobileDevice, appVersion: string): string {
  return device.platform === 'Android'
    ? 'okhttp/4.12.0'
    : `ShopApp/${appVersion} CFNetwork/1494.0.7 Darwin/23.4.0`;
}

export interface Country {
  code: string;
  locale: string;
  language: string;
  /** Offset from UTC in ms, what the SDKs report as zone_offset. */
  zoneOffset: number;
  /** /24 IPv4 blocks (`a.b.c.`) and IPv6 /48-ish prefixes (`xxxx:xxxx:` …) DB-IP places in this country. */
  ipv4: readonly string[];
  ipv6: readonly string[];
  weight: number;
}

const H = 3_600_000;

export const COUNTRIES: readonly Country[] = [
  { code: 'US', locale: 'en-US', language: 'en', zoneOffset: -5 * H, ipv4: ['73.15.20.', '8.8.4.'], ipv6: ['2607:f8b0:4004:c07:'], weight: 30 },
  { code: 'GB', locale: 'en-GB', language: 'en', zoneOffset: 0, ipv4: ['81.2.69.'], ipv6: ['2a00:23c5:'], weight: 10 },
  { code: 'DE', locale: 'de-DE', language: 'de', zoneOffset: 1 * H, ipv4: ['85.214.132.', '88.198.10.'], ipv6: ['2a02:8108:1:'], weight: 10 },
  { code: 'FR', locale: 'fr-FR', language: 'fr', zoneOffset: 1 * H, ipv4: ['90.84.1.', '62.210.16.'], ipv6: ['2a01:e0a:'], weight: 7 },
  { code: 'ES', locale: 'es-ES', language: 'es', zoneOffset: 1 * H, ipv4: ['83.32.1.'], ipv6: [], weight: 4 },
  { code: 'IT', locale: 'it-IT', language: 'it', zoneOffset: 1 * H, ipv4: ['151.38.1.'], ipv6: [], weight: 4 },
  { code: 'NL', locale: 'nl-NL', language: 'nl', zoneOffset: 1 * H, ipv4: ['91.198.174.'], ipv6: [], weight: 3 },
  { code: 'JP', locale: 'ja-JP', language: 'ja', zoneOffset: 9 * H, ipv4: ['126.10.20.'], ipv6: ['2001:268:9000:'], weight: 6 },
  { code: 'IN', locale: 'en-IN', language: 'en', zoneOffset: 5.5 * H, ipv4: ['49.36.10.'], ipv6: [], weight: 7 },
  { code: 'BR', locale: 'pt-BR', language: 'pt', zoneOffset: -3 * H, ipv4: ['177.10.20.'], ipv6: [], weight: 6 },
  { code: 'MX', locale: 'es-MX', language: 'es', zoneOffset: -6 * H, ipv4: ['187.190.1.'], ipv6: [], weight: 3 },
  { code: 'CA', locale: 'en-CA', language: 'en', zoneOffset: -5 * H, ipv4: ['24.114.10.'], ipv6: [], weight: 4 },
  { code: 'AU', locale: 'en-AU', language: 'en', zoneOffset: 10 * H, ipv4: ['1.120.5.', '110.33.10.'], ipv6: [], weight: 4 },
  { code: 'NG', locale: 'en-NG', language: 'en', zoneOffset: 1 * H, ipv4: ['41.190.10.'], ipv6: [], weight: 2 },
];

/** One way a visit arrives: what the landing URL carries and where the browser says it came from. */
export interface TrafficSourceSpec {
  /** The channel group the process service's default rules should give this visit. */
  channel: string;
  /** Query string added to the landing page URL (utm_* parameters, click ids), without `?`. */
  query?: (click: string) => string;
  /** document.referrer of the landing page. */
  referrer?: string;
  weight: number;
}

export const WEB_TRAFFIC_SOURCES: readonly TrafficSourceSpec[] = [
  { channel: 'Direct', weight: 28 },
  { channel: 'Organic Search', referrer: 'https://www.google.com/', weight: 18 },
  { channel: 'Organic Search', referrer: 'https://www.bing.com/', weight: 3 },
  { channel: 'Organic Search', referrer: 'https://duckduckgo.com/', weight: 1.5 },
  { channel: 'Organic Search', referrer: 'https://www.google.co.jp/', weight: 1 },
  { channel: 'Paid Search', query: (c) => `gclid=${c}`, referrer: 'https://www.google.com/', weight: 6 },
  { channel: 'Paid Search', query: () => 'utm_source=google&utm_medium=cpc&utm_campaign=brand_search&utm_term=running+shoes', weight: 3 },
  { channel: 'Paid Search', query: (c) => `msclkid=${c}`, referrer: 'https://www.bing.com/', weight: 1 },
  { channel: 'Organic Social', referrer: 'https://www.facebook.com/', weight: 3 },
  { channel: 'Organic Social', referrer: 'https://t.co/', weight: 1.5 },
  { channel: 'Organic Social', referrer: 'https://www.reddit.com/', weight: 1.5 },
  { channel: 'Organic Social', referrer: 'https://l.instagram.com/', weight: 1.5 },
  { channel: 'Paid Social', query: (c) => `utm_source=facebook&utm_medium=paid_social&utm_campaign=spring_sale&fbclid=${c}`, weight: 3 },
  { channel: 'Paid Social', query: (c) => `utm_source=tiktok&utm_medium=cpc&utm_campaign=ugc_video&ttclid=${c}`, weight: 1.5 },
  { channel: 'Email', query: () => 'utm_source=newsletter&utm_medium=email&utm_campaign=weekly_digest&utm_content=hero', weight: 5 },
  { channel: 'Referral', referrer: 'https://www.runnersworld.com/gear/best-running-shoes/', weight: 4 },
  { channel: 'Referral', referrer: 'https://blog.example.org/review', weight: 2 },
  { channel: 'Display', query: () => 'utm_source=criteo&utm_medium=display&utm_campaign=retarget_q2', weight: 2 },
  { channel: 'Video', referrer: 'https://www.youtube.com/', weight: 1.5 },
  { channel: 'Affiliates', query: () => 'utm_source=awin&utm_medium=affiliate&utm_campaign=partner_42', weight: 1.5 },
  { channel: 'Audio', query: () => 'utm_source=spotify&utm_medium=podcast&utm_campaign=run_club', weight: 0.5 },
  { channel: 'SMS', query: () => 'utm_source=sms&utm_medium=text&utm_campaign=flash_sale', weight: 0.5 },
  { channel: 'Mobile Push', query: () => 'utm_source=onesignal&utm_medium=push&utm_campaign=back_in_stock', weight: 1 },
  { channel: 'Cross-network', query: () => 'utm_source=google&utm_medium=pmax&utm_campaign=cross-network-summer', weight: 1 },
  { channel: 'Unassigned', query: () => 'utm_source=partner_widget&utm_medium=widget', weight: 0.5 },
];

/** Mobile visits: mostly the user opening the app; some carry the SDK's _traffic_source_* attributes from a deep link. */
export interface AppTrafficSpec {
  channel: string;
  attributes?: Record<string, string>;
  weight: number;
}

export const APP_TRAFFIC_SOURCES: readonly AppTrafficSpec[] = [
  { channel: 'Direct', weight: 80 },
  { channel: 'Mobile Push', attributes: { _traffic_source_source: 'firebase', _traffic_source_medium: 'push', _traffic_source_campaign: 'cart_reminder' }, weight: 8 },
  { channel: 'Email', attributes: { _traffic_source_source: 'newsletter', _traffic_source_medium: 'email', _traffic_source_campaign: 'weekly_digest' }, weight: 5 },
  { channel: 'Paid Social', attributes: { _traffic_source_source: 'instagram', _traffic_source_medium: 'paid_social', _traffic_source_campaign: 'app_install' }, weight: 7 },
];

export interface Product {
  id: string;
  name: string;
  brand: string;
  category: string;
  category2: string;
  price: number;
}

const BRANDS = ['Acme', 'Stride', 'Northpeak', 'Velo', 'Kinetic', 'Trailhead'] as const;
const CATEGORIES: readonly (readonly [string, readonly string[], readonly string[]])[] = [
  ['shoes', ['running', 'trail', 'walking', 'court'], ['Runner', 'Glide', 'Summit', 'Pace', 'Grip']],
  ['apparel', ['tops', 'shorts', 'jackets', 'socks'], ['Tee', 'Short', 'Shell', 'Crew', 'Tight']],
  ['accessories', ['bags', 'watches', 'bottles', 'caps'], ['Pack', 'Watch', 'Flask', 'Cap', 'Belt']],
];

/** A fixed catalogue of 240 products (not seeded: the shop is the same whatever the traffic). */
export const PRODUCTS: readonly Product[] = Array.from({ length: 240 }, (_, i) => {
  const [category, subs, names] = CATEGORIES[i % CATEGORIES.length]!;
  const brand = BRANDS[i % BRANDS.length]!;
  const sub = subs[Math.floor(i / 3) % subs.length]!;
  const name = `${brand} ${names[i % names.length]!} ${100 + i}`;
  const price = Math.round((9.5 + ((i * 37) % 190)) * 100) / 100 - 0.01;
  return { id: `sku-${String(10_000 + i)}`, name, brand, category, category2: sub, price: Math.round(price * 100) / 100 };
});

export const SEARCH_TERMS = ['running shoes', 'trail', 'rain jacket', 'socks', 'gps watch', 'size 44', 'sale', 'kids', 'bottle'] as const;
