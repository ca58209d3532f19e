import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sessionAt } from '../src/session.js';

const THIRTY_MINUTES = 30 * 60_000;

describe('sessions', () => {
  it('starts the first session with number 1', () => {
    const s = sessionAt(undefined, 1_000, THIRTY_MINUTES);
    assert.equal(s.number, 1);
    assert.equal(s.start, 1_000);
    assert.match(s.id, /^[0-9a-f-]{36}$/);
  });

  it('continues while activity keeps coming within the timeout, however long the session gets', () => {
    let s = sessionAt(undefined, 0, THIRTY_MINUTES);
    const first = s;
    for (let t = 20 * 60_000; t <= 3 * 60 * 60_000; t += 20 * 60_000) s = sessionAt(s, t, THIRTY_MINUTES);
    assert.equal(s.id, first.id);
    assert.equal(s.start, 0);
    assert.equal(s.last, 3 * 60 * 60_000);
  });

  it('starts the next session after 30 minutes without activity', () => {
    const first = sessionAt(undefined, 0, THIRTY_MINUTES);
    const next = sessionAt(first, THIRTY_MINUTES, THIRTY_MINUTES);
    assert.notEqual(next.id, first.id);
    assert.equal(next.number, 2);
    assert.equal(next.start, THIRTY_MINUTES);
  });

  it('honours a configured timeout', () => {
    const first = sessionAt(undefined, 0, 1_000);
    assert.equal(sessionAt(first, 999, 1_000).id, first.id);
    assert.notEqual(sessionAt(first, 1_000, 1_000).id, first.id);
  });
});
