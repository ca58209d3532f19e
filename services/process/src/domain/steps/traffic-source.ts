import * as z from 'zod';
import type { StepContext, WorkingEvent } from '../pipeline/step.js';
import { ChannelRule, channelGrouping, DefaultChannelRules, type TrafficFacts } from '../traffic/channel-rules.js';
import { SourceCategories, sourceCategories, type SourceCategory } from '../traffic/known-sources.js';
import { trafficSourceOf } from '../traffic/traffic-source.js';

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
}

// The options object is the same for every event of an app in a run: compile its rules once.
const configured = new WeakMap<object, Configured>();

function configure(options: Readonly<Record<string, unknown>>): Configured {
  let c = configured.get(options);
  if (!c) {
    const parsed = TrafficSourceOptions.parse(options);
    const categoryOf = sourceCategories(parsed.sourceCategories);
    c = { categoryOf, channelOf: channelGrouping([...parsed.channelRules, ...DefaultChannelRules], categoryOf) };
    configured.set(options, c);
  }
  return c;
}

/** UTM parameters, click ids and referrer → the traffic_source_* columns and channel_group. */
export function process(row: WorkingEvent, ctx: StepContext): WorkingEvent {
  const { categoryOf, channelOf } = configure(ctx.options);
  const referrer = row.page_referrer ?? (typeof row.attributes._latest_referrer === 'string' ? row.attributes._latest_referrer : null);
  const t = trafficSourceOf(row.attributes, row.page_url, referrer, categoryOf);
  row.traffic_source_source = t.source;
  row.traffic_source_medium = t.medium;
  row.traffic_source_campaign = t.campaign;
  row.traffic_source_campaign_id = t.campaignId;
  row.traffic_source_content = t.content;
  row.traffic_source_term = t.term;
  row.traffic_source_clid = t.clid;
  row.traffic_source_clid_platform = t.clidPlatform;
  row.channel_group = channelOf({ source: t.source, medium: t.medium, campaign: t.campaign });
  return row;
}
