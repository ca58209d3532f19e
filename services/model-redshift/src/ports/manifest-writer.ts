/** Writes a COPY manifest naming exactly one load's files, so COPY never picks up anything else. */
export interface ManifestWriter {
  /** Writes `manifests/<table>/<loadId>/<n>.manifest` for each file; returns their URIs in the same order. */
  write(table: string, loadId: string, fileKeys: readonly string[]): Promise<string[]>;
}
