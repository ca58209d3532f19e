/**
 * A bounded cache that keeps recently used entries: two generations of at most half the capacity
 * each. A hit in the current generation is one Map lookup (no reordering — a reordering LRU cost
 * a visible share of a run, spent on the enrichers' caches); a hit in the previous one moves the
 * entry forward; when the current generation fills, the previous is dropped. So an entry used
 * within the last half-capacity insertions is always kept, and at most `capacity` are held.
 */
export class LruCache<K, V> {
  private current = new Map<K, V>();
  private previous = new Map<K, V>();
  private readonly half: number;
  private lastKey: K | undefined;
  private lastValue: V | undefined;

  constructor(capacity: number) {
    this.half = Math.max(1, Math.ceil(capacity / 2));
  }

  get(key: K): V | undefined {
    // An upload's events repeat the same agent, address and often page: the last hit answers first.
    if (key === this.lastKey) return this.lastValue;
    const value = this.current.get(key);
    if (value !== undefined) {
      this.lastKey = key;
      this.lastValue = value;
      return value;
    }
    const old = this.previous.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }

  set(key: K, value: V): void {
    if (key === this.lastKey) this.lastValue = value;
    if (this.current.size >= this.half && !this.current.has(key)) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(key, value);
  }

  get size(): number {
    let n = this.current.size;
    for (const key of this.previous.keys()) if (!this.current.has(key)) n++;
    return n;
  }
}
