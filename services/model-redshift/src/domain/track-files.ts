import type { DetailOf, ProcessingCompleted } from '@clickstream/contracts';
import type { FileTracker } from '../ports/file-tracker.js';

/**
 * Records every file of a processing run for loading. The run's own file list is used rather than
 * S3 notifications: it names exactly the files of a completed run (never a half-written one), and
 * works the same in embedded mode where there is no S3.
 */
export async function trackRunFiles(files: FileTracker, run: DetailOf<typeof ProcessingCompleted>): Promise<{ recorded: number; known: number }> {
  let recorded = 0;
  for (const f of run.files) {
    if (await files.recordNew({ key: f.key, table: f.table, appId: f.appId, rows: f.rows, jobId: run.jobId })) recorded++;
  }
  return { recorded, known: run.files.length - recorded };
}
