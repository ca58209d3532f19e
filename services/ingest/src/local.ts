// The ingest service in embedded mode: the same handlers, bound to the local engines.
import { trustedProxyList } from '@clickstream/lambda-kit';
import type { EmbeddedEnvironment, LocalService } from '@clickstream/runtime';
import { fileURLToPath } from 'node:url';
import { DurableLogSink } from './adapters/local/durable-log-sink.js';
import { LogToRawFiles } from './adapters/local/log-to-raw-files.js';
import { ObjectStoreAppDirectory } from './adapters/local/object-store-app-directory.js';
import { IngestLimits } from './domain/limits.js';
import { handler as httpCollect } from './handlers/http-collect.js';
import { handler as onAppChanged } from './handlers/on-app-changed.js';
import { useLocalPorts } from './wiring.js';

export interface IngestLocalOptions {
  trustedProxies?: string[];
  /** How often the local "Firehose" rolls the stream into raw files (Firehose's buffer interval). */
  rawRollIntervalMs?: number;
  /**
   * How long the stream keeps records (Kinesis's retention period), hours. Only records already
   * rolled into raw files are ever dropped, so the raw files stay complete; processing that falls
   * further behind than this resumes from the oldest record kept (`npm run reprocess` recovers the
   * rest from the raw files).
   */
  streamRetentionHours?: number;
}

/** A week: a laptop may be closed over a weekend without its stream losing unprocessed records. */
export const DEFAULT_STREAM_RETENTION_HOURS = 168;

export async function startLocal(env: EmbeddedEnvironment, options: IngestLocalOptions = {}): Promise<LocalService> {
  useLocalPorts({
    apps: new ObjectStoreAppDirectory(env.objects),
    sink: new DurableLogSink(env.stream),
    clock: env.clock,
    trustedProxies: trustedProxyList(options.trustedProxies ?? ['127.0.0.1', '::1']),
    maxBodyBytes: IngestLimits.maxBodyBytes,
    maxRecordBytes: IngestLimits.maxBodyBytes * 2,
  });
  const firehose = new LogToRawFiles(env.stream, env.objects);
  let rolling: Promise<unknown> = Promise.resolve();
  const retentionMs = (options.streamRetentionHours ?? DEFAULT_STREAM_RETENTION_HOURS) * 3_600_000;
  const roll = () => {
    rolling = rolling
      .then(async () => {
        await firehose.roll();
        await env.stream.deleteSegmentsOlderThan(new Date(env.clock.now() - retentionMs), await firehose.rolledUpTo());
      })
      .catch((error) => console.error('error: rolling raw files failed', error));
    return rolling;
  };
  let timer: NodeJS.Timeout | undefined;
  return {
    serviceDir: fileURLToPath(new URL('..', import.meta.url)),
    functions: { 'http-collect': httpCollect, 'on-app-changed': onAppChanged },
    start: async () => {
      timer = setInterval(() => void roll(), options.rawRollIntervalMs ?? 60_000);
      timer.unref();
    },
    stop: async () => {
      clearInterval(timer);
      await roll();
    },
  };
}
