import type { Tracker } from '../client.js';

const SEARCH_KEYS = ['q', 's', 'search', 'query', 'keyword'];

/** `_search` when a page's URL carries a site-search term. */
export const siteSearch: Tracker = ({ options, tracks, record, on }) => {
  if (!tracks('search')) return;
  const auto = options.autoTrack;
  const keys = (typeof auto == 'object' && auto.searchKeys) || SEARCH_KEYS;
  on('enter', () => {
    const query = new URLSearchParams(location.search);
    const key = keys.find((k) => query.get(k));
    if (key) record('_search', { _search_key: key, _search_term: query.get(key)! });
  });
};
