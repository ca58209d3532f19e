// An example of a custom processing step, enabled per app through the pipeline configuration:
//   process.plugins: [{ name: 'example-pii-redactor', options: { keys: ['email', 'phone'], salt: 'app-secret' } }]
import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { StepContext, WorkingEvent } from '../domain/pipeline/step.js';

export const name = 'example-pii-redactor';

const Options = z.object({
  /** Attribute and user attribute names whose values are replaced by a hash. */
  keys: z.array(z.string().min(1)).min(1),
  /** Mixed into the hash so that values cannot be looked up in a table of hashed e-mail addresses. */
  salt: z.string().default(''),
});

// Options are one object per app and run: parse them once, not per event.
const parsed = new WeakMap<object, { keys: ReadonlySet<string>; salt: string }>();

function optionsOf(raw: Readonly<Record<string, unknown>>) {
  let o = parsed.get(raw);
  if (!o) {
    const { keys, salt } = Options.parse(raw);
    o = { keys: new Set(keys), salt };
    parsed.set(raw, o);
  }
  return o;
}

/** Same value, same hash: analyses can still count and join on the value without seeing it. */
export const redact = (value: string | number | boolean, salt: string) =>
  `sha256:${createHash('sha256').update(`${salt}${String(value)}`).digest('hex')}`;

export function process(row: WorkingEvent, ctx: StepContext): WorkingEvent {
  const { keys, salt } = optionsOf(ctx.options);
  for (const key of keys) {
    const value = row.attributes[key];
    if (value !== undefined) row.attributes[key] = redact(value, salt);
    const attribute = row.user_attributes[key];
    if (attribute !== undefined && attribute.value !== null) attribute.value = redact(attribute.value, salt);
  }
  return row;
}
