import * as z from 'zod';
import { SourceCategories, type SourceCategory } from './known-sources.js';

/**
 * One row of the channel grouping table: when every condition given holds, the traffic belongs to
 * `channel`. Conditions are regular expressions matching the WHOLE value, case-insensitively, or a
 * source category. Rules are tried in order; the first match wins.
 */
export const ChannelRule = z.object({
  channel: z.string().min(1),
  sourceCategory: z.enum(SourceCategories).optional(),
  source: z.string().optional(),
  medium: z.string().optional(),
  campaign: z.string().optional(),
});
export type ChannelRule = z.infer<typeof ChannelRule>;

const PAID = '.*cp.*|ppc|retargeting|paid.*';

/** GA4's default channel grouping, in its order, folded into our channel names (no shopping split, one Video). */
export const DefaultChannelRules: readonly ChannelRule[] = [
  { channel: 'Direct', source: '\\(direct\\)', medium: '\\(none\\)|\\(not set\\)' },
  { channel: 'Cross-network', campaign: '.*cross-network.*' },
  { channel: 'Paid Search', sourceCategory: 'search', medium: PAID },
  { channel: 'Paid Social', sourceCategory: 'social', medium: PAID },
  { channel: 'Video', sourceCategory: 'video', medium: PAID },
  { channel: 'Display', medium: 'display|banner|expandable|interstitial|cpm' },
  { channel: 'Organic Social', sourceCategory: 'social' },
  { channel: 'Organic Social', medium: 'social|social-network|social-media|sm|social network|social media' },
  { channel: 'Video', sourceCategory: 'video' },
  { channel: 'Video', medium: '.*video.*' },
  { channel: 'Organic Search', sourceCategory: 'search' },
  { channel: 'Organic Search', medium: 'organic' },
  { channel: 'Email', sourceCategory: 'email' },
  { channel: 'Email', source: 'email|e-mail|e_mail|e mail|newsletter' },
  { channel: 'Email', medium: 'email|e-mail|e_mail|e mail|newsletter' },
  { channel: 'Referral', medium: 'referral|app|link' },
  { channel: 'Affiliates', medium: 'affiliate|affiliates' },
  { channel: 'Audio', medium: 'audio|podcast' },
  { channel: 'SMS', source: 'sms' },
  { channel: 'SMS', medium: 'sms' },
  { channel: 'Mobile Push', medium: '.*push|.*mobile.*|.*notification.*' },
  { channel: 'Mobile Push', source: 'firebase' },
];

export const UNASSIGNED = 'Unassigned';

export interface TrafficFacts {
  source: string | null;
  medium: string | null;
  campaign: string | null;
}

type Matcher = (facts: TrafficFacts) => boolean;

/** Compiles the rules once; the returned function gives the channel of one event's traffic source. */
export function channelGrouping(
  rules: readonly ChannelRule[],
  categoryOf: (source: string) => SourceCategory | null,
): (facts: TrafficFacts) => string {
  const compiled = rules.map((rule) => ({ channel: rule.channel, matches: compileRule(rule, categoryOf) }));
  return (facts) => compiled.find((r) => r.matches(facts))?.channel ?? UNASSIGNED;
}

function compileRule(rule: ChannelRule, categoryOf: (source: string) => SourceCategory | null): Matcher {
  const checks: Matcher[] = [];
  const whole = (pattern: string) => new RegExp(`^(?:${pattern})$`, 'i');
  if (rule.sourceCategory !== undefined) {
    const category = rule.sourceCategory;
    checks.push((f) => f.source !== null && categoryOf(f.source) === category);
  }
  for (const field of ['source', 'medium', 'campaign'] as const) {
    const pattern = rule[field];
    if (pattern === undefined) continue;
    const re = whole(pattern);
    checks.push((f) => f[field] !== null && re.test(f[field]));
  }
  return (facts) => checks.every((check) => check(facts));
}
