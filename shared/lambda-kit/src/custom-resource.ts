import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import type { Logger } from './logger.js';

/** What a deploy-time step returns: data other resources may `Fn::GetAtt`. */
export type CustomResourceData = Record<string, string | number | boolean>;

export interface CustomResourceSteps {
  /** Create and Update: apply the desired state (must be idempotent; CloudFormation may retry). */
  apply: (properties: Record<string, unknown>, event: CloudFormationCustomResourceEvent) => Promise<CustomResourceData | void>;
  /** Delete: undo, or nothing. Absent means deletion leaves what was applied (the stack's own resources go with it). */
  remove?: (properties: Record<string, unknown>, event: CloudFormationCustomResourceEvent) => Promise<void>;
}

/** Sends the response CloudFormation waits for; swappable in tests. */
export type ResponseSender = (url: string, body: string) => Promise<void>;

const putResponse: ResponseSender = async (url, body) => {
  // The pre-signed S3 URL was signed without a content type, so none may be sent.
  const response = await fetch(url, { method: 'PUT', body, headers: { 'content-type': '' } });
  if (!response.ok) throw new Error(`CloudFormation response upload failed: HTTP ${response.status}`);
};

/**
 * The wrapper for Lambda-backed custom resources (deploy-time steps such as applying views or
 * migrations). It ALWAYS answers CloudFormation — SUCCESS with the step's data, or FAILED with the
 * error message — because an unanswered custom resource holds the stack for an hour.
 */
export function customResourceHandler(logger: Logger, steps: CustomResourceSteps, send: ResponseSender = putResponse) {
  return middy<CloudFormationCustomResourceEvent, void>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event, context: Context) => {
      logger.appendKeys({ requestType: event.RequestType, logicalResourceId: event.LogicalResourceId });
      const { ServiceToken: _token, ...properties } = event.ResourceProperties;
      const physicalResourceId =
        event.RequestType === 'Create' ? `${event.LogicalResourceId}-${event.StackId.split('/').at(-1) ?? 'stack'}` : event.PhysicalResourceId;
      let status: 'SUCCESS' | 'FAILED' = 'SUCCESS';
      let reason = `See CloudWatch log stream ${context.logStreamName}`;
      let data: CustomResourceData | undefined;
      try {
        if (event.RequestType === 'Delete') await steps.remove?.(properties, event);
        else data = (await steps.apply(properties, event)) ?? undefined;
        logger.info('custom resource step done');
      } catch (error) {
        status = 'FAILED';
        // CloudFormation shows the reason in the stack events; it must stay under 4 KB with the rest.
        reason = (error instanceof Error ? error.message : String(error)).slice(0, 2000);
        logger.error('custom resource step failed', { error });
      }
      const body = JSON.stringify({
        Status: status,
        Reason: reason,
        PhysicalResourceId: physicalResourceId,
        StackId: event.StackId,
        RequestId: event.RequestId,
        LogicalResourceId: event.LogicalResourceId,
        ...(data ? { Data: data } : {}),
      });
      await send(event.ResponseURL, body);
    });
}
