import type { PipelineConfigStore, StoredPipelineConfig } from '../ports/pipeline-config-store.js';
import { appProcessingFrom, stepsFor, type AppProcessing } from './pipeline/registry.js';

/**
 * Brings the copy of a project's configuration up to date with a PipelineConfigChanged event.
 * Safe to replay and to receive out of order: a version no newer than the stored one changes
 * nothing. A configuration naming a step this service does not have is refused (the event goes to
 * the DLQ) rather than stored, so runs never start failing because of it.
 */
export async function applyPipelineConfig(store: PipelineConfigStore, config: StoredPipelineConfig): Promise<'applied' | 'stale'> {
  stepsFor(appProcessingFrom(config.process));
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await store.get(config.projectId);
    if (current && current.version >= config.version) return 'stale';
    if (await store.put(config, current?.version ?? -1)) return 'applied';
  }
  throw new Error(`pipeline configuration of ${config.projectId}: too many concurrent updates`);
}

/** Each app's `process` configuration (an app named by two projects: the newest change wins). */
export function processConfigsByApp(configs: readonly StoredPipelineConfig[]): Record<string, StoredPipelineConfig['process']> {
  const ordered = [...configs].sort((a, b) => (a.changedAt < b.changedAt ? -1 : a.changedAt > b.changedAt ? 1 : a.projectId < b.projectId ? -1 : 1));
  const apps: Record<string, StoredPipelineConfig['process']> = {};
  for (const c of ordered) for (const appId of c.appIds) apps[appId] = c.process;
  return apps;
}

/** Each app's processing settings from the stored configurations. */
export function appSettingsFrom(configs: readonly StoredPipelineConfig[]): Record<string, AppProcessing> {
  return Object.fromEntries(Object.entries(processConfigsByApp(configs)).map(([app, p]) => [app, appProcessingFrom(p)]));
}
