import type { z } from 'zod';

/**
 * One object per EventBridge event: the rule pattern, the consumer's parser and the producer's
 * typed publish are all derived from it, so the three can never drift apart.
 * A breaking change to `detail` gets a new version (a new contract), never an edit.
 */
export interface EventContract<Name extends string = string, Schema extends z.ZodType = z.ZodType> {
  /** EventBridge `source`, e.g. `clickstream.process`. */
  readonly source: string;
  /** Versioned EventBridge `detail-type`, e.g. `ProcessingCompleted.v1`. */
  readonly detailType: Name;
  readonly description: string;
  /** The service that publishes it (its folder under `services/`). */
  readonly producer: string;
  readonly schema: Schema;
  readonly example: z.input<Schema>;
  /** The narrowest rule pattern that selects exactly this contract. */
  readonly pattern: { source: string[]; 'detail-type': string[] };
}

export type DetailOf<C extends EventContract> = z.output<C['schema']>;
export type DetailInputOf<C extends EventContract> = z.input<C['schema']>;

export function defineContract<Name extends string, Schema extends z.ZodType>(spec: {
  source: string;
  detailType: Name;
  description: string;
  producer: string;
  schema: Schema;
  example: z.input<Schema>;
}): EventContract<Name, Schema> {
  if (!/^[A-Z][A-Za-z]+\.v\d+$/.test(spec.detailType)) {
    throw new Error(`detail-type "${spec.detailType}" must look like Name.vN`);
  }
  return Object.freeze({
    ...spec,
    pattern: { source: [spec.source], 'detail-type': [spec.detailType] },
  });
}

/** The envelope EventBridge delivers to a target (and the embedded bus reproduces). */
export interface BusEvent<Detail = unknown> {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Detail;
}
