import type { DetailOf, PipelineConfigChanged } from '@clickstream/contracts';
import type { AppTarget, PipelineTargets } from '../ports/pipeline-targets.js';

/**
 * Whether an app's files go to Redshift. An app no PipelineConfigChanged.v1 has mentioned yet is
 * loaded: the default pipeline of a fresh install (and `npm start`) shows both paths, and loading
 * an app nobody wanted costs storage, while skipping one somebody wanted loses data silently.
 */
export const DEFAULT_LOADS_REDSHIFT = true;

export async function loadsApp(targets: PipelineTargets, appId: string): Promise<boolean> {
  return (await targets.get(appId))?.redshift ?? DEFAULT_LOADS_REDSHIFT;
}

/** The per-app targets a pipeline config version implies. */
export function targetsOf(change: DetailOf<typeof PipelineConfigChanged>): AppTarget[] {
  const redshift = change.config.model.targets.includes('redshift');
  return change.appIds.map((appId) => ({ appId, projectId: change.projectId, redshift, version: change.version }));
}
