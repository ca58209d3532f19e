import type { DetailOf, ProcessingCompleted } from '@clickstream/contracts';
import type { FileTracker } from '../ports/file-tracker.js';
import type { PipelineTargets } from '../ports/pipeline-targets.js';
import { loadsApp } from './pipeline-targets.js';

/**
 * Records every file of a processing run for loading, except those of apps whose pipeline does not
 * target Redshift. The run's own file list is used rather than S3 notifications: it names exactly
 * the files of a completed run (never a half-written one), and works the same in embedded mode
 * where there is no S3.
 */
export async function trackRunFiles(
  files: FileTracker,
  run: DetailOf<typeof ProcessingCompleted>,
  targets?: PipelineTargets,
): Promise<{ recorded: number; known: number; notTargeted: number }> {
  let recorded = 0;
  let notTargeted = 0;
  const decided = new Map<string, boolean>();
  for (const f of run.files) {
    let loads = decided.get(f.appId);
    if (loads === undefined) {
      loads = targets ? await loadsApp(targets, f.appId) : true;
      decided.set(f.appId, loads);
    }
    if (!loads) {
      notTargeted++;
      continue;
    }
    if (await files.recordNew({ key: f.key, table: f.table, appId: f.appId, rows: f.rows, jobId: run.jobId })) recorded++;
  }
  return { recorded, known: run.files.length - recorded - notTargeted, notTargeted };
}
