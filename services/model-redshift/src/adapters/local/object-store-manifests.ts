import type { ObjectStore } from '@clickstream/runtime';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ManifestWriter } from '../../ports/manifest-writer.js';
import { type CopyManifest } from '../../domain/manifest.js';

/**
 * Redshift COPY manifests in the local object store, naming the warehouse files by `file://` URL
 * with their size (Redshift needs `content_length` for Parquet); the DuckDB dialect reads them back
 * to turn COPY into `read_parquet` of exactly those files.
 */
export class ObjectStoreManifests implements ManifestWriter {
  constructor(
    private readonly store: ObjectStore,
    private readonly warehouseRoot: string,
    private readonly prefix = 'model-redshift/manifests/',
  ) {}

  async write(table: string, loadId: string, fileKeys: readonly string[]): Promise<string[]> {
    const uris: string[] = [];
    for (const [i, fileKey] of fileKeys.entries()) {
      const path = join(this.warehouseRoot, fileKey);
      const size = (await stat(path)).size;
      const manifest: CopyManifest = { entries: [{ url: pathToFileURL(path).href, mandatory: true, meta: { content_length: size } }] };
      const key = `${this.prefix}${table}/${loadId}/${i}.manifest`;
      await this.store.put(key, JSON.stringify(manifest));
      uris.push(key);
    }
    return uris;
  }
}
