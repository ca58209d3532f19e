import type { ClaimedFile, FailureOutcome } from '../ports/file-tracker.js';
import type { LoadSettings } from './load-settings.js';

/**
 * What a failed load does to each of its files: one more attempt, retried after an exponential
 * backoff (base · 2^(attempts−1), capped), or — after K attempts — no retry time at all, so only an
 * operator (`npm run redshift:retry-failed`) puts it back.
 */
export function failureOutcomes(files: readonly ClaimedFile[], now: number, settings: LoadSettings): FailureOutcome[] {
  return files.map((f) => {
    const attempts = f.attempts + 1;
    if (attempts >= settings.LOAD_MAX_ATTEMPTS) return { key: f.key, attempts };
    const delaySeconds = Math.min(settings.LOAD_BACKOFF_BASE_SECONDS * 2 ** (attempts - 1), settings.LOAD_BACKOFF_MAX_SECONDS);
    return { key: f.key, attempts, nextAttemptAt: now + delaySeconds * 1000 };
  });
}
