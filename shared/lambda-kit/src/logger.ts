import { Logger } from '@aws-lambda-powertools/logger';

/** One logger per service; Powertools reads the level from POWERTOOLS_LOG_LEVEL. */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName });
}
export type { Logger };
