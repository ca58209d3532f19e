import { uuid } from './ids.js';

/** A visit: it ends after `timeout` ms without activity, and the next activity starts the next one. */
export interface Session {
  id: string;
  /** 1 for the browser's first session. */
  number: number;
  start: number;
  /** Last activity. */
  last: number;
}

/** The session `now` belongs to: `current` stretched to now, or a new one after the inactivity timeout. */
export function sessionAt(current: Session | undefined, now: number, timeout: number): Session {
  if (current && now - current.last < timeout) return { ...current, last: now };
  return { id: uuid(), number: (current?.number ?? 0) + 1, start: now, last: now };
}
