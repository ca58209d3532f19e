// ProcessingCompleted.v1 → record each written file as NEW (apps whose pipeline targets Redshift),
// then start a load of every table that got new files.
import { ProcessingCompleted } from '@clickstream/contracts';
import { eventHandler } from '@clickstream/lambda-kit';
import { startLoads } from '../domain/start-loads.js';
import { trackRunFiles } from '../domain/track-files.js';
import { logger, ports } from '../wiring.js';

export const handler = eventHandler(logger, [ProcessingCompleted], async ({ detail }) => {
  const p = ports();
  const result = await trackRunFiles(p.files, detail, p.targets);
  logger.info('files tracked', { jobId: detail.jobId, ...result });
  // A replay records nothing and starts nothing; the schedule picks up whatever is left.
  if (result.recorded === 0) return;
  const tables = [...new Set(detail.files.map((f) => f.table))];
  const started = await startLoads(p, tables, `ProcessingCompleted ${detail.jobId}`);
  logger.info('loads triggered', { ...started });
});
