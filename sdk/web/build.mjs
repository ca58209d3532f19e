// Builds the SDK as an ES module and as a <script> IIFE (global `clickstream`).
import { build } from 'esbuild';

const common = { entryPoints: ['src/index.ts'], bundle: true, minify: true, target: 'es2019', logLevel: 'warning' };
await build({ ...common, format: 'esm', outfile: 'dist/clickstream.esm.js' });
await build({ ...common, format: 'iife', globalName: 'clickstream', outfile: 'dist/clickstream.iife.js' });
