// ANY /api/{proxy+} — the console's control-plane and analytics API.
import { AppError, badRequest, clientIp as forwardedClientIp, httpHandler, json, type HttpResponse } from '@clickstream/lambda-kit';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from 'zod';
import { authorize, credentialsOf } from '../domain/auth.js';
import { matchRoute } from '../domain/router.js';
import { routes } from '../domain/routes.js';
import { logger, ports } from '../wiring.js';

export const handler = httpHandler(logger, async (event) => {
  const method = event.requestContext.http.method.toUpperCase();
  const { route, params } = matchRoute(routes, method, event.rawPath);
  const p = ports();
  // Who is asking comes before what they ask: an anonymous caller learns nothing from validation errors.
  const principal = await authorize(route.permission, credentialsOf(method, event.headers ?? {}, event.cookies), p.auth, p.clock.now());
  const query = route.query ? parseInput('INVALID_QUERY', route.query, event.queryStringParameters ?? {}) : undefined;
  const body = route.body ? parseInput('INVALID_BODY', route.body, jsonBody(event)) : undefined;
  // Local accounts behind a trusted reverse proxy: the proxy's X-Forwarded-For names the client.
  const trusted = p.auth.mode === 'local' ? p.auth.trustedProxies : undefined;
  const peer = event.requestContext.http.sourceIp || undefined;
  const clientIp = trusted ? forwardedClientIp(peer, event.headers?.['x-forwarded-for'], trusted) : peer;
  const result = await route.run({ params, query, body, principal, secure: forwardedProto(event) === 'https', ...(clientIp ? { clientIp } : {}) }, p);
  // Answers carry sessions, tokens and private settings: no cache may keep them.
  const headers = { 'cache-control': 'no-store', ...result.headers };
  // A string body (CSV export) goes out as it is, with the content type its route set.
  const response: HttpResponse =
    result.status === 204 || result.body === undefined
      ? { statusCode: result.status, headers }
      : typeof result.body === 'string'
        ? { statusCode: result.status, headers, body: result.body }
        : json(result.status, result.body, headers);
  if (result.cookies?.length) response.cookies = result.cookies;
  return response;
});

const forwardedProto = (event: APIGatewayProxyEventV2) => event.headers?.['x-forwarded-proto']?.split(',')[0]?.trim().toLowerCase();

/**
 * JSON only: a cross-site form can post text/plain or form data without a CORS preflight, never
 * application/json, so this also shuts the door on login CSRF.
 */
function jsonBody(event: APIGatewayProxyEventV2): unknown {
  if (!event.body) return undefined;
  const type = event.headers?.['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.');
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
