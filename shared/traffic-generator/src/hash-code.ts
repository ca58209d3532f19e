import { createHash } from 'node:crypto';

/** The `hashCode` query parameter the web and Android SDKs send: the first 8 hex digits of the body's SHA-256. */
export function hashCodeOf(body: string): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 8);
}

/** The query with `hashCode` recomputed for a new body, when the SDK sends one (iOS and refused uploads do not). */
export function withHashCode(query: Record<string, string>, body: string): Record<string, string> {
  return query.hashCode === undefined ? query : { ...query, hashCode: hashCodeOf(body) };
}
