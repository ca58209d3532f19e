import type { Tracker } from '../client.js';
import type { Attributes } from '../types.js';

/** `_page_load` with the document's Navigation Timing, once its load event has finished. */
export const pageLoad: Tracker = ({ tracks, record, listen }) => {
  if (!tracks('pageLoad')) return;
  const report = () =>
    // A tick after `load`, when loadEventEnd is filled in.
    setTimeout(() => {
      const timing = performance.getEntriesByType?.('navigation')[0]?.toJSON() as Record<string, unknown> | undefined;
      if (!timing) return;
      const attributes: Attributes = {};
      for (const [name, value] of Object.entries(timing)) if (typeof value != 'object') attributes[name] = value as string | number;
      record('_page_load', attributes);
    });
  if (document.readyState == 'complete') report();
  else listen(window, 'load', report);
};
