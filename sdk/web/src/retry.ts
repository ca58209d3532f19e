/**
 * When to try an upload again. Retrying is always safe: the server keeps each `event_id` once.
 * Network failures (status 0), timeouts, throttling and server errors are worth another try;
 * any other 4xx means the batch itself is refused, and sending it again would only fail again.
 */
export const isRetryable = (status: number) => status === 0 || status === 408 || status === 429 || status >= 500;

const FIRST_DELAY_MS = 1_000;
const MAX_DELAY_MS = 300_000;

/** Exponential backoff with jitter (half fixed, half random), so a fleet of pages does not retry in step. */
export const retryDelay = (attempt: number, random = Math.random) =>
  Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** attempt) * (0.5 + random() / 2);
