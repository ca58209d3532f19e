import { AppId, type RawEnvelopeHeader } from '@clickstream/contracts';
import { AppError, badRequest, clientIp, forbidden, serviceUnavailable } from '@clickstream/lambda-kit';
import type { BlockList } from 'node:net';
import { activeApp, type AppDirectory } from '../ports/app-directory.js';
import type { EventSink } from '../ports/event-sink.js';
import { corsHeaders, preflightHeaders } from './cors.js';
import { assertJsonBatch, decodeBody } from './decode-body.js';
import { envelopeRecords } from './envelope-records.js';

/** One upload, as the edge (API Gateway or the embedded server) saw it. */
export interface CollectRequest {
  method: string;
  query: Record<string, string>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Bytes, or the text API Gateway decoded (not base64-encoded). */
  body: Buffer | string;
  peerIp: string | undefined;
  requestId: string;
  receivedAt: number;
}

export interface CollectResponse {
  status: number;
  headers: Record<string, string>;
}

export interface CollectDeps {
  apps: AppDirectory;
  sink: EventSink;
  trustedProxies: BlockList;
  maxBodyBytes: number;
  maxRecordBytes: number;
}

/** Accepts an upload: checks it at request level, makes it durable, and only then says 200. */
export async function collect(request: CollectRequest, deps: CollectDeps): Promise<CollectResponse> {
  const appId = request.query.appId;
  if (!appId) throw badRequest('MISSING_APP_ID', 'Query parameter appId is required.');
  // An id no app can have is unknown without asking the directory (where `../x` or a 3 KB key would fail as a 500).
  const app = AppId.safeParse(appId).success ? activeApp(await deps.apps.get(appId)) : undefined;
  if (!app || !app.enabled) throw forbidden('UNKNOWN_APP', `App "${appId}" is not registered or is disabled.`);

  const origin = request.headers.origin;
  const cors = corsHeaders(origin, app);
  if (origin && !cors) throw forbidden('ORIGIN_NOT_ALLOWED', `Origin ${origin} is not allowed for app "${appId}".`);
  if (request.method === 'OPTIONS') return { status: 204, headers: preflightHeaders(cors ?? {}) };
  try {
    await accept(request, deps, appId);
  } catch (error) {
    // A browser shows the page no error body it may not read: allowed origins get the reason too.
    throw error instanceof AppError && cors ? error.withHeaders(cors) : error;
  }
  return { status: 200, headers: cors ?? {} };
}

/** Checks the body and makes it durable; resolves only once the sink holds it. */
async function accept(request: CollectRequest, deps: CollectDeps, appId: string): Promise<void> {
  const body = decodeBody(request.body, {
    gzip: request.query.compression === 'gzip',
    hashCode: request.query.hashCode,
    maxBytes: deps.maxBodyBytes,
  });
  assertJsonBatch(body);

  const header: RawEnvelopeHeader = {
    requestId: request.requestId,
    ingestTime: request.receivedAt,
    appId,
    platform: request.query.platform?.slice(0, 64),
    clientIp: clientIp(request.peerIp, request.headers['x-forwarded-for'], deps.trustedProxies),
    userAgent: request.headers['user-agent']?.slice(0, 2048),
    query: request.query,
  };
  const records = envelopeRecords(header, body, deps.maxRecordBytes);
  try {
    await deps.sink.put(records);
  } catch (error) {
    throw serviceUnavailable('SINK_UNAVAILABLE', 'Events could not be stored; retry later.', error);
  }
}

export function requireQuery(query: Record<string, string | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) out[k] = v;
  return out;
}
