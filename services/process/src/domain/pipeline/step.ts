import type { ClickstreamEvent, Item, UserAttribute } from '@clickstream/contracts';
import type * as z from 'zod';
import type { EventRow } from '../rows.js';

export type Attributes = Record<string, string | number | boolean>;
export type UserAttributes = Record<string, z.infer<typeof UserAttribute>>;
export type ItemFields = z.infer<typeof Item>;

/**
 * An event on its way to the `events` table: the row's columns, with attributes, user attributes
 * and items still as objects so steps can change them without re-parsing JSON.
 */
export interface WorkingEvent extends Omit<EventRow, 'attributes' | 'user_attributes' | 'items'> {
  attributes: Attributes;
  user_attributes: UserAttributes;
  items: ItemFields[];
}

/** What a step knows besides the row: the event as the SDK sent it, its upload, its own options. */
export interface StepContext {
  /** The validated event as sent (before any step changed it); read-only. */
  readonly event: Readonly<ClickstreamEvent>;
  readonly upload: { readonly requestId: string; readonly ingestTime: number; readonly platform: string | null };
  /**
   * The step's options from the pipeline configuration (`plugins[].options`); the same object for
   * every event of an app within a run, so a step can cache what it derives from it.
   */
  readonly options: Readonly<Record<string, unknown>>;
}

/** A step refuses an event: it becomes a bad row (PLUGIN_REJECTED) carrying this reason. */
export interface Rejection {
  readonly rejected: string;
}

/**
 * The one interface of every processing step, built-in or custom: a module exporting `name` and
 * `process`. A step may change the row in place; it returns the row, or a rejection. Steps must be
 * deterministic (no clock, no randomness) so that a rerun of a job writes the same rows.
 */
export interface ProcessingStep {
  readonly name: string;
  process(row: WorkingEvent, ctx: StepContext): WorkingEvent | Rejection;
}

export const isRejection = (r: WorkingEvent | Rejection): r is Rejection => 'rejected' in r;
