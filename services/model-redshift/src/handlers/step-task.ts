import type { Logger } from '@clickstream/lambda-kit';
import type { Context } from 'aws-lambda';
import type * as z from 'zod';

/** A Task's input that does not fit its schema: a wiring bug in the ASL, never worth a retry. */
export class TaskInputInvalid extends Error {
  constructor(task: string, issues: string) {
    super(`${task}: invalid input: ${issues}`);
    this.name = 'TaskInputInvalid';
  }
}

/**
 * The wrapper for functions Step Functions calls from a Task state (synchronously, so no middy
 * event parsing and no DLQ): logger context, input parsed with the step's schema, result returned.
 * A thrown error keeps its `name`, which is what the state machine's Retry/Catch match on.
 */
export function stepTask<S extends z.ZodType, R>(logger: Logger, task: string, schema: S, fn: (input: z.output<S>) => Promise<R>) {
  return async (event: unknown, context: Context): Promise<R> => {
    logger.addContext(context);
    logger.appendKeys({ task });
    const parsed = schema.safeParse(event);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      logger.error('task input invalid', { issues });
      throw new TaskInputInvalid(task, issues);
    }
    try {
      const result = await fn(parsed.data);
      logger.info('task done');
      return result;
    } catch (error) {
      logger.error('task failed', { error });
      throw error;
    }
  };
}
