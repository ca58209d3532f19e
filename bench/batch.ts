// Realistic upload batches for the ingest benchmark: what `@aws/clickstream-web` 0.12 sends from a
// browser — 10 events per POST (page views, engagement, scroll, search, a product funnel with
// items), with the SDK's event shape, reserved attributes, user attributes, `hashCode` and headers.
//
// Building a 6-7 KB body with JSON.stringify for every request would make the load generator (on
// the same 2-core machine) the bottleneck. Each device's batch is rendered once with placeholders
// and split into static chunks; a request is then a handful of string joins (fresh event ids and
// timestamps) plus a SHA-256 for hashCode.
import { createHash, randomBytes } from 'node:crypto';

export const APP_ID = 'demo_web';
export const EVENTS_PER_BATCH = 10;
const SDK_VERSION = '0.12.6';
const ORIGIN = 'https://shop.example.com';

const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.71 Mobile Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0',
];
const SCREENS = [
  [1080, 1920, 947, 1920],
  [900, 1440, 789, 1440],
  [844, 390, 664, 390],
  [915, 412, 776, 412],
  [1440, 2560, 1289, 2560],
] as const;
const LOCALES = [
  ['en-US', 'en', 'US', -4 * 3_600_000],
  ['de-DE', 'de', 'DE', 2 * 3_600_000],
  ['fr-FR', 'fr', 'FR', 2 * 3_600_000],
  ['ja-JP', 'ja', 'JP', 9 * 3_600_000],
  ['pt-BR', 'pt', 'BR', -3 * 3_600_000],
] as const;
const REFERRERS = ['https://www.google.com/', 'https://www.bing.com/', 'https://t.co/', 'https://news.ycombinator.com/', ''];
const PRODUCTS = [
  { id: 'sku-10231', name: 'Trail Running Shoe', brand: 'Northpeak', category: 'Footwear', category2: 'Running', price: 129.99 },
  { id: 'sku-20877', name: 'Merino Base Layer', brand: 'Woolcraft', category: 'Apparel', category2: 'Tops', price: 74.5 },
  { id: 'sku-31002', name: 'Ultralight Tent 2P', brand: 'Summit Gear', category: 'Camping', category2: 'Shelter', price: 389 },
  { id: 'sku-40419', name: 'Insulated Bottle 750ml', brand: 'Hydra', category: 'Accessories', category2: 'Hydration', price: 32.95 },
];

// Placeholders the template is split on; nothing in the rendered JSON can contain \u0001.
const SEP = '\u0001';
const ID = `${SEP}I${SEP}`;
const ts = (offsetMs: number) => `${SEP}T${offsetMs}${SEP}`;

interface Device {
  userAgent: string;
  seq: number;
  /** Static text between the dynamic parts: chunks[0] dyn[0] chunks[1] dyn[1] … chunks[n]. */
  chunks: string[];
  /** For each gap: an event id, or a timestamp this many ms before upload. */
  dyn: (null | number)[];
}

function uuid(): string {
  const b = randomBytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** One device's 10-event upload as the web SDK builds it, with placeholders for ids and times. */
function renderBatch(d: number): string {
  const [screenH, screenW, viewH, viewW] = SCREENS[d % SCREENS.length]!;
  const [locale, lang, country, zone] = LOCALES[d % LOCALES.length]!;
  const referrer = REFERRERS[d % REFERRERS.length]!;
  const deviceId = uuid();
  const uniqueId = uuid();
  const sessionId = `${uniqueId.slice(0, 8)}-20240607-${String(100_000 + d).slice(-6)}`;
  const product = PRODUCTS[d % PRODUCTS.length]!;
  const loggedIn = d % 4 === 0;
  const user = {
    _user_first_touch_timestamp: { value: 1_717_000_000_000 + d * 1_000, set_timestamp: 1_717_000_000_000 + d * 1_000 },
    ...(loggedIn ? { _user_id: { value: `user-${100_000 + d}`, set_timestamp: 1_717_700_000_000 } } : {}),
  };
  const pages = [
    ['/', 'Northpeak Outfitters'],
    [`/c/${product.category.toLowerCase()}`, `${product.category} | Northpeak`],
    [`/p/${product.id}`, `${product.name} | Northpeak`],
    ['/search?q=waterproof+jacket', 'Search: waterproof jacket | Northpeak'],
  ] as const;
  const item = { ...product, quantity: 1, currency: 'USD' };

  const base = (eventType: string, offset: number, page: readonly [string, string], attributes: Record<string, unknown>, items?: unknown[]) => ({
    event_type: eventType,
    event_id: ID,
    device_id: deviceId,
    unique_id: uniqueId,
    app_id: APP_ID,
    timestamp: ts(offset),
    host_name: 'shop.example.com',
    locale,
    system_language: lang,
    country_code: country,
    zone_offset: zone,
    make: d % 2 === 0 ? 'Google Inc.' : 'Apple Computer, Inc.',
    platform: 'Web',
    screen_height: screenH,
    screen_width: screenW,
    viewport_height: viewH,
    viewport_width: viewW,
    sdk_name: 'aws-solution-clickstream-sdk',
    sdk_version: SDK_VERSION,
    ...(items ? { items } : {}),
    user,
    attributes: {
      ...attributes,
      _session_id: sessionId,
      _session_start_timestamp: ts(90_000),
      _session_duration: 90_000 - offset,
      _session_number: 1 + (d % 7),
      _page_title: page[1],
      _page_url: `https://shop.example.com${page[0]}`,
      _latest_referrer: referrer,
    },
  });

  const events = [
    base('_session_start', 90_000, pages[0], { _is_first_time: d % 4 === 0 }),
    base('_page_view', 89_500, pages[0], { _page_referrer: referrer, _page_referrer_title: '', _entrances: 1, _is_first_time: d % 4 === 0 }),
    base('_scroll', 70_000, pages[0], { _engagement_time_msec: 19_200 }),
    base('_user_engagement', 60_500, pages[0], { _engagement_time_msec: 29_000 }),
    base('_page_view', 60_000, pages[2], {
      _page_referrer: `https://shop.example.com${pages[0][0]}`,
      _page_referrer_title: pages[0][1],
      _entrances: 0,
      _previous_timestamp: ts(89_500),
      _engagement_time_msec: 29_000,
    }),
    base('product_exposure', 58_000, pages[2], { list_name: 'you-may-also-like', position: 3 }, [item]),
    base('add_to_cart', 31_000, pages[2], { _value: product.price, _currency: 'USD', cart_size: 2, source: 'pdp_button' }, [item]),
    base('_user_engagement', 30_500, pages[2], { _engagement_time_msec: 29_500 }),
    base('_search', 12_000, pages[3], { _search_key: 'q', _search_term: 'waterproof jacket' }),
    base('button_click', 1_500, pages[3], { button_id: 'filter-apply', button_text: 'Apply filters', filters: 'size:m,color:blue', results: 42 }),
  ];
  if (events.length !== EVENTS_PER_BATCH) throw new Error('batch size drifted');
  // JSON.stringify keeps the control characters escaped (\u0001); turn them back into markers.
  return JSON.stringify(events).replaceAll('\\u0001', SEP).replaceAll(`"${SEP}`, SEP).replaceAll(`${SEP}"`, SEP);
}

function makeDevice(d: number): Device {
  const text = renderBatch(d);
  const parts = text.split(SEP);
  const chunks: string[] = [];
  const dyn: (null | number)[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (i % 2 === 0) chunks.push(parts[i]!);
    else dyn.push(parts[i] === 'I' ? null : Number(parts[i]!.slice(1)));
  }
  return { userAgent: USER_AGENTS[d % USER_AGENTS.length]!, seq: 0, chunks, dyn };
}

export interface BatchRequest {
  path: string;
  body: string;
  headers: Record<string, string>;
}

/**
 * Hands out uploads round-robin over `devices` simulated browsers. Event ids are UUID-shaped and
 * unique within the run (a random prefix and a counter), timestamps trail the upload time.
 */
export function createBatchFactory(devices = 32) {
  const pool = Array.from({ length: devices }, (_, d) => makeDevice(d));
  const idPrefix = uuid().slice(0, 23); // xxxxxxxx-xxxx-4xxx-yxxx
  let counter = 0;
  let next = 0;

  return function nextBatch(): BatchRequest {
    const device = pool[next]!;
    next = (next + 1) % pool.length;
    const now = Date.now();
    let body = device.chunks[0]!;
    for (let i = 0; i < device.dyn.length; i++) {
      const d = device.dyn[i]!;
      body += d === null ? `"${idPrefix}-${(counter++).toString(16).padStart(12, '0')}"` : String(now - d);
      body += device.chunks[i + 1]!;
    }
    const hashCode = createHash('sha256').update(body).digest('hex').slice(0, 8);
    const path =
      `/collect?appId=${APP_ID}&platform=Web&event_bundle_sequence_id=${++device.seq}` + `&upload_timestamp=${now}&hashCode=${hashCode}`;
    return {
      path,
      body,
      headers: {
        'Content-Type': 'application/json; charset=utf-8',
        'User-Agent': device.userAgent,
        Origin: ORIGIN,
        Referer: `${ORIGIN}/`,
        Accept: '*/*',
        'Accept-Language': 'en-US,en;q=0.9',
        'Accept-Encoding': 'gzip, deflate, br',
      },
    };
  };
}
