// One visit of one user, as the SDK records it: the session's events with their true times, in the
// shapes the AWS Clickstream web, Android and Swift SDKs send.
import { PRODUCTS, SEARCH_TERMS, type AppTrafficSpec, type Product, type TrafficSourceSpec } from './catalog.js';
import type { UserProfile } from './generator.js';
import type { Random } from './random.js';

export type EventJson = Record<string, unknown>;

export interface SdkEvent {
  /** The batch element as JSON text (built directly: serialising event objects was the generator's main cost). */
  text: string;
  /** When it really happened (epoch ms, before any device clock skew). */
  at: number;
  overlong?: boolean;
}

/** The members of an object as JSON text without the braces ('' for an empty object). */
const members = (o: EventJson) => JSON.stringify(o).slice(1, -1);
const join = (...parts: string[]) => parts.filter((p) => p !== '').join(',');

export interface SessionPlan {
  random: Random;
  profile: UserProfile;
  start: number;
  sessionNumber: number;
  firstTouch: number;
  webSource: TrafficSourceSpec;
  appSource: AppTrafficSpec;
  overlongShare: number;
}

const SECOND = 1000;
const CURRENCIES: Record<string, string> = { US: 'USD', GB: 'GBP', JP: 'JPY', IN: 'INR', BR: 'BRL', MX: 'MXN', CA: 'CAD', AU: 'AUD', NG: 'NGN' };

type Page = 'home' | 'category' | 'product' | 'search' | 'cart' | 'checkout' | 'confirmation';

/** Where a visitor goes next from each kind of page (weights). */
const NEXT: Record<Page, readonly (readonly [Page, number])[]> = {
  home: [['category', 45], ['product', 35], ['search', 20]],
  category: [['product', 70], ['category', 15], ['search', 10], ['home', 5]],
  product: [['product', 45], ['category', 25], ['cart', 15], ['search', 10], ['home', 5]],
  search: [['product', 75], ['search', 15], ['category', 10]],
  cart: [['checkout', 55], ['product', 30], ['home', 15]],
  checkout: [['confirmation', 60], ['cart', 40]],
  confirmation: [['home', 60], ['product', 40]],
};

function draw<T>(random: Random, table: readonly (readonly [T, number])[]): T {
  let total = 0;
  for (const [, w] of table) total += w;
  let x = random.next() * total;
  for (const [v, w] of table) {
    x -= w;
    if (x < 0) return v;
  }
  return table[table.length - 1]![0];
}

function sessionIdOf(uniqueId: string, start: number): string {
  // The SDKs' format: the last 8 characters of the user key, then the start time.
  const d = new Date(start);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${uniqueId.slice(-8)}-${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}${p(d.getUTCMilliseconds(), 3)}`;
}

function itemOf(p: Product, quantity?: number): EventJson {
  return {
    id: p.id,
    name: p.name,
    brand: p.brand,
    category: p.category,
    category2: p.category2,
    price: p.price,
    ...(quantity === undefined ? {} : { quantity }),
  };
}

/** Builds the events of one session; `common` holds the fields every event of the SDK repeats. */
class SessionRecorder {
  readonly events: SdkEvent[] = [];
  readonly sessionId: string;
  private loggedIn: boolean;
  private readonly commonText: string;
  private readonly sessionText: string;
  private userText: string;
  private pageText = '';
  private globalText = '';

  constructor(
    readonly plan: SessionPlan,
    common: EventJson,
  ) {
    this.sessionId = sessionIdOf(plan.profile.uniqueId, plan.start);
    this.loggedIn = plan.profile.userId !== null && plan.sessionNumber > plan.profile.loginSession;
    this.commonText = members(common);
    this.sessionText = `"_session_id":${JSON.stringify(this.sessionId)},"_session_start_timestamp":${plan.start + plan.profile.clockSkewMs}`;
    this.userText = this.userJson(this.loggedIn ? plan.start : undefined);
  }

  set page(attributes: EventJson) {
    this.pageText = members(attributes);
  }

  set global(attributes: EventJson) {
    this.globalText = members(attributes);
  }

  /** The SDKs send every user attribute with every event; a login adds the id and the profile. */
  private userJson(loginAt: number | undefined): string {
    const { profile, firstTouch } = this.plan;
    const skew = profile.clockSkewMs;
    const user: EventJson = { _user_first_touch_timestamp: { value: firstTouch + skew, set_timestamp: firstTouch + skew } };
    if (loginAt !== undefined) {
      user._user_id = { value: profile.userId, set_timestamp: loginAt + skew };
      for (const [k, v] of Object.entries(profile.attributes)) user[k] = { value: v, set_timestamp: loginAt + skew };
    }
    return JSON.stringify(user);
  }

  /** Signs the user in now, when this is the session they do it in. */
  maybeLogin(at: number): void {
    const { profile, sessionNumber } = this.plan;
    if (this.loggedIn || profile.userId === null || sessionNumber !== profile.loginSession) return;
    this.loggedIn = true;
    this.userText = this.userJson(at);
    this.record('login', at, { method: this.plan.random.pick(['password', 'google', 'apple']) });
    this.record('_profile_set', at + 5);
  }

  /** One event, stamped with the device's clock (true time plus its skew). */
  record(type: string, at: number, attributes: EventJson = {}, items?: EventJson[]): void {
    const { plan } = this;
    const attributesText = join(
      `${this.sessionText},"_session_duration":${at - plan.start},"_session_number":${plan.sessionNumber}`,
      this.globalText,
      this.pageText,
      members(attributes),
    );
    const text =
      `{"event_type":${JSON.stringify(type)},"event_id":"${plan.random.uuid()}","timestamp":${at + plan.profile.clockSkewMs},` +
      `${this.commonText},"user":${this.userText},"attributes":{${attributesText}}${items ? `,"items":${JSON.stringify(items)}` : ''}}`;
    this.events.push({ text, at });
  }
}

/** A website visit: SPA page views with engagement, scrolls, searches, e-commerce, maybe a login. */
export function webSession(plan: SessionPlan): SdkEvent[] {
  const { random, profile } = plan;
  const device = profile.device;
  if (device.kind !== 'web') throw new Error('webSession needs a web device');
  const host = profile.app.host ?? 'shop.example.com';
  const [width, height] = device.screen;
  const rec = new SessionRecorder(plan, {
    app_id: profile.app.appId,
    unique_id: profile.uniqueId,
    device_id: profile.deviceId,
    platform: 'Web',
    make: device.make,
    locale: profile.country.locale,
    system_language: profile.country.language,
    country_code: profile.country.code,
    zone_offset: profile.country.zoneOffset,
    screen_width: width,
    screen_height: height,
    viewport_width: width,
    viewport_height: Math.round(height * 0.88),
    host_name: host,
    sdk_name: 'aws-solution-clickstream-sdk',
    sdk_version: '0.12.6',
  });
  const source = plan.webSource;
  const external = source.referrer ?? '';
  if (external) rec.global = { _latest_referrer: external, _latest_referrer_host: new URL(external).host };

  let t = plan.start;
  if (plan.sessionNumber === 1) rec.record('_first_open', t);
  rec.record('_session_start', t + 1);
  const pages = profile.bot ? Math.min(60, random.geometric(10)) : Math.min(40, random.geometric(5));
  let page: Page = draw(random, [['home', 40], ['category', 25], ['product', 30], ['search', 5]] as const);
  let previousUrl = external;
  let product = random.pick(PRODUCTS);
  let cart: Product[] = [];
  const currency = CURRENCIES[profile.country.code] ?? 'EUR';

  for (let i = 0; i < pages; i++) {
    const { path, title } = pageAddress(page, product, random);
    const query = i === 0 && source.query ? source.query(random.hex(24)) : '';
    const url = `https://${host}${path}${query ? (path.includes('?') ? '&' : '?') + query : ''}`;
    const overlong = random.chance(plan.overlongShare);
    rec.page = { _page_url: url, _page_title: overlong ? `${title} | ${'Best running gear '.repeat(70)}` : title, _page_referrer: previousUrl };
    rec.record('_page_view', t, i === 0 ? { _entrances: 1 } : { _entrances: 0 });
    if (overlong) rec.events[rec.events.length - 1]!.overlong = true;
    const dwell = Math.min(15 * 60 * SECOND, Math.round(random.logNormal(profile.bot ? 2 * SECOND : 25 * SECOND, 0.9)));
    if (!profile.bot) {
      let at = t + Math.round(dwell * 0.2);
      switch (page) {
        case 'product':
          if (random.chance(0.9)) rec.record('view_item', at, { _currency: currency }, [itemOf(product)]);
          if (random.chance(0.25)) {
            at += Math.round(dwell * 0.3);
            rec.record('add_to_cart', at, { _currency: currency, value: product.price }, [itemOf(product, 1)]);
            cart = [...cart, product];
          }
          break;
        case 'category':
          rec.record('view_item_list', at, { item_list_name: product.category }, PRODUCTS.filter((p) => p.category === product.category).slice(0, 4).map((p) => itemOf(p)));
          break;
        case 'search':
          rec.record('_search', at, { _search_key: 'q', _search_term: random.pick(SEARCH_TERMS) });
          break;
        case 'cart':
          if (cart.length > 0) rec.record('view_cart', at, { _currency: currency }, cart.map((p) => itemOf(p, 1)));
          break;
        case 'checkout':
          if (cart.length > 0) rec.record('begin_checkout', at, { _currency: currency }, cart.map((p) => itemOf(p, 1)));
          break;
        case 'confirmation':
          if (cart.length > 0) {
            const value = Math.round(cart.reduce((s, p) => s + p.price, 0) * 100) / 100;
            rec.record('purchase', at, { _currency: currency, value, transaction_id: `T-${random.hex(10)}` }, cart.map((p) => itemOf(p, 1)));
            cart = [];
          }
          break;
        default:
          break;
      }
      if (i === Math.floor(pages / 2)) rec.maybeLogin(t + Math.round(dwell * 0.5));
      if (random.chance(0.3)) rec.record('_scroll', t + Math.round(dwell * 0.6), { _engagement_time_msec: Math.round(dwell * 0.6) });
      if (random.chance(0.04)) rec.record('_click', t + Math.round(dwell * 0.7), { _link_url: 'https://www.instagram.com/example_shop', _link_domain: 'www.instagram.com', _outbound: true });
      if (dwell > SECOND) rec.record('_user_engagement', t + dwell, { _engagement_time_msec: dwell });
    }
    t += dwell + random.int(200, 1500);
    previousUrl = url;
    page = draw(random, NEXT[page]);
    if (page === 'product') product = random.pick(PRODUCTS);
    if ((page === 'cart' || page === 'checkout') && cart.length === 0) page = 'product';
  }
  return rec.events;
}

function pageAddress(page: Page, product: Product, random: Random): { path: string; title: string } {
  switch (page) {
    case 'home':
      return { path: '/', title: 'Example Shop – running gear' };
    case 'category':
      return { path: `/c/${product.category}/${product.category2}`, title: `${product.category2} ${product.category} | Example Shop` };
    case 'product':
      return { path: `/p/${product.id}`, title: `${product.name} | Example Shop` };
    case 'search': {
      const term = random.pick(SEARCH_TERMS);
      return { path: `/search?q=${encodeURIComponent(term)}`, title: `Search: ${term}` };
    }
    case 'cart':
      return { path: '/cart', title: 'Your cart' };
    case 'checkout':
      return { path: '/checkout', title: 'Checkout' };
    case 'confirmation':
      return { path: '/checkout/done', title: 'Thank you' };
  }
}

const SCREENS: Record<Page, string> = {
  home: 'HomeScreen',
  category: 'CategoryScreen',
  product: 'ProductDetailScreen',
  search: 'SearchScreen',
  cart: 'CartScreen',
  checkout: 'CheckoutScreen',
  confirmation: 'OrderConfirmationScreen',
};

/** An app visit: app start, screen views, the same e-commerce and login events, app end. */
export function mobileSession(plan: SessionPlan): SdkEvent[] {
  const { random, profile } = plan;
  const device = profile.device;
  if (device.kind !== 'mobile') throw new Error('mobileSession needs a mobile device');
  const [width, height] = device.screen;
  const rec = new SessionRecorder(plan, {
    app_id: profile.app.appId,
    unique_id: profile.uniqueId,
    device_id: profile.deviceId,
    platform: device.platform,
    os_name: device.platform,
    os_version: device.osVersion,
    make: device.make,
    brand: device.brand,
    model: device.model,
    locale: profile.country.locale.replace('-', '_'),
    system_language: profile.country.language,
    country_code: profile.country.code,
    zone_offset: profile.country.zoneOffset,
    carrier: random.pick(['Vodafone', 'T-Mobile', 'Orange', 'Verizon', 'UNKNOWN']),
    network_type: random.pick(['WIFI', 'Mobile', 'WIFI']),
    screen_width: width,
    screen_height: height,
    app_version: profile.appVersion,
    app_package_name: profile.app.host ?? 'com.example.shop',
    app_title: 'Example Shop',
    sdk_name: 'aws-solution-clickstream-sdk',
    sdk_version: device.platform === 'Android' ? '0.15.0' : '0.14.1',
  });
  rec.global = { ...(plan.appSource.attributes ?? {}) };
  let t = plan.start;
  if (plan.sessionNumber === 1) rec.record('_first_open', t);
  rec.record('_app_start', t + 2, { _is_first_time: plan.sessionNumber === 1 });
  rec.record('_session_start', t + 3);
  const screens = Math.min(40, random.geometric(6));
  let page: Page = 'home';
  let previous: string | undefined;
  let product = random.pick(PRODUCTS);
  let cart: Product[] = [];
  const currency = CURRENCIES[profile.country.code] ?? 'EUR';
  for (let i = 0; i < screens; i++) {
    const name = SCREENS[page];
    rec.page = { _screen_name: name, _screen_id: `com.example.shop.${name}`, _screen_unique_id: String(random.int(10_000_000, 99_999_999)) };
    rec.record('_screen_view', t, { _entrances: i === 0 ? 1 : 0, ...(previous ? { _previous_screen_name: previous } : {}) });
    const dwell = Math.min(10 * 60 * SECOND, Math.round(random.logNormal(18 * SECOND, 0.9)));
    const at = t + Math.round(dwell * 0.3);
    if (page === 'product' && random.chance(0.9)) rec.record('view_item', at, { _currency: currency }, [itemOf(product)]);
    if (page === 'product' && random.chance(0.3)) {
      rec.record('add_to_cart', at + 500, { _currency: currency, value: product.price }, [itemOf(product, 1)]);
      cart = [...cart, product];
    }
    if (page === 'search') rec.record('_search', at, { _search_term: random.pick(SEARCH_TERMS) });
    if (page === 'confirmation' && cart.length > 0) {
      const value = Math.round(cart.reduce((s, p) => s + p.price, 0) * 100) / 100;
      rec.record('purchase', at, { _currency: currency, value, transaction_id: `T-${random.hex(10)}` }, cart.map((p) => itemOf(p, 1)));
      cart = [];
    }
    if (i === Math.floor(screens / 2)) rec.maybeLogin(t + Math.round(dwell * 0.5));
    rec.record('_user_engagement', t + dwell, { _engagement_time_msec: dwell });
    t += dwell + random.int(100, 800);
    previous = name;
    page = draw(random, NEXT[page]);
    if (page === 'product') product = random.pick(PRODUCTS);
    if ((page === 'cart' || page === 'checkout' || page === 'confirmation') && cart.length === 0) page = 'product';
  }
  rec.page = {};
  rec.record('_app_end', t);
  return rec.events;
}
