import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, harness, type Harness, type Session } from './support/harness.js';

let h: Harness;
let analyst: Session;

beforeEach(async () => {
  h = harness();
  await h.addUser('ana', 'Analyst');
  analyst = await h.signIn('ana');
  await h.ports.projects.create({ projectId: 'shop', name: 'Shop', description: '', createdAt: '2026-11-29T10:00:00.000Z', updatedAt: '2026-11-29T10:00:00.000Z', revision: 1 });
  await h.seedApp({
    appId: 'shop_web',
    projectId: 'shop',
    name: 'Web',
    platform: 'Web',
    enabled: true,
    allowedOrigins: [],
    timezone: 'UTC',
    retentionDays: 0,
    revision: 1,
    createdAt: '2026-11-29T10:00:00.000Z',
    updatedAt: '2026-11-29T10:00:00.000Z',
  });
  h.analytics.metadata = {
    events: [
      { name: '_page_view', count: 120, firstSeen: '2026-11-01T00:00:00.000Z', lastSeen: '2026-11-29T09:00:00.000Z' },
      { name: 'add_to_cart', count: 7, firstSeen: '2026-11-02T00:00:00.000Z', lastSeen: '2026-11-28T00:00:00.000Z' },
    ],
    attributes: [{ name: 'price', scope: 'event', types: ['number', 'string'], count: 7, firstSeen: null, lastSeen: null }],
  };
});
afterEach(() => h.close());

describe('metadata', () => {
  it('lists discovered names with their annotations, and annotated names the data no longer has', async () => {
    await analyst.call('PUT', '/api/apps/shop_web/metadata/events/add_to_cart', { body: { displayName: 'Add to cart', description: 'Cart button' } });
    await analyst.call('PUT', '/api/apps/shop_web/metadata/events/old_event', { body: { displayName: 'Retired' } });
    await analyst.call('PUT', '/api/apps/shop_web/metadata/attributes/price', { body: { description: 'Unit price in EUR' } });
    const res = await analyst.call('GET', '/api/apps/shop_web/metadata');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.events, [
      { name: '_page_view', displayName: '', description: '', updatedBy: null, updatedAt: null, count: 120, firstSeen: '2026-11-01T00:00:00.000Z', lastSeen: '2026-11-29T09:00:00.000Z' },
      { name: 'add_to_cart', displayName: 'Add to cart', description: 'Cart button', updatedBy: 'ana', updatedAt: '2026-11-29T10:00:00.000Z', count: 7, firstSeen: '2026-11-02T00:00:00.000Z', lastSeen: '2026-11-28T00:00:00.000Z' },
      { name: 'old_event', displayName: 'Retired', description: '', updatedBy: 'ana', updatedAt: '2026-11-29T10:00:00.000Z', count: null, firstSeen: null, lastSeen: null },
    ]);
    assert.deepEqual(res.body.attributes, [
      { name: 'price', scope: 'event', types: ['number', 'string'], displayName: '', description: 'Unit price in EUR', updatedBy: 'ana', updatedAt: '2026-11-29T10:00:00.000Z', count: 7, firstSeen: null, lastSeen: null },
    ]);
  });

  it('empty annotations and DELETE remove them; bad kinds, names and apps are refused', async () => {
    await analyst.call('PUT', '/api/apps/shop_web/metadata/events/add_to_cart', { body: { displayName: 'Add to cart' } });
    await analyst.call('PUT', '/api/apps/shop_web/metadata/events/add_to_cart', { body: { displayName: '' } });
    assert.deepEqual(await h.ports.metadata.list('shop_web'), []);
    await analyst.call('PUT', '/api/apps/shop_web/metadata/events/x', { body: { displayName: 'X' } });
    assert.equal((await analyst.call('DELETE', '/api/apps/shop_web/metadata/events/x')).status, 204);
    assert.deepEqual(await h.ports.metadata.list('shop_web'), []);
    assertError(await analyst.call('PUT', '/api/apps/shop_web/metadata/tables/x', { body: { displayName: 'X' } }), 400, 'INVALID_KIND');
    assertError(await analyst.call('PUT', `/api/apps/shop_web/metadata/events/${'x'.repeat(300)}`, { body: { displayName: 'X' } }), 400, 'INVALID_NAME');
    assertError(await analyst.call('PUT', '/api/apps/ghost/metadata/events/x', { body: { displayName: 'X' } }), 404, 'NOT_FOUND');
    assertError(await analyst.call('PUT', '/api/apps/shop_web/metadata/events/x', { body: { displayName: 'x'.repeat(300) } }), 400, 'INVALID_BODY');
  });
});
