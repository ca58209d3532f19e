import type { Clock } from '@clickstream/lambda-kit';
import type { BlockList } from 'node:net';
import type { AppDirectory } from './app-directory.js';
import type { EventSink } from './event-sink.js';

/** Everything the ingest handlers need, wired once per cold start. */
export interface IngestPorts {
  apps: AppDirectory;
  sink: EventSink;
  clock: Clock;
  trustedProxies: BlockList;
  maxBodyBytes: number;
  /** Stream record limit; larger envelopes are split. */
  maxRecordBytes: number;
}
