/** The port: the embedded FsObjectStore and the services' S3 adapters implement the same thing. */
export interface ObjectStore {
  /** Atomic: readers see the old object or the new one, never part of it. */
  put(key: string, body: Buffer | string): Promise<void>;
  /** undefined when there is no such object. */
  get(key: string): Promise<Buffer | undefined>;
  /** Keys starting with prefix (a plain string prefix, as in S3), sorted. */
  list(prefix: string): Promise<string[]>;
  /** Deleting a missing object is not an error. */
  delete(key: string): Promise<void>;
  /** Moves a local file in as the object, atomically. */
  putFile(key: string, sourcePath: string): Promise<void>;
  /** Where the object lives on disk, for engines (DuckDB) that read files themselves. */
  pathOf(key: string): string;
}

/** Marks in-flight writes; no key segment may start with it, so `list` can tell them apart. */
export const TEMP_PREFIX = '.tmp-';

/**
 * Keys are relative `/`-separated paths. Anything that could escape the root or name something
 * other than a plain file below it is refused, on every adapter alike.
 */
export function assertValidKey(key: string): void {
  const reject = (why: string) => {
    throw new RangeError(`invalid object key ${JSON.stringify(key)}: ${why}`);
  };
  if (typeof key !== 'string' || key.length === 0) reject('it is empty');
  if (key.includes('\0')) reject('it contains NUL');
  if (key.includes('\\')) reject('it contains a backslash');
  if (key.startsWith('/')) reject('it is absolute');
  if (key.includes('..')) reject('it contains ..');
  for (const segment of key.split('/')) {
    if (segment === '' || segment === '.') reject('it has an empty or "." segment');
    if (segment.startsWith(TEMP_PREFIX)) reject(`a segment starts with ${TEMP_PREFIX}, reserved for temporary files`);
  }
}
