/** The raw stream as processing sees it: positions are opaque, ordered, and stable across restarts. */
export interface RawInput {
  /** Position just past the newest record available now. */
  end(): Promise<number>;
  /** The records in [from, to), as text (one ingest envelope each). */
  read(from: number, to: number): AsyncIterable<string>;
}
