import * as z from 'zod';

/**
 * A server-made session that may still continue: what the next run needs to give a user's next
 * events the same session id. Runs hand these over (the pipe emits them as `session_state` lines,
 * the next run reads them before its input), so sessionization does not stop at run boundaries.
 */
export const OpenSession = z.object({
  app_id: z.string().min(1),
  /** user_pseudo_id, else device_id. */
  user_key: z.string().min(1),
  session_id: z.string().min(1),
  /** First and last event time (epoch ms) seen so far. */
  start: z.number().int(),
  last: z.number().int(),
});
export type OpenSession = z.infer<typeof OpenSession>;
