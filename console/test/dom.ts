// A happy-dom page installed as the globals React and the console read, plus render/act helpers
// for component tests (node:test, no browser).
import { window } from './setup-dom.js';
import { act, type ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';

export { window };

export interface Rendered {
  container: HTMLElement;
  root: Root;
  unmount: () => void;
}

export function render(node: ReactNode): Rendered {
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  act(() => root.render(node));
  return {
    container,
    root,
    unmount: () => {
      act(() => root.unmount());
      container.remove();
    },
  };
}

/** Types into an input the way React notices (the native value setter, then an input event). */
export function typeInto(input: Element | null, value: string): void {
  if (!input) throw new Error('no such input');
  const el = input as HTMLInputElement;
  const proto = el.tagName === 'SELECT' ? window.HTMLSelectElement.prototype : el.tagName === 'TEXTAREA' ? window.HTMLTextAreaElement.prototype : window.HTMLInputElement.prototype;
  const setter = Object.getOwnPropertyDescriptor(proto, 'value')?.set;
  act(() => {
    setter?.call(el, value);
    el.dispatchEvent(new window.Event(el.tagName === 'SELECT' ? 'change' : 'input', { bubbles: true }) as unknown as Event);
  });
}

export function click(el: Element | null | undefined): void {
  if (!el) throw new Error('nothing to click');
  act(() => {
    (el as HTMLElement).click();
  });
}

/** The button whose text (trimmed) or accessible name (aria-label) is `text`. */
export function button(container: Element, text: string | RegExp): HTMLButtonElement {
  const found = [...container.querySelectorAll('button')].find((b) =>
    typeof text === 'string' ? b.textContent?.trim() === text || b.getAttribute('aria-label') === text : text.test(b.textContent ?? '') || text.test(b.getAttribute('aria-label') ?? ''),
  );
  if (!found) throw new Error(`no button ${String(text)}; have: ${[...container.querySelectorAll('button')].map((b) => b.textContent?.trim() || b.getAttribute('aria-label')).join(' | ')}`);
  return found as HTMLButtonElement;
}

/** The control labelled `label` (by a <label for>, else by aria-label). */
export function field(container: Element, label: string): HTMLInputElement {
  const l = [...container.querySelectorAll('label')].find((x) => x.textContent?.trim() === label);
  const id = l?.getAttribute('for');
  const el = id ? container.querySelector(`[id="${id}"]`) : [...container.querySelectorAll('input, select, textarea')].find((x) => x.getAttribute('aria-label') === label);
  if (!el) throw new Error(`no field labelled ${label}`);
  return el as HTMLInputElement;
}

/** Lets pending promises and React updates settle. */
export async function flush(): Promise<void> {
  await act(async () => {
    for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
  });
}

/** Settles updates until `ready()` holds (lazy screens load in a few ticks), or fails after `ms`. */
export async function until(ready: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the screen');
    await flush();
  }
}
