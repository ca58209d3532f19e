import { AppError } from '@clickstream/lambda-kit';
import { isIP } from 'node:net';
import type { AttemptState, SignInAttemptStore } from '../ports/sign-in-attempts.js';

/**
 * How many failed sign-ins a key may have before it is blocked, and for how long: the `limit`-th
 * failure within a window blocks for `baseDelayMs`, each further failure after a block ends doubles
 * it, up to `maxDelayMs`. A window of quiet after the last failure (or block) starts over.
 */
export interface ThrottleRule {
  limit: number;
  windowMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

const MINUTE = 60_000;

/**
 * Per user name: few guesses (a password's owner mistypes it a couple of times, an attacker needs
 * thousands). Per client address: more, since several people may share one (an office NAT), and a
 * success there does not reset it (one valid account must not buy guesses at the others).
 */
export const signInRules = {
  username: { limit: 5, windowMs: 15 * MINUTE, baseDelayMs: 30_000, maxDelayMs: 15 * MINUTE },
  ip: { limit: 20, windowMs: 15 * MINUTE, baseDelayMs: 30_000, maxDelayMs: 15 * MINUTE },
} as const satisfies Record<string, ThrottleRule>;

/** Counter rows kept at most (each ~100 bytes): pruning first drops expired rows, then the soonest to expire. */
export const MAX_THROTTLE_ROWS = 50_000;

/** Milliseconds the key is still blocked at `now` (0: not blocked). */
export const blockedForMs = (state: AttemptState | undefined, now: number) => Math.max(0, (state?.blockedUntil ?? 0) - now);

/** The counter after one more failure at `now`. */
export function afterFailure(state: AttemptState | undefined, rule: ThrottleRule, now: number): AttemptState {
  const fresh = !state || now - Math.max(state.lastFailureAt, state.blockedUntil) > rule.windowMs;
  const failures = fresh ? 1 : state.failures + 1;
  const blockedUntil = failures >= rule.limit ? now + Math.min(rule.maxDelayMs, rule.baseDelayMs * 2 ** (failures - rule.limit)) : 0;
  return { failures, lastFailureAt: now, blockedUntil };
}

/** When a counter stops mattering: a window after its last failure or the end of its block. */
export const expiryOf = (state: AttemptState, rule: ThrottleRule) => Math.max(state.lastFailureAt, state.blockedUntil) + rule.windowMs;

/**
 * The address a client is counted under: IPv4 as is (also when mapped into IPv6), IPv6 by its /64
 * (one host usually holds a whole /64, so counting single addresses would count nothing).
 */
export function clientAddressKey(ip: string | undefined): string {
  const raw = (ip ?? '').trim();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(raw)?.[1];
  if (mapped && isIP(mapped) === 4) return mapped;
  if (isIP(raw) === 4) return raw;
  if (isIP(raw) === 6) return `${ipv6Groups(raw).slice(0, 4).join(':')}::/64`;
  return 'unknown';
}

/** The eight 16-bit groups of a valid IPv6 address, lowercase, without leading zeros. */
function ipv6Groups(address: string): string[] {
  const bare = address.split('%')[0]!.toLowerCase();
  const toGroups = (part: string) => {
    if (part === '') return [];
    return part.split(':').flatMap((g) => {
      if (!g.includes('.')) return [g];
      const [a, b, c, d] = g.split('.').map(Number) as [number, number, number, number];
      return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
    });
  };
  const [head = '', tail] = bare.split('::');
  const left = toGroups(head);
  const right = tail === undefined ? [] : toGroups(tail);
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.map((g) => parseInt(g, 16).toString(16));
}

// Attempts under one key run one at a time (one embedded process holds the SQLite file): parallel
// requests cannot all pass the check before the first failure is counted.
const locks = new WeakMap<SignInAttemptStore, Map<string, Promise<void>>>();

async function withKeys<T>(store: SignInAttemptStore, keys: readonly string[], fn: () => Promise<T>): Promise<T> {
  let held = locks.get(store);
  if (!held) locks.set(store, (held = new Map()));
  const map = held;
  const ordered = [...new Set(keys)].sort();
  let release!: () => void;
  const mine = new Promise<void>((r) => (release = r));
  const before = ordered.map((k) => map.get(k) ?? Promise.resolve());
  const chained = Promise.all(before).then(() => mine);
  for (const k of ordered) map.set(k, chained);
  try {
    await Promise.all(before);
    return await fn();
  } finally {
    release();
    for (const k of ordered) if (map.get(k) === chained) map.delete(k);
  }
}

export const tooManyAttempts = (retryAfterMs: number) => {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new AppError(429, 'TOO_MANY_SIGN_IN_ATTEMPTS', `Too many failed sign-in attempts: try again in ${seconds} s.`, {
    details: { retryAfterSeconds: seconds },
    headers: { 'retry-after': String(seconds) },
  });
};

/**
 * Runs one sign-in attempt under the throttle: refused with 429 (and Retry-After) while the user
 * name or the client address is blocked; otherwise `check` runs (the constant-time password check)
 * and a failure counts against both keys, a success resets the user name's counter.
 */
export async function throttledSignIn<T>(
  store: SignInAttemptStore,
  who: { username: string; clientIp: string | undefined },
  now: () => number,
  check: () => Promise<T | undefined>,
): Promise<T | undefined> {
  const keys = [
    { key: `user:${who.username}`, rule: signInRules.username },
    { key: `ip:${clientAddressKey(who.clientIp)}`, rule: signInRules.ip },
  ];
  return withKeys(
    store,
    keys.map((k) => k.key),
    async () => {
      const states = await store.get(keys.map((k) => k.key));
      const started = now();
      const wait = Math.max(...keys.map((k) => blockedForMs(states.get(k.key), started)));
      if (wait > 0) throw tooManyAttempts(wait);
      const result = await check();
      const at = now();
      if (result !== undefined) {
        await store.delete(keys[0]!.key);
        return result;
      }
      for (const { key, rule } of keys) {
        const next = afterFailure(states.get(key), rule, at);
        await store.put(key, next, expiryOf(next, rule));
      }
      await store.prune(at, MAX_THROTTLE_ROWS);
      return undefined;
    },
  );
}
