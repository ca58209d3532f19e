// CloudFormation custom resource (every deploy) → apply the versioned analysis views in Athena.
// Delete leaves them: they live in the stack's Glue database, which the stack deletes with its tables.
import { customResourceHandler } from '@clickstream/lambda-kit';
import { loadViewFiles } from '../domain/view-files.js';
import { logger, ports } from '../wiring.js';

export const handler = customResourceHandler(logger, {
  apply: async () => {
    const { applied } = await ports().views.apply(loadViewFiles());
    logger.info('views applied', { applied });
    return { Views: applied.length, Names: applied.join(',') };
  },
});
