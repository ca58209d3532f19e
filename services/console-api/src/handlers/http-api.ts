// ANY /api/{proxy+} — the console's control-plane and analytics API.
import { badRequest, httpHandler, json } from '@clickstream/lambda-kit';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from 'zod';
import { matchRoute } from '../domain/router.js';
import { routes } from '../domain/routes.js';
import { logger, ports } from '../wiring.js';

export const handler = httpHandler(logger, async (event) => {
  const { route, params } = matchRoute(routes, event.requestContext.http.method.toUpperCase(), event.rawPath);
  const query = route.query ? parseInput('INVALID_QUERY', route.query, event.queryStringParameters ?? {}) : undefined;
  const body = route.body ? parseInput('INVALID_BODY', route.body, jsonBody(event)) : undefined;
  const result = await route.run({ params, query, body }, ports());
  return json(result.status, result.body, result.headers);
});

function jsonBody(event: APIGatewayProxyEventV2): unknown {
  if (!event.body) return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('INVALID_JSON', 'The request body is not valid JSON.');
  }
}

function parseInput<T>(code: string, schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
  throw badRequest(code, issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '), { issues });
}
