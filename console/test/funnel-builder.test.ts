import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { createElement, useState } from 'react';
import { button, click, field, render, typeInto, type Rendered } from './dom.js';
import { FunnelBuilder } from '../src/explore/builders.js';
import type { FunnelSpec } from '../src/api/analytics-types.js';
import { defaultSpec, specProblems } from '../src/lib/exploration-specs.js';

/** The builder with the spec kept in state, as the explore page does; every change is recorded. */
function Harness({ initial, changes }: { initial: FunnelSpec; changes: FunnelSpec[] }) {
  const [spec, setSpec] = useState(initial);
  return createElement(FunnelBuilder, {
    spec,
    problems: specProblems(spec),
    onChange: (s: FunnelSpec) => {
      changes.push(s);
      setSpec(s);
    },
  });
}

describe('FunnelBuilder', () => {
  let view: Rendered | undefined;
  afterEach(() => view?.unmount());

  const setup = (initial = defaultSpec('funnel') as FunnelSpec) => {
    const changes: FunnelSpec[] = [];
    view = render(createElement(Harness, { initial, changes }));
    return { changes, container: view.container, last: () => changes.at(-1)! };
  };

  it('adds, names, reorders and removes steps', () => {
    const { container, last } = setup();
    click(button(container, '+ Add step'));
    assert.equal(last().steps.length, 3);
    typeInto(field(container, 'Step 3'), 'purchase');
    assert.deepEqual(last().steps.map((s) => s.event), ['_session_start', '_page_view', 'purchase']);
    click(button(container, /Move step 3 up/));
    assert.deepEqual(last().steps.map((s) => s.event), ['_session_start', 'purchase', '_page_view']);
    click(button(container, /Remove step 1/));
    assert.deepEqual(last().steps.map((s) => s.event), ['purchase', '_page_view']);
    // Two steps is the minimum: removing is no longer offered.
    assert.equal(button(container, /Remove step 1/).disabled, true);
  });

  it('shows the problem on the field of an unnamed step, and stops at ten steps', () => {
    const { container, last } = setup();
    click(button(container, '+ Add step'));
    const step3 = field(container, 'Step 3');
    assert.equal(step3.getAttribute('aria-invalid'), 'true');
    const error = container.querySelector(`#${CSS.escape(step3.getAttribute('aria-describedby')!)}`);
    assert.equal(error?.textContent, 'Choose an event');
    for (let i = 0; i < 7; i++) click(button(container, '+ Add step'));
    assert.equal(last().steps.length, 10);
    assert.equal(button(container, '+ Add step').disabled, true);
  });

  it('sets the conversion window, the order and a breakdown', () => {
    const { container, last } = setup();
    typeInto(field(container, 'Conversion window'), '30');
    typeInto(container.querySelector('select[aria-label="Window unit"]'), 'minute');
    assert.deepEqual(last().window, { value: 30, unit: 'minute' });
    typeInto(field(container, 'Conversion window'), '');
    assert.equal(container.textContent?.includes('A whole number from 1 to 1000'), true);
    typeInto(field(container, 'Conversion window'), '91');
    typeInto(container.querySelector('select[aria-label="Window unit"]'), 'day');
    assert.equal(container.textContent?.includes('At most 90 days'), true);
    click(button(container, 'Strict'));
    assert.equal(last().order, 'strict');
    typeInto(field(container, 'Break down by'), 'country');
    assert.deepEqual(last().breakdown, { dimension: 'country' });
    typeInto(field(container, 'Break down by'), '');
    assert.equal(last().breakdown, undefined);
  });
});
