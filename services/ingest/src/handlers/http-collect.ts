// POST /collect (and its CORS preflight), GET /ping — the SDKs' upload endpoint.
import { httpHandler, json, methodNotAllowed, notFound } from '@clickstream/lambda-kit';
import { collect, requireQuery } from '../domain/collect.js';
import { logger, ports } from '../wiring.js';

export const handler = httpHandler(logger, async (event, context) => {
  const method = event.requestContext.http.method.toUpperCase();
  const path = event.rawPath;
  if (path.endsWith('/ping')) {
    if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed(['GET']);
    return json(200, { ok: true });
  }
  if (!path.endsWith('/collect')) throw notFound();
  if (method !== 'POST' && method !== 'OPTIONS') throw methodNotAllowed(['POST', 'OPTIONS']);

  const p = ports();
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) headers[k.toLowerCase()] = v;
  const result = await collect(
    {
      method,
      query: requireQuery(event.queryStringParameters),
      headers,
      body: event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64') : (event.body ?? ''),
      peerIp: event.requestContext.http.sourceIp,
      requestId: context.awsRequestId,
      receivedAt: p.clock.now(),
    },
    p,
  );
  return { statusCode: result.status, headers: result.headers, body: '' };
});
