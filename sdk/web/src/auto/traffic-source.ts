import type { Tracker } from '../client.js';

const UTM: Record<string, string> = {
  utm_source: 'source',
  utm_medium: 'medium',
  utm_campaign: 'campaign',
  utm_id: 'campaign_id',
  utm_term: 'term',
  utm_content: 'content',
};
/** Ad platforms' click ids, in the order processing looks for them. */
const CLICK_IDS = ['gclid', 'gbraid', 'wbraid', 'dclid', 'msclkid', 'ttclid', 'twclid', 'li_fat_id', 'sccid', 'epik', 'yclid', 'fbclid'];

/** The landing page's UTM parameters and ad click id, as `_traffic_source_*` on `_session_start`. */
export const trafficSource: Tracker = ({ tracks, on }) => {
  if (!tracks('trafficSource')) return;
  on('sessionStart', (attributes) => {
    const query = new URLSearchParams(location.search);
    for (const [param, name] of Object.entries(UTM)) {
      const value = query.get(param);
      if (value) attributes[`_traffic_source_${name}`] = value;
    }
    const clid = CLICK_IDS.find((param) => query.get(param));
    if (clid) {
      attributes._traffic_source_clid = query.get(clid)!;
      attributes._traffic_source_clid_platform = clid;
    }
  });
};
