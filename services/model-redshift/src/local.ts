// The model-redshift service in embedded mode: file tracking in the local object store.
import type { EmbeddedEnvironment, LocalService } from '@clickstream/runtime';
import { fileURLToPath } from 'node:url';
import { ObjectStoreFileTracker } from './adapters/local/object-store-file-tracker.js';
import { handler as onProcessingCompleted } from './handlers/on-processing-completed.js';
import { handler as scheduleStartLoad } from './handlers/schedule-start-load.js';
import { useLocalPorts } from './wiring.js';

export async function startLocal(env: EmbeddedEnvironment): Promise<LocalService> {
  useLocalPorts({ files: new ObjectStoreFileTracker(env.objects), clock: env.clock });
  return {
    serviceDir: fileURLToPath(new URL('..', import.meta.url)),
    functions: { 'on-processing-completed': onProcessingCompleted, 'schedule-start-load': scheduleStartLoad },
  };
}
