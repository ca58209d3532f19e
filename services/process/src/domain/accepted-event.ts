import type { WorkingEvent } from './pipeline/step.js';

/** An event that passed validation and every step, with its corrected time in epoch ms. */
export interface AcceptedEvent {
  event: WorkingEvent;
  time: number;
  /** Its session_id was made by processing, not sent by the SDK. */
  server_session?: boolean;
}

/** Input order breaks ties between events of the same millisecond, so results never depend on sorting details. */
export const byTime = (a: { time: number; index: number }, b: { time: number; index: number }) => a.time - b.time || a.index - b.index;

export const numberOf = (v: unknown): number | null => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
};
