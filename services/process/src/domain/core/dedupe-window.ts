/**
 * Remembers recent keys in bounded memory: two generations of at most `size` keys each; when the
 * current one fills, the older is dropped. Duplicates (SDK retries, replays) arrive close together,
 * so a window of the last `size`..`2 × size` keys catches them; the `events_deduped` view removes
 * any that slip through across runs.
 */
export class DedupeWindow {
  private current = new Set<string>();
  private previous = new Set<string>();

  constructor(private readonly size: number) {}

  /** True the first time a key is seen (within the window), false for a repeat. */
  add(key: string): boolean {
    if (this.current.has(key) || this.previous.has(key)) return false;
    if (this.current.size >= this.size) {
      this.previous = this.current;
      this.current = new Set();
    }
    this.current.add(key);
    return true;
  }
}
