// The two-column card grid: no card is left alone beside a hole.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fullRows } from '../src/lib/grid.js';

describe('fullRows', () => {
  it('pairs narrow cards and widens the one left over', () => {
    assert.deepEqual(fullRows([false, false, false]), [false, false, true]);
    assert.deepEqual(fullRows([false, false]), [false, false]);
    assert.deepEqual(fullRows([false]), [true]);
    assert.deepEqual(fullRows([]), []);
  });

  it('counts rows around the wide cards', () => {
    assert.deepEqual(fullRows([true, false, false]), [true, false, false]);
    assert.deepEqual(fullRows([false, true, false, false]), [true, true, false, false]);
    assert.deepEqual(fullRows([false, false, false, true, false]), [false, false, true, true, true]);
  });
});
