import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The shard worker as one JavaScript file, bundled from its TypeScript source once per process
 * (esbuild, ~0.3 s) — why: a worker that loads the TypeScript through tsx spends about a second
 * of CPU per job compiling, and tsx's output wraps every closure in a name-keeping helper that
 * hot loops pay for. The bundle is named by its content hash, so it can never be stale: a
 * changed source gives a new file, and processes that share the folder never overwrite each
 * other's. Undefined when bundling is not possible (esbuild missing, no writable folder): the
 * caller then loads the source through tsx as before.
 */
export async function shardWorkerBundle(source: URL): Promise<URL | undefined> {
  const key = source.href;
  let bundle = bundles.get(key);
  if (!bundle) {
    bundle = build(source).catch(() => undefined);
    bundles.set(key, bundle);
  }
  const url = await bundle;
  // Another process may have removed it as stale since (this process idle for a day): build it again.
  if (url && !exists(fileURLToPath(url))) {
    bundles.delete(key);
    return shardWorkerBundle(source);
  }
  return url;
}

const bundles = new Map<string, Promise<URL | undefined>>();

/** Bundles older than this, of other content, are removed when a new one is written (a running job already loaded its own). */
const STALE_MS = 24 * 3600_000;

async function build(source: URL): Promise<URL | undefined> {
  // Not a dependency of the service at run time: esbuild comes with the development install that runs TypeScript.
  const esbuild = await import('esbuild');
  const sourceFile = fileURLToPath(source);
  const result = await esbuild.build({
    entryPoints: [sourceFile],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minifySyntax: true,
    logLevel: 'silent',
    // CommonJS dependencies inside an ES module bundle need a `require` for Node's built-ins.
    banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
  });
  const code = result.outputFiles[0]!.contents;
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  // Beside the source's service (dist/ is ignored by git) so that import.meta.url still resolves its
  // packages; the system's temporary folder when that is read-only.
  for (const dir of [fileURLToPath(new URL('../../../dist/', source)), join(tmpdir(), 'clickstream-process')]) {
    const file = join(dir, `shard-worker-${hash}.mjs`);
    try {
      mkdirSync(dir, { recursive: true });
      if (exists(file)) {
        // In use again: not stale for other processes' clean-ups.
        const now = new Date();
        utimesSync(file, now, now);
      } else {
        const partial = `${file}.${process.pid}.tmp`;
        writeFileSync(partial, code);
        renameSync(partial, file);
        removeStale(dir, file);
      }
      return pathToFileURL(file);
    } catch {
      // try the next folder
    }
  }
  return undefined;
}

function exists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch {
    return false;
  }
}

function removeStale(dir: string, keep: string): void {
  const now = Date.now();
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    if (file === keep || !/^shard-worker-[0-9a-f]{16}\.mjs/.test(name)) continue;
    try {
      if (now - statSync(file).mtimeMs > STALE_MS) rmSync(file, { force: true });
    } catch {
      // removed by another process meanwhile
    }
  }
}
