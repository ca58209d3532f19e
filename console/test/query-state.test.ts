import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { comparisonPeriod, contextFromSearch, parseFilter, searchFromContext, todayIn, withFilters } from '../src/lib/query-state.js';

const now = new Date('2026-11-29T23:30:00Z');

describe('query context in the URL', () => {
  it('defaults to the last 28 days, today included, in the app time zone', () => {
    const c = contextFromSearch(new URLSearchParams(), { timezone: 'UTC', now });
    assert.deepEqual(c, { preset: '28d', from: '2026-11-02', to: '2026-11-29', timezone: 'UTC', compare: 'none', filters: [] });
    // 23:30 UTC is already the next day in Tokyo.
    assert.equal(contextFromSearch(new URLSearchParams({ tz: 'Asia/Tokyo', range: '7d' }), { timezone: 'UTC', now }).to, '2026-11-30');
    assert.equal(todayIn('Not/AZone', now), '2026-11-29');
  });

  it('round-trips a custom period, zone, comparison and filters through the query string', () => {
    const search = new URLSearchParams('from=2026-10-01&to=2026-10-31&tz=Europe%2FParis&compare=previous&f=country%3Aeq%3AFR&f=attr.url%3Acontains%3Ahttps%3A%2F%2Fx');
    const c = contextFromSearch(search, { timezone: 'UTC', now });
    assert.equal(c.preset, 'custom');
    assert.deepEqual(c.filters, [
      { field: 'country', op: 'eq', value: 'FR' },
      { field: 'attr.url', op: 'contains', value: 'https://x' },
    ]);
    const back = withFilters(new URLSearchParams(), c.filters);
    for (const [k, v] of Object.entries(searchFromContext(c, 'UTC'))) if (v !== undefined) back.set(k, v);
    assert.deepEqual(contextFromSearch(back, { timezone: 'UTC', now }), c);
  });

  it('keeps presets relative and leaves defaults out of the URL', () => {
    const c = contextFromSearch(new URLSearchParams('range=7d'), { timezone: 'Europe/Paris', now });
    assert.deepEqual(searchFromContext(c, 'Europe/Paris'), { range: '7d', from: undefined, to: undefined, tz: undefined, compare: undefined });
  });

  it('ignores what it cannot read instead of failing', () => {
    const c = contextFromSearch(new URLSearchParams('from=2026-13-01&to=x&tz=Mars/Base&compare=never&f=bad&f=a;b:eq:1&f=country:like:x'), { timezone: 'UTC', now });
    assert.equal(c.preset, '28d');
    assert.equal(c.timezone, 'UTC');
    assert.equal(c.compare, 'none');
    assert.deepEqual(c.filters, []);
    assert.deepEqual(parseFilter('country:eq:'), { field: 'country', op: 'eq', value: '' });
  });

  it('compares with the days just before, or the same days a year earlier', () => {
    assert.deepEqual(comparisonPeriod('2026-11-23', '2026-11-29', 'previous'), { from: '2026-11-16', to: '2026-11-22' });
    assert.deepEqual(comparisonPeriod('2026-03-01', '2026-03-01', 'previous'), { from: '2026-02-28', to: '2026-02-28' });
    assert.deepEqual(comparisonPeriod('2028-02-29', '2028-03-01', 'year'), { from: '2027-02-28', to: '2027-03-01' });
    assert.equal(comparisonPeriod('2026-11-01', '2026-11-02', 'none'), undefined);
  });
});
