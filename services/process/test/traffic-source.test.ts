import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { processEnvelopes } from '../src/domain/process-envelopes.js';
import { defaultAppProcessing } from '../src/domain/pipeline/registry.js';
import { channelGrouping, DefaultChannelRules } from '../src/domain/traffic/channel-rules.js';
import { sourceCategories } from '../src/domain/traffic/known-sources.js';
import { settings, upload, webEvent } from './fixtures.js';

const PAGE = 'https://shop.example.com/landing';

/** The traffic columns of one web page view with this page URL, referrer and attributes. */
function traffic(pageUrl: string, referrer?: string, attributes: Record<string, string> = {}, s = settings) {
  const event = webEvent(1, { attributes: { _page_url: pageUrl, ...(referrer === undefined ? {} : { _page_referrer: referrer }), ...attributes } });
  const row = processEnvelopes([upload([event])], s).events[0]!;
  return {
    source: row.traffic_source_source,
    medium: row.traffic_source_medium,
    campaign: row.traffic_source_campaign,
    clid: row.traffic_source_clid,
    clidPlatform: row.traffic_source_clid_platform,
    channel: row.channel_group,
  };
}

describe('traffic source and channel group', () => {
  const cases: [label: string, pageUrl: string, referrer: string | undefined, expected: [string, string, string]][] = [
    ['no referrer, no tags: direct', PAGE, undefined, ['(direct)', '(none)', 'Direct']],
    ['a referrer on the same site is navigation: direct', PAGE, 'https://www.shop.example.com/cart', ['(direct)', '(none)', 'Direct']],
    ['google referrer: organic search', PAGE, 'https://www.google.com/', ['google', 'organic', 'Organic Search']],
    ['a country google: organic search', PAGE, 'https://www.google.co.uk/', ['google', 'organic', 'Organic Search']],
    ['bing referrer: organic search', PAGE, 'https://www.bing.com/search?q=shoes', ['bing', 'organic', 'Organic Search']],
    ['gclid: paid search, even with a google referrer', `${PAGE}?gclid=Cj0KCQ`, 'https://www.google.com/', ['google', 'cpc', 'Paid Search']],
    ['msclkid: paid search on bing', `${PAGE}?msclkid=abc`, undefined, ['bing', 'cpc', 'Paid Search']],
    ['facebook referrer: organic social', PAGE, 'https://l.facebook.com/', ['facebook', 'referral', 'Organic Social']],
    ['fbclid alone is not paid: organic social', `${PAGE}?fbclid=IwAR0`, 'https://m.facebook.com/', ['facebook', 'referral', 'Organic Social']],
    ['utm facebook / paid_social: paid social', `${PAGE}?utm_source=facebook&utm_medium=paid_social&utm_campaign=xmas`, undefined, ['facebook', 'paid_social', 'Paid Social']],
    ['ttclid: paid social on tiktok', `${PAGE}?ttclid=E.C.P`, undefined, ['tiktok', 'cpc', 'Paid Social']],
    ['t.co referrer: organic social (twitter)', PAGE, 'https://t.co/abc', ['twitter', 'referral', 'Organic Social']],
    ['youtube referrer: video', PAGE, 'https://www.youtube.com/watch?v=1', ['youtube', 'referral', 'Video']],
    ['utm_medium=email: email', `${PAGE}?utm_source=newsletter&utm_medium=email`, undefined, ['newsletter', 'email', 'Email']],
    ['webmail referrer: email', PAGE, 'https://mail.google.com/', ['gmail', 'email', 'Email']],
    ['another site: referral', PAGE, 'https://blog.example.org/post', ['blog.example.org', 'referral', 'Referral']],
    ['utm_medium=display: display', `${PAGE}?utm_source=dv360&utm_medium=display`, undefined, ['dv360', 'display', 'Display']],
    ['utm_medium=affiliate: affiliates', `${PAGE}?utm_source=partner&utm_medium=affiliate`, undefined, ['partner', 'affiliate', 'Affiliates']],
    ['utm_medium=audio: audio', `${PAGE}?utm_source=spotify&utm_medium=audio`, undefined, ['spotify', 'audio', 'Audio']],
    ['utm_source=sms: SMS', `${PAGE}?utm_source=sms&utm_medium=text`, undefined, ['sms', 'text', 'SMS']],
    ['utm_medium=push: mobile push', `${PAGE}?utm_source=app&utm_medium=push`, undefined, ['app', 'push', 'Mobile Push']],
    ['cross-network campaign', `${PAGE}?utm_source=google&utm_medium=cpc&utm_campaign=pmax_cross-network`, undefined, ['google', 'cpc', 'Cross-network']],
    ['unknown source and medium: unassigned', `${PAGE}?utm_source=foo&utm_medium=bar`, undefined, ['foo', 'bar', 'Unassigned']],
    ['utm_source without medium: (not set), unassigned', `${PAGE}?utm_source=foo`, undefined, ['foo', '(not set)', 'Unassigned']],
  ];
  for (const [label, pageUrl, referrer, [source, medium, channel]] of cases) {
    it(label, () => {
      const t = traffic(pageUrl, referrer);
      assert.deepEqual([t.source, t.medium, t.channel], [source, medium, channel]);
    });
  }

  it('keeps the campaign and the click id with the parameter it came from', () => {
    const t = traffic(`${PAGE}?gclid=Cj0KCQ&utm_campaign=summer&utm_term=shoes&utm_content=ad1&utm_id=42`);
    assert.deepEqual([t.campaign, t.clid, t.clidPlatform], ['summer', 'Cj0KCQ', 'gclid']);
  });

  it("prefers what the SDK recorded in _traffic_source_* attributes over the page URL", () => {
    const t = traffic(`${PAGE}?utm_source=url&utm_medium=cpc`, undefined, {
      _traffic_source_source: 'bing',
      _traffic_source_medium: 'cpc',
      _traffic_source_campaign: 'brand',
      _traffic_source_clid: 'xyz',
      _traffic_source_clid_platform: 'msclkid',
    });
    assert.deepEqual(t, { source: 'bing', medium: 'cpc', campaign: 'brand', clid: 'xyz', clidPlatform: 'msclkid', channel: 'Paid Search' });
  });

  it('treats an app event without a page or tags as direct', () => {
    const row = processEnvelopes([upload([webEvent(1, { platform: 'Android', attributes: { _screen_name: 'Home' } })], { platform: 'Android' })], settings).events[0]!;
    assert.deepEqual([row.traffic_source_source, row.traffic_source_medium, row.channel_group], ['(direct)', '(none)', 'Direct']);
  });

  it('lets an app put its own rules before the defaults and add source names, through plugin options', () => {
    const custom = {
      ...settings,
      defaultApp: {
        ...defaultAppProcessing,
        plugins: [
          {
            name: 'traffic-source',
            options: {
              channelRules: [{ channel: 'Partners', source: 'partner-.*' }],
              sourceCategories: { search: ['kagi'] },
            },
          },
        ],
      },
    };
    assert.equal(traffic(`${PAGE}?utm_source=partner-acme&utm_medium=affiliate`, undefined, {}, custom).channel, 'Partners');
    assert.equal(traffic(`${PAGE}?utm_source=kagi&utm_medium=cpc`, undefined, {}, custom).channel, 'Paid Search');
    assert.equal(traffic(`${PAGE}?utm_source=kagi&utm_medium=cpc`).channel, 'Unassigned', 'unknown without the option');
  });

  it('is a plain ordered table: the first matching rule wins, no match is Unassigned', () => {
    const channelOf = channelGrouping(
      [{ channel: 'A', medium: 'x' }, { channel: 'B', medium: 'x|y' }, ...DefaultChannelRules],
      sourceCategories(),
    );
    assert.equal(channelOf({ source: 's', medium: 'x', campaign: null }), 'A');
    assert.equal(channelOf({ source: 's', medium: 'Y', campaign: null }), 'B', 'case-insensitive');
    assert.equal(channelOf({ source: 's', medium: 'xy', campaign: null }), 'Unassigned', 'whole-value match');
  });
});
