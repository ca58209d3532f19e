/** Request-level limits from the wire protocol. */
export const IngestLimits = {
  /** Decompressed body cap; gzip inflation stops here (zip bombs). */
  maxBodyBytes: 1024 * 1024,
} as const;
