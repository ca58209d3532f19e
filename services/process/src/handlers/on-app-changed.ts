// AppRegistered / AppUpdated / AppDeleted from console-api → the process service's copy of each app's data retention.
import { AppDeleted, AppRegistered, AppUpdated } from '@clickstream/contracts';
import { eventHandler } from '@clickstream/lambda-kit';
import { applyAppChange } from '../domain/retention.js';
import { retentionPorts } from '../retention-wiring.js';
import { logger } from '../wiring.js';

export const handler = eventHandler(logger, [AppRegistered, AppUpdated, AppDeleted], async (delivery) => {
  const { retention } = retentionPorts();
  const change =
    delivery.detailType === 'AppDeleted.v1'
      ? { kind: 'delete' as const, appId: delivery.detail.appId, revision: delivery.detail.revision }
      : { kind: 'upsert' as const, appId: delivery.detail.appId, revision: delivery.detail.revision, retentionDays: delivery.detail.retentionDays };
  const outcome = await applyAppChange(retention, change);
  logger.info('app retention', { appId: change.appId, revision: change.revision, outcome });
});
