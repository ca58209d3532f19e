import type { Tracker } from '../client.js';

/** `_click` on links that leave the site (its own host and `autoTrack.internalDomains` are the site). */
export const outboundClick: Tracker = ({ options, tracks, record, listen }) => {
  if (!tracks('click')) return;
  const auto = options.autoTrack;
  const internal = (typeof auto == 'object' && auto.internalDomains) || [];
  listen(document, 'click', (event) => {
    const link = (event.target as Element | null)?.closest?.('a[href]') as HTMLAnchorElement | null;
    if (!link) return;
    const url = new URL(link.href, location.href);
    if (!/^https?:$/.test(url.protocol) || url.host == location.host || internal.includes(url.host)) return;
    record('_click', {
      _link_url: url.href,
      _link_domain: url.host,
      _link_classes: link.className,
      _link_id: link.id,
      _outbound: true,
    });
  });
};
