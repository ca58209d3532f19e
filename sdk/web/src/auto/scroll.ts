import type { Tracker } from '../client.js';

/** `_scroll`, once per page, when the reader got through 90% of it. */
export const scroll: Tracker = ({ tracks, record, on, listen }) => {
  if (!tracks('scroll')) return;
  let sent = false;
  on('enter', () => (sent = false));
  listen(window, 'scroll', () => {
    if (sent || scrollY <= 0 || scrollY + innerHeight < document.documentElement.scrollHeight * 0.9) return;
    sent = true;
    record('_scroll');
  });
};
