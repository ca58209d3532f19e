// AppRegistered / AppUpdated / AppDeleted from console-api → ingest's own copy of the app.
import { AppDeleted, AppRegistered, AppUpdated } from '@clickstream/contracts';
import { eventHandler } from '@clickstream/lambda-kit';
import { updateAppCopy } from '../domain/update-app-copy.js';
import { logger, ports } from '../wiring.js';

export const handler = eventHandler(logger, [AppRegistered, AppUpdated, AppDeleted], async (delivery) => {
  const change =
    delivery.detailType === 'AppDeleted.v1'
      ? { kind: 'delete' as const, appId: delivery.detail.appId, revision: delivery.detail.revision }
      : { kind: 'upsert' as const, app: delivery.detail };
  const outcome = await updateAppCopy(ports().apps, change);
  logger.info('app copy updated', { appId: delivery.detail.appId, outcome });
});
