import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { AppError } from './errors.js';
import type { Logger } from './logger.js';

export type HttpRequest = APIGatewayProxyEventV2;
export type HttpResponse = APIGatewayProxyStructuredResultV2;
export type HttpFunction = (request: HttpRequest, context: Context) => Promise<HttpResponse>;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

/** The JSON error body every HTTP route returns: stable code, human message, request id to quote. */
export function errorBody(code: string, message: string, requestId: string, details?: unknown) {
  return { error: { code, message, requestId, ...(details === undefined ? {} : { details }) } };
}

/**
 * Maps any thrown error to a JSON response. AppErrors show their message; anything else is a 500
 * whose cause goes to the log only — never a stack trace to the client.
 */
export function httpErrors(logger: Logger): middy.MiddlewareObj<HttpRequest, HttpResponse> {
  return {
    onError: async (request) => {
      const err = request.error;
      const requestId = request.context.awsRequestId;
      if (err instanceof AppError) {
        if (err.status >= 500) logger.error('request failed', { code: err.code, error: err, cause: err.cause });
        else logger.info('request rejected', { code: err.code, status: err.status, reason: err.message });
        request.response = json(err.status, errorBody(err.code, err.message, requestId, err.details), { ...err.headers });
      } else {
        logger.error('unhandled error', { error: err });
        request.response = json(500, errorBody('INTERNAL', 'Internal error; quote the request id when reporting it.', requestId));
      }
    },
  };
}

/** The one middy stack every HTTP handler uses: logger context, then error mapping. */
export function httpHandler(logger: Logger, fn: HttpFunction) {
  return middy<HttpRequest, HttpResponse>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(httpErrors(logger))
    .handler(fn);
}
