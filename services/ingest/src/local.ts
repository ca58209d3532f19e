// The ingest service in embedded mode: the same handlers, bound to the local engines.
import type { EmbeddedEnvironment, LocalService } from '@clickstream/runtime';
import { fileURLToPath } from 'node:url';
import { DurableLogSink } from './adapters/local/durable-log-sink.js';
import { ObjectStoreAppDirectory } from './adapters/local/object-store-app-directory.js';
import { trustedProxyList } from './domain/client-ip.js';
import { IngestLimits } from './domain/limits.js';
import { handler as httpCollect } from './handlers/http-collect.js';
import { handler as onAppChanged } from './handlers/on-app-changed.js';
import { useLocalPorts } from './wiring.js';

export interface IngestLocalOptions {
  trustedProxies?: string[];
}

export async function startLocal(env: EmbeddedEnvironment, options: IngestLocalOptions = {}): Promise<LocalService> {
  useLocalPorts({
    apps: new ObjectStoreAppDirectory(env.objects),
    sink: new DurableLogSink(env.stream),
    clock: env.clock,
    trustedProxies: trustedProxyList(options.trustedProxies ?? ['127.0.0.1', '::1']),
    maxBodyBytes: IngestLimits.maxBodyBytes,
    maxRecordBytes: IngestLimits.maxBodyBytes * 2,
  });
  return {
    serviceDir: fileURLToPath(new URL('..', import.meta.url)),
    functions: { 'http-collect': httpCollect, 'on-app-changed': onAppChanged },
  };
}
