import type { Tracker } from '../client.js';

/** Shorter visits are bounces, not engagement (the AWS SDKs use the same floor). */
const MIN_ENGAGEMENT_MS = 1_000;

/** `_user_engagement`: the time a page was visible, sent when the page changes or is hidden. */
export const engagement: Tracker = ({ tracks, record, on, listen }) => {
  if (!tracks('engagement')) return;
  let visibleSince = document.hidden ? 0 : Date.now();
  let total = 0;
  const send = () => {
    if (visibleSince) total += Date.now() - visibleSince;
    visibleSince = 0;
    if (total >= MIN_ENGAGEMENT_MS) record('_user_engagement', { _engagement_time_msec: total });
    total = 0;
  };
  on('leave', () => {
    send();
    visibleSince = Date.now();
  });
  on('hide', send);
  listen(document, 'visibilitychange', () => {
    if (!document.hidden) visibleSince = Date.now();
  });
};
