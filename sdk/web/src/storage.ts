/**
 * Small JSON values under `clickstream:` keys in localStorage (never cookies). Values stay in
 * memory, and only there until persisting is allowed: before consent nothing touches the disk,
 * and where localStorage is missing or full (private mode, sandboxed frames) the SDK still works
 * for the life of the page.
 */
export interface Store {
  get<T>(key: string): T | undefined;
  /** `always` writes through even before consent: an opt-out must be remembered regardless. */
  set(key: string, value: unknown, always?: boolean): void;
  /** Starts (and catches up) or stops writing to localStorage. */
  persist(on: boolean): void;
}

const PREFIX = 'clickstream:';

function localStore(): Storage | undefined {
  try {
    return localStorage;
  } catch {
    return undefined;
  }
}

export function createStore(persisting: boolean, onError: (error: unknown) => void): Store {
  const cache: Record<string, unknown> = {};
  const unsaved = new Set<string>();
  const disk = localStore();

  const write = (key: string) => {
    try {
      const value = cache[key];
      if (value === undefined) disk?.removeItem(PREFIX + key);
      else disk?.setItem(PREFIX + key, JSON.stringify(value));
      unsaved.delete(key);
    } catch (error) {
      unsaved.add(key);
      onError(error);
    }
  };

  // Another tab wrote (it shares the queue and ids): drop our copy so the next read sees theirs.
  addEventListener('storage', (e) => {
    const key = e.key?.slice(PREFIX.length);
    if (key && !unsaved.has(key)) delete cache[key];
  });

  return {
    get<T>(key: string) {
      if (!(key in cache)) {
        try {
          const text = disk?.getItem(PREFIX + key);
          cache[key] = text ? (JSON.parse(text) as unknown) : undefined;
        } catch {
          cache[key] = undefined;
        }
      }
      return cache[key] as T | undefined;
    },
    set(key, value, always) {
      cache[key] = value;
      unsaved.add(key);
      if (persisting || always) write(key);
    },
    persist(on) {
      persisting = on;
      if (on) unsaved.forEach(write);
    },
  };
}
