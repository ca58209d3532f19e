import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { apiGatewayEvent } from './api-gateway-event.js';
import { findRoute, type HttpRoute, type RouteMatch } from './http-routes.js';
import { lambdaContext } from './lambda-context.js';
import { staticFile } from './static-files.js';

type HttpFunction = (event: never, context: Context) => Promise<unknown>;

export interface StaticMount {
  /** `/` or a path without a trailing slash, such as `/demo`. */
  prefix: string;
  root: string;
}

/** The mount that owns a path, and the path inside it. */
function mountFor(mounts: readonly StaticMount[], pathname: string): { root: string; path: string } | undefined {
  for (const { prefix, root } of mounts) {
    if (prefix === '/') return { root, path: pathname };
    if (pathname === prefix || pathname.startsWith(`${prefix}/`)) return { root, path: pathname.slice(prefix.length) || '/' };
  }
  return undefined;
}

export interface HttpServerOptions {
  routes: readonly HttpRoute[];
  /** Functions by `service.function`. */
  functions: ReadonlyMap<string, HttpFunction>;
  /**
   * Built front ends for GET/HEAD requests no route claims, by URL prefix; the first match serves
   * (list longer prefixes first: `/demo` before the console at `/`).
   */
  staticMounts?: readonly StaticMount[];
  /** Bodies larger than this are refused before they are read in full. */
  maxBodyBytes: number;
  onError: (message: string, error: unknown) => void;
}

class BodyTooLarge extends Error {}
/** The client went away mid-upload: nothing to answer, nothing to log. */
class ClientGone extends Error {}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

const errorBody = (code: string, message: string, requestId: string) => ({ error: { code, message, requestId } });

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > max) return reject(new BodyTooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.removeAllListeners('data');
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', () => reject(new ClientGone()));
    req.on('aborted', () => reject(new ClientGone()));
  });
}

/**
 * The one port of the embedded runtime: routes exactly what the services' serverless.yml declare
 * (as API Gateway would) to their handlers, and serves the console for the rest. Every failure is
 * a JSON error with a request id; nothing a client sends can crash the process.
 */
export function createRequestListener(options: HttpServerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  // Matching every route's pattern per request showed in ingest profiles; uploads hit few paths.
  const matches = new Map<string, RouteMatch>();
  const routeFor = (method: string, path: string): RouteMatch => {
    const key = `${method} ${path}`;
    let match = matches.get(key);
    if (!match) {
      match = findRoute(options.routes, method, path);
      if (matches.size >= 1_000) matches.clear();
      matches.set(key, match);
    }
    return match;
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const method = (req.method ?? 'GET').toUpperCase();
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://embedded.local');
    } catch {
      return sendJson(res, 400, errorBody('BAD_URL', 'Malformed request URL.', requestId));
    }
    const match = routeFor(method, url.pathname);
    if (match.kind === 'wrong-method') {
      req.resume();
      return sendJson(res, 405, errorBody('METHOD_NOT_ALLOWED', `Use ${match.allowed.join(', ')}.`, requestId), {
        allow: match.allowed.join(', '),
      });
    }
    if (match.kind === 'none') {
      req.resume();
      const mount = mountFor(options.staticMounts ?? [], url.pathname);
      if ((method === 'GET' || method === 'HEAD') && mount && !url.pathname.startsWith('/api/')) {
        const file = await staticFile(mount.root, mount.path);
        if (file) {
          res.writeHead(200, {
            'content-type': file.type,
            'content-length': file.body.length,
            'cache-control': file.cacheControl,
            'x-content-type-options': 'nosniff',
          });
          res.end(method === 'HEAD' ? undefined : file.body);
          return;
        }
      }
      return sendJson(res, 404, errorBody('NOT_FOUND', `No route for ${method} ${url.pathname}.`, requestId));
    }

    let body: Buffer;
    try {
      body = await readBody(req, options.maxBodyBytes);
    } catch (error) {
      if (error instanceof ClientGone) {
        res.destroy();
        return;
      }
      if (error instanceof BodyTooLarge) {
        sendJson(res, 413, errorBody('PAYLOAD_TOO_LARGE', `Body exceeds ${options.maxBodyBytes} bytes.`, requestId), {
          connection: 'close',
        });
        req.destroy();
        return;
      }
      throw error;
    }

    const { route } = match;
    const fn = options.functions.get(`${route.service}.${route.functionName}`);
    if (!fn) throw new Error(`no function ${route.service}.${route.functionName}`);
    const event = apiGatewayEvent(req, url, body, `${route.method} ${route.path}`, requestId, Date.now());
    const result = (await fn(event as never, lambdaContext(`${route.service}-${route.functionName}`, 30_000, requestId))) as
      | APIGatewayProxyStructuredResultV2
      | undefined;
    const status = result?.statusCode ?? 200;
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(result?.headers ?? {})) headers[k] = String(v);
    if (result?.cookies?.length) headers['set-cookie'] = result.cookies;
    const payload = result?.body === undefined ? Buffer.alloc(0) : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
    headers['content-length'] = String(payload.length);
    headers['x-request-id'] = requestId;
    res.writeHead(status, headers);
    res.end(method === 'HEAD' ? undefined : payload);
  }

  return (req, res) => {
    handle(req, res).catch((error) => {
      options.onError('request failed', error);
      sendJson(res, 500, errorBody('INTERNAL', 'Internal error.', 'unknown'));
    });
  };
}

/** The server, with limits so slow or stalled uploads are cut off instead of holding a connection. */
export function createEmbeddedServer(): Server {
  const server = createServer();
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  return server;
}
