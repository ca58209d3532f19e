// Builds the console into dist/, which the embedded runtime serves at `/`.
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';

await mkdir('dist', { recursive: true });
await build({
  entryPoints: ['src/main.ts'],
  bundle: true,
  minify: true,
  sourcemap: true,
  target: 'es2020',
  format: 'esm',
  outfile: 'dist/main.js',
  logLevel: 'warning',
});
await copyFile('index.html', 'dist/index.html');
