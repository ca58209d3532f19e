/** What the SDK accepts and sends; the event shape follows the ingest wire protocol. */
export type AttributeValue = string | number | boolean;
export type Attributes = Record<string, AttributeValue>;

/** A product or content item; the named fields are the ones processing models, the rest are kept as custom. */
export interface Item {
  id?: string;
  name?: string;
  brand?: string;
  category?: string;
  category2?: string;
  category3?: string;
  category4?: string;
  category5?: string;
  price?: number;
  quantity?: number;
  currency?: string;
  location_id?: string;
  creative_name?: string;
  creative_slot?: string;
  [attribute: string]: AttributeValue | undefined;
}

export interface AutoTrack {
  firstOpen?: boolean;
  sessionStart?: boolean;
  pageView?: boolean;
  /** `_user_engagement`: visible time on a page, sent when the page changes or is hidden. */
  engagement?: boolean;
  scroll?: boolean;
  /** `_click` on links to other sites. */
  click?: boolean;
  search?: boolean;
  pageLoad?: boolean;
  /** UTM parameters and ad click ids as `_traffic_source_*` on `_session_start`. */
  trafficSource?: boolean;
  /** Query parameters that carry a site-search term (default q, s, search, query, keyword). */
  searchKeys?: string[];
  /** Hosts that count as this site for outbound clicks, besides the page's own. */
  internalDomains?: string[];
}

/** `pending` holds events in memory (nothing stored or sent) until `setConsent('granted')`. */
export type Consent = 'granted' | 'denied' | 'pending';

export interface Options {
  appId: string;
  /** The collect URL, e.g. `https://analytics.example.com/collect`. */
  endpoint: string;
  /** `batch` (default) uploads every `flushInterval`; `immediate` right after each event. */
  sendMode?: 'batch' | 'immediate';
  /** Milliseconds between batch uploads (default 5000). */
  flushInterval?: number;
  /** Most events kept while they wait for upload (default 1000); the oldest go first. */
  maxQueue?: number;
  /** Most bytes of events kept while they wait for upload (default 1,000,000). */
  maxQueueBytes?: number;
  /** Inactivity in milliseconds after which a new session starts (default 30 minutes). */
  sessionTimeout?: number;
  /** `false` turns every automatic event off; an object switches them one by one (all on by default). */
  autoTrack?: AutoTrack | boolean;
  consent?: Consent;
  /** Honour Do-Not-Track and Global Privacy Control: record nothing when the browser asks. */
  respectDoNotTrack?: boolean;
  globalAttributes?: Attributes;
  /** gzip uploads with CompressionStream where the browser has it (default true). */
  compression?: boolean;
  debug?: boolean;
}

export interface RecordInput {
  name: string;
  attributes?: Attributes;
  items?: Item[];
}

export interface UserAttribute {
  value: AttributeValue;
  set_timestamp: number;
}

/** One event as uploaded (an element of the JSON array the collect endpoint takes). */
export interface ClickstreamEvent {
  event_type: string;
  event_id: string;
  app_id: string;
  timestamp: number;
  unique_id: string;
  device_id: string;
  platform: 'Web';
  make: string;
  locale: string;
  system_language: string;
  country_code: string;
  zone_offset: number;
  host_name: string;
  screen_width: number;
  screen_height: number;
  viewport_width: number;
  viewport_height: number;
  sdk_name: string;
  sdk_version: string;
  attributes: Attributes;
  user: Record<string, UserAttribute>;
  items?: Item[];
}
