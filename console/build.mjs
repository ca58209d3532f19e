// Builds the console into dist/, which the embedded runtime serves at `/` (and CloudFront on AWS).
// Code splitting keeps the first screen small: ECharts and the heavier screens are separate chunks
// loaded on demand. Entry names are stable (index.html points at them); chunks carry content hashes.
import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

/** The esbuild options shared by the build and `size.mjs`. */
export const buildOptions = {
  absWorkingDir: here,
  entryPoints: { main: 'src/main.tsx' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2020',
  minify: true,
  jsx: 'automatic',
  outdir: 'dist',
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  assetNames: 'assets/[name]-[hash]',
  legalComments: 'none',
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await rm(`${here}dist`, { recursive: true, force: true });
  await mkdir(`${here}dist`, { recursive: true });
  await build({ ...buildOptions, sourcemap: true });
  await copyFile(`${here}index.html`, `${here}dist/index.html`);
}
