import { randomUUID } from 'node:crypto';
import { constants, copyFile, mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { assertValidKey, TEMP_PREFIX, type ObjectStore } from './object-store.js';

/**
 * The embedded stand-in for S3: one file per object under `root`, the key being its relative
 * path. Every write goes through a temporary file in the target's own directory and a rename,
 * both fsynced, so a crash leaves the old object or the new one, never a torn one. (Unlike S3, a
 * key cannot also be a "directory" of other keys: `a/b` and `a/b/c` cannot both exist.)
 */
export class FsObjectStore implements ObjectStore {
  readonly root: string;

  constructor(rootDir: string) {
    this.root = resolve(rootDir);
  }

  pathOf(key: string): string {
    assertValidKey(key);
    return join(this.root, ...key.split('/'));
  }

  async put(key: string, body: Buffer | string): Promise<void> {
    const target = this.pathOf(key);
    await this.ensureDir(dirname(target));
    const temp = tempPathFor(target);
    try {
      const handle = await open(temp, 'wx');
      try {
        await handle.writeFile(body);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, target);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    await syncDir(dirname(target));
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.pathOf(key));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async list(prefix: string): Promise<string[]> {
    assertValidPrefix(prefix);
    const keys: string[] = [];
    // Start at the deepest directory the prefix names in full; the rest of it filters names.
    await this.walk(prefix.slice(0, prefix.lastIndexOf('/') + 1), prefix, keys);
    return keys.sort();
  }

  async delete(key: string): Promise<void> {
    const target = this.pathOf(key);
    try {
      await unlink(target);
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    await syncDir(dirname(target));
  }

  async putFile(key: string, sourcePath: string): Promise<void> {
    const target = this.pathOf(key);
    await this.ensureDir(dirname(target));
    // Whoever wrote the file (DuckDB, a gzip stream) may not have fsynced it; publishing it by
    // rename before its data is on disk could leave an empty object after a crash.
    await syncFile(sourcePath);
    try {
      await rename(sourcePath, target);
      await syncDir(dirname(target));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      await this.copyIn(sourcePath, target);
      await unlink(sourcePath);
    }
  }

  /** The cross-filesystem path of putFile: copy beside the target, then the same rename dance. */
  private async copyIn(sourcePath: string, target: string): Promise<void> {
    const temp = tempPathFor(target);
    try {
      await copyFile(sourcePath, temp, constants.COPYFILE_EXCL);
      await syncFile(temp);
      await rename(temp, target);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    await syncDir(dirname(target));
  }

  private async walk(dirKey: string, prefix: string, out: string[]): Promise<void> {
    let entries;
    try {
      entries = await readdir(join(this.root, ...dirKey.split('/')), { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    for (const entry of entries) {
      if (entry.name.startsWith(TEMP_PREFIX)) continue;
      const key = dirKey + entry.name;
      if (entry.isDirectory()) {
        const inner = `${key}/`;
        if (inner.startsWith(prefix) || prefix.startsWith(inner)) await this.walk(inner, prefix, out);
      } else if (entry.isFile() && key.startsWith(prefix)) {
        out.push(key);
      }
    }
  }

  /** mkdir -p that also makes each new directory's own entry durable, or a synced object could vanish with it. */
  private async ensureDir(dir: string): Promise<void> {
    const first = await mkdir(dir, { recursive: true });
    if (first === undefined) return;
    for (let created = dir; created !== dirname(created); created = dirname(created)) {
      await syncDir(dirname(created));
      if (created === first) break;
    }
  }
}

/** Prefixes follow the key rules, except that they may be empty or end in a partial segment or `/`. */
function assertValidPrefix(prefix: string): void {
  if (prefix === '') return;
  assertValidKey(prefix.endsWith('/') ? `${prefix}x` : prefix);
}

function tempPathFor(target: string): string {
  return join(dirname(target), `${TEMP_PREFIX}${randomUUID()}`);
}

/** ENOTDIR and EISDIR too: a key running through or onto a directory names no object. */
function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes a created, renamed or removed directory entry durable, not just the file's contents. */
const syncDir = syncFile;
