import type { Context } from 'aws-lambda';
import type { Clock, EventPublisher } from '@clickstream/lambda-kit';
import type { DurableLog } from './durable-log/index.js';
import type { FsObjectStore } from './object-store/index.js';
import type { DuckDbWarehouse } from './warehouse/index.js';

/**
 * What the embedded host hands to each service's local entry: the real local engines that stand
 * in for AWS (durable log for Kinesis, files for S3, DuckDB for Athena/Redshift, in-process bus
 * for EventBridge). Services build their local adapters from these and nothing else.
 */
export interface EmbeddedEnvironment {
  dataDir: string;
  /** The stream ingest appends to and processing reads from. */
  stream: DurableLog;
  /** The object store (raw files, manifests, control-plane state). */
  objects: FsObjectStore;
  warehouse: DuckDbWarehouse;
  publisher: EventPublisher;
  clock: Clock;
  /** Where the embedded server listens, e.g. `http://127.0.0.1:8080`. */
  publicUrl: string;
}

/** A function as Lambda would invoke it. */
export type LambdaFunction = (event: never, context: Context) => Promise<unknown>;

/** What a service's `startLocal` returns: its functions by serverless.yml name, plus lifecycle hooks. */
export interface LocalService {
  /** Folder holding the service's serverless.yml (routes, rules and schedules are read from it). */
  serviceDir: string;
  functions: Record<string, LambdaFunction>;
  /** Called once everything is wired and the bus routes; may publish. */
  start?(): Promise<void>;
  /** Called on shutdown before the engines close. */
  stop?(): Promise<void>;
}
