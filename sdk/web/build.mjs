// Builds the SDK: ES modules (full and core), the <script> IIFE (global `clickstream`), type
// declarations, and the demo page the embedded runtime serves at /demo.
import { build } from 'esbuild';
import { cp, mkdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const here = fileURLToPath(new URL('.', import.meta.url));
process.chdir(here);
// es2020 (?? and ?.) runs in every browser since early 2020 and saves the SDK ~10%.
const common = { bundle: true, minify: true, target: 'es2020', logLevel: 'warning', legalComments: 'none' };

await rm('dist', { recursive: true, force: true });
await build({ ...common, entryPoints: { clickstream: 'src/index.ts', core: 'src/core.ts' }, format: 'esm', outdir: 'dist', outExtension: { '.js': '.esm.js' } });
await build({ ...common, entryPoints: ['src/script-tag.ts'], format: 'iife', outfile: 'dist/clickstream.iife.js' });

const program = ts.createProgram(['src/index.ts', 'src/core.ts'], {
  declaration: true,
  emitDeclarationOnly: true,
  outDir: 'dist/types',
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
  types: [],
  strict: true,
  skipLibCheck: true,
});
const emitted = program.emit();
if (emitted.emitSkipped) throw new Error('type declarations were not emitted');

await mkdir('dist/demo', { recursive: true });
await cp('demo', 'dist/demo', { recursive: true });
await cp('dist/clickstream.iife.js', 'dist/demo/clickstream.js');
