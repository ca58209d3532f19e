import * as z from 'zod';
import { LruCache } from '../pipeline/lru-cache.js';
import type { StepContext, WorkingEvent } from '../pipeline/step.js';
import { ChannelRule, channelGrouping, DefaultChannelRules, type TrafficFacts } from '../traffic/channel-rules.js';
import { SourceCategories, sourceCategories, type SourceCategory } from '../traffic/known-sources.js';
import { trafficSourceOf, type TrafficSource } from '../traffic/traffic-source.js';

export const name = 'traffic-source';

/**
 * Options (a `plugins` entry named `traffic-source`): `channelRules` are tried BEFORE the default
 * table, so an app can add channels or override a default; `sourceCategories` adds source names
 * (e.g. a regional search engine) to the categories the rules test.
 */
export const TrafficSourceOptions = z.object({
  channelRules: z.array(ChannelRule).default([]),
  sourceCategories: z.partialRecord(z.enum(SourceCategories), z.array(z.string().min(1))).default({}),
});

interface Configured {
  categoryOf: (source: string) => SourceCategory | null;
  channelOf: (facts: TrafficFacts) => string;
  /** Page URL + referrer → result, for events without SDK-recorded `_traffic_source_*` (URL parsing is the cost). */
  cache: LruCache<string, { t: TrafficSource; channel: string }>;
}

// The options object is the same for every event of an app in a run: compile its rules once.
const configured = new WeakMap<object, Configured>();

function configure(options: Readonly<Record<string, unknown>>): Configured {
  let c = configured.get(options);
  if (!c) {
    const parsed = TrafficSourceOptions.parse(options);
    const categoryOf = sourceCategories(parsed.sourceCategories);
    c = { categoryOf, channelOf: channelGrouping([...parsed.channelRules, ...DefaultChannelRules], categoryOf), cache: new LruCache(20_000) };
    configured.set(options, c);
  }
  return c;
}

/** UTM parameters, click ids and referrer → the traffic_source_* columns and channel_group. */
export function process(row: WorkingEvent, ctx: StepContext): WorkingEvent {
  const { categoryOf, channelOf, cache } = configure(ctx.options);
  const referrer = row.page_referrer ?? (typeof row.attributes._latest_referrer === 'string' ? row.attributes._latest_referrer : null);
  let tagged = false;
  for (const key in row.attributes) {
    if (key.startsWith('_traffic_source_')) {
      tagged = true;
      break;
    }
  }
  const key = tagged ? undefined : `${row.page_url ?? ''}\u0000${referrer ?? ''}\u0000${row.page_url === null ? 0 : 1}${referrer === null ? 0 : 1}`;
  let found = key === undefined ? undefined : cache.get(key);
  if (!found) {
    const t = trafficSourceOf(row.attributes, row.page_url, referrer, categoryOf);
    found = { t, channel: channelOf({ source: t.source, medium: t.medium, campaign: t.campaign }) };
    if (key !== undefined) cache.set(key, found);
  }
  const { t, channel } = found;
  row.traffic_source_source = t.source;
  row.traffic_source_medium = t.medium;
  row.traffic_source_campaign = t.campaign;
  row.traffic_source_campaign_id = t.campaignId;
  row.traffic_source_content = t.content;
  row.traffic_source_term = t.term;
  row.traffic_source_clid = t.clid;
  row.traffic_source_clid_platform = t.clidPlatform;
  row.channel_group = channel;
  return row;
}
