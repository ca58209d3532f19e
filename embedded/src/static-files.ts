import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
};

// Content-hashed build output: a name never changes content, so browsers may keep it for good.
const IMMUTABLE = /^(chunks|assets)\//;

/**
 * A file from a built front end (console UI, demo page), or undefined. Paths never leave `root`;
 * unknown paths without an extension get index.html so the single-page app can route them.
 */
export async function staticFile(root: string, pathname: string): Promise<{ body: Buffer; type: string; cacheControl: string } | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const rel = normalize(decoded).replace(/^([/\\])+/, '');
  if (rel.split(sep).includes('..')) return undefined;
  for (const candidate of [join(root, rel), ...(extname(rel) === '' ? [join(root, 'index.html')] : [])]) {
    try {
      const s = await stat(candidate);
      if (!s.isFile()) continue;
      const hashed = candidate === join(root, rel) && IMMUTABLE.test(rel.split(sep).join('/'));
      return {
        body: await readFile(candidate),
        type: TYPES[extname(candidate)] ?? 'application/octet-stream',
        // Everything else (index.html, main.js) keeps its name across builds: revalidate each time.
        cacheControl: hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      };
    } catch {
      // try the next candidate
    }
  }
  return undefined;
}
