// CloudFormation custom resource (every deploy) → apply pending schema migrations, then the
// reporting views. Delete leaves the schema: dropping warehouse tables is an operator's decision.
import { customResourceHandler } from '@clickstream/lambda-kit';
import { applySchema } from '../domain/migrations.js';
import { loadMigrations, loadViews } from '../domain/sql-files.js';
import { logger, ports } from '../wiring.js';

export const handler = customResourceHandler(logger, {
  apply: async () => {
    const result = await applySchema(ports().statements, loadMigrations(), loadViews());
    logger.info('schema applied', { ...result });
    return { Migrations: result.applied.length, SchemaVersion: result.version, Views: result.views.length };
  },
});
