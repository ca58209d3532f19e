// Installs a happy-dom page as the browser globals. It must run before react-dom is first
// imported (react-dom decides at load time whether it runs in a browser), so test/dom.tsx imports it first.
import { Window } from 'happy-dom';

const window = new Window({ url: 'http://console.test/', width: 1280, height: 800 });
const globals = globalThis as unknown as Record<string, unknown>;
for (const key of Object.getOwnPropertyNames(window)) {
  if (key in globalThis) continue;
  const value = (window as unknown as Record<string, unknown>)[key];
  globals[key] = typeof value === 'function' && !/^[A-Z]/.test(key) ? (value as (...a: unknown[]) => unknown).bind(window) : value;
}
for (const key of ['window', 'document', 'navigator', 'location', 'history', 'localStorage', 'sessionStorage', 'Event', 'KeyboardEvent', 'MouseEvent', 'CustomEvent', 'EventTarget', 'Node', 'Element', 'HTMLElement']) {
  Object.defineProperty(globalThis, key, { configurable: true, writable: true, value: key === 'window' ? window : (window as unknown as Record<string, unknown>)[key] });
}
globals.IS_REACT_ACT_ENVIRONMENT = true;

export { window };
