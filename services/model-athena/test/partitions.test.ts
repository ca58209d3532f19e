import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TableName, type Partition } from '@clickstream/contracts';
import { partitionsForDay, partitionsToRegister } from '../src/domain/partitions.js';

function partition(over: Partial<Partition> = {}): Partition {
  const p = { table: 'events' as const, appId: 'shop_web', year: 2026, month: 11, day: 29, ...over };
  return { ...p, location: over.location ?? `${p.table}/app_id=${p.appId}/year=${p.year}/month=${p.month}/day=${p.day}` };
}

describe('partitionsToRegister', () => {
  it('passes valid partitions through, in order', () => {
    const input = [partition(), partition({ table: 'bad_rows' }), partition({ appId: 'blog_web', day: 30 })];
    assert.deepEqual(partitionsToRegister(input), input);
  });

  it('rejects a partition whose location does not match its values (Athena would read the wrong folder)', () => {
    assert.throws(
      () => partitionsToRegister([partition({ location: 'events/app_id=shop_web/year=2026/month=11/day=28' })]),
      /partition location events\/app_id=shop_web\/year=2026\/month=11\/day=28 should be events\/app_id=shop_web\/year=2026\/month=11\/day=29/,
    );
    assert.throws(() => partitionsToRegister([partition({ location: 'events/app_id=shop_web/year=2026/month=11/day=29/' })]), /should be/);
    assert.throws(() => partitionsToRegister([partition({ location: '../elsewhere' })]), /should be/);
  });

  it('rejects an unknown table', () => {
    const unknown = { ...partition(), table: 'passwords' } as unknown as Partition;
    assert.throws(() => partitionsToRegister([unknown]));
  });

  it('rejects the whole batch when any partition is invalid (nothing half-registered)', () => {
    assert.throws(() => partitionsToRegister([partition(), partition({ location: 'wrong' })]));
  });

  it('removes duplicates, keeping one of each location', () => {
    const a = partition();
    const b = partition({ appId: 'blog_web' });
    assert.deepEqual(partitionsToRegister([a, b, { ...a }, b]), [a, b]);
  });

  it('accepts an empty list', () => {
    assert.deepEqual(partitionsToRegister([]), []);
  });
});

describe('partitionsForDay', () => {
  it('lists one partition per active app and table for the UTC day of the date', () => {
    // 23:30 in UTC-2 is already the 30th in UTC.
    const day = new Date('2026-11-29T23:30:00-02:00');
    const parts = partitionsForDay(['shop_web', 'blog_web'], day);
    assert.equal(parts.length, 2 * TableName.options.length);
    for (const appId of ['shop_web', 'blog_web']) {
      assert.deepEqual(
        parts.filter((p) => p.appId === appId).map((p) => p.table),
        TableName.options,
      );
    }
    assert.deepEqual(parts[0], {
      table: 'events',
      appId: 'shop_web',
      year: 2026,
      month: 11,
      day: 30,
      location: 'events/app_id=shop_web/year=2026/month=11/day=30',
    });
  });

  it('produces partitions that partitionsToRegister accepts unchanged', () => {
    const parts = partitionsForDay(['shop_web'], new Date(Date.UTC(2026, 11, 31)));
    assert.deepEqual(partitionsToRegister(parts), parts);
    assert.ok(parts.every((p) => p.year === 2026 && p.month === 12 && p.day === 31));
  });

  it('is empty without active apps', () => {
    assert.deepEqual(partitionsForDay([], new Date()), []);
  });

  it('refuses an app id the contract does not allow', () => {
    assert.throws(() => partitionsForDay(['shop/../x'], new Date(Date.UTC(2026, 10, 29))));
  });
});
