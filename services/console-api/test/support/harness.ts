// An in-process console API for tests: the real handler, real SQLite stores (in memory), local
// accounts with cheap password hashes, a recording publisher and a settable clock.
import { SqliteSavedExplorations } from '../../src/adapters/local/sqlite-analytics-explorations.js';
import assert from 'node:assert/strict';
import { AppRegistered, type DetailInputOf, type EventContract } from '@clickstream/contracts';
import { validatedDetail, type EventPublisher, type HttpResponse, trustedProxyList } from '@clickstream/lambda-kit';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { SqliteAccountStore } from '../../src/adapters/local/sqlite-accounts.js';
import { SqliteAppStore, SqliteMetadataStore, SqlitePipelineConfigStore, SqliteProjectStore } from '../../src/adapters/local/sqlite-control-plane.js';
import { openConsoleDatabase, type SqliteDatabase } from '../../src/adapters/local/sqlite-database.js';
import { SqliteHealthStore } from '../../src/adapters/local/sqlite-health.js';
import { SqliteOutbox } from '../../src/adapters/local/sqlite-outbox.js';
import { SqliteSignInAttemptStore } from '../../src/adapters/local/sqlite-sign-in-attempts.js';
import { CSRF_HEADER, SESSION_COOKIE } from '../../src/domain/auth.js';
import { appSettingsOf, type ConsoleApp } from '../../src/domain/model.js';
import { appAggregate, outboxMessage } from '../../src/domain/outbox.js';
import { hashPassword, type ScryptCost } from '../../src/domain/passwords.js';
import type { Role } from '../../src/domain/roles.js';
import { handler } from '../../src/handlers/http-api.js';
import type { AnalyticsQueries, BadRowCount, BadRowSample, DiscoveredMetadata } from '../../src/ports/analytics.js';
import type { AuthSetup, ConsoleApiPorts } from '../../src/ports/index.js';
import type { OutboxMessage } from '../../src/ports/outbox.js';
import { useLocalPorts } from '../../src/wiring.js';

export const REQUEST_ID = 'c0ffee00-0000-4000-8000-000000000001';
/** Fast hashes: tests create many users; production uses defaultScryptCost. */
export const cheapCost: ScryptCost = { N: 1024, r: 8, p: 1 };
export const PASSWORD = 'correct horse battery';

/** Validates like the real adapters, then records. */
export class RecordingPublisher implements EventPublisher {
  readonly published: { detailType: string; detail: Record<string, unknown> }[] = [];
  failure: Error | undefined;
  async publish<C extends EventContract>(contract: C, detail: DetailInputOf<C>): Promise<void> {
    if (this.failure) throw this.failure;
    this.published.push({ detailType: contract.detailType, detail: validatedDetail(contract, detail) as Record<string, unknown> });
  }
  ofType(detailType: string) {
    return this.published.filter((p) => p.detailType === detailType).map((p) => p.detail);
  }
}

/** Answers event counts, metadata and bad-row counts from fixed data; records what it was asked. */
export class FakeAnalytics implements AnalyticsQueries {
  readonly asked: string[] = [];
  failure: Error | undefined;
  invalidations = 0;
  metadata: DiscoveredMetadata = { events: [], attributes: [] };
  badRows: BadRowCount[] = [];
  constructor(private readonly counts: Record<string, number> = {}) {}
  async eventCount(appId: string) {
    this.asked.push(appId);
    if (this.failure) throw this.failure;
    return this.counts[appId] ?? 0;
  }
  async discoverMetadata(appId: string) {
    this.asked.push(appId);
    return this.metadata;
  }
  async badRowsByReason(appId: string) {
    this.asked.push(appId);
    return this.badRows;
  }
  async badRowSamples(): Promise<BadRowSample[]> {
    return [];
  }
  async dashboard(): Promise<never> {
    throw new Error('dashboards are not part of this fake');
  }
  async explore(): Promise<never> {
    throw new Error('explorations are not part of this fake');
  }
  invalidate() {
    this.invalidations++;
  }
}

export function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'console-api-http-api',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:console-api-http-api',
    memoryLimitInMB: '256',
    awsRequestId: REQUEST_ID,
    logGroupName: '/aws/lambda/console-api-http-api',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export interface CallOptions {
  body?: unknown;
  /** Raw body text (sent as is). */
  rawBody?: string;
  headers?: Record<string, string>;
  cookies?: string[];
  query?: Record<string, string>;
  /** The client address API Gateway reports (default 203.0.113.9). */
  sourceIp?: string;
}

/** An API Gateway HTTP API (payload 2.0) request; rawPath is as sent, still %-encoded. */
export function apiRequest(method: string, rawPath: string, o: CallOptions = {}): APIGatewayProxyEventV2 {
  const text = o.rawBody ?? (o.body === undefined ? undefined : JSON.stringify(o.body));
  return {
    version: '2.0',
    routeKey: 'ANY /api/{proxy+}',
    rawPath,
    rawQueryString: new URLSearchParams(o.query ?? {}).toString(),
    headers: {
      host: 'console.example.com',
      accept: 'application/json',
      ...(text !== undefined ? { 'content-type': 'application/json' } : {}),
      ...o.headers,
    },
    ...(o.cookies?.length ? { cookies: o.cookies } : {}),
    ...(o.query ? { queryStringParameters: o.query } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'api',
      domainName: 'console.example.com',
      domainPrefix: 'console',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: o.sourceIp ?? '203.0.113.9', userAgent: 'test' },
      requestId: 'apigw-request',
      routeKey: 'ANY /api/{proxy+}',
      stage: '$default',
      time: '29/Nov/2026:10:00:00 +0000',
      timeEpoch: Date.UTC(2026, 10, 29, 10),
    },
    ...(text !== undefined ? { body: text } : {}),
    isBase64Encoded: false,
  };
}

export interface ApiResponse {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON answers
  body: any;
  raw: HttpResponse;
}

export async function call(method: string, path: string, o: CallOptions = {}): Promise<ApiResponse> {
  const raw = await handler(apiRequest(method, path, o), lambdaContext());
  const status = raw.statusCode!;
  if (status !== 204) assert.match(String(raw.headers?.['content-type']), /^application\/json/, `${method} ${path} answers JSON`);
  return { status, body: raw.body ? JSON.parse(String(raw.body)) : undefined, raw };
}

export function assertError(res: ApiResponse, status: number, code: string) {
  assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status} ${JSON.stringify(res.body)}`);
  const error = res.body.error as Record<string, unknown>;
  assert.equal(error.code, code);
  assert.equal(typeof error.message, 'string');
  assert.equal(error.requestId, REQUEST_ID, 'the error quotes the request id');
  return error;
}

/** A signed-in browser: its cookie and CSRF token go with every call. */
export interface Session {
  username: string;
  cookie: string;
  csrfToken: string;
  call(method: string, path: string, o?: CallOptions): Promise<ApiResponse>;
}

export function sessionCookieOf(res: ApiResponse): string {
  const set = res.raw.cookies?.find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  assert.ok(set, 'a session cookie is set');
  return set.split(';')[0]!;
}

export interface Harness {
  db: SqliteDatabase;
  ports: ConsoleApiPorts;
  publisher: RecordingPublisher;
  analytics: FakeAnalytics;
  accounts: SqliteAccountStore;
  now: { value: number };
  addUser(username: string, role: Role, password?: string): Promise<void>;
  /** Stores an app as createApp would (with its outbox message), without publishing. */
  seedApp(app: ConsoleApp): Promise<void>;
  signIn(username: string, password?: string): Promise<Session>;
  close(): void;
}

export const T0 = Date.UTC(2026, 10, 29, 10, 0, 0);

/** The AppRegistered.v1 outbox message of an app, for tests that store apps directly. */
export function registeredEvent(app: ConsoleApp): OutboxMessage {
  return outboxMessage(AppRegistered, { ...appSettingsOf(app), registeredAt: app.createdAt }, { aggregate: appAggregate(app.appId), seq: app.revision, createdAt: app.createdAt });
}

/** Wires the handler to fresh in-memory stores. `auth` overrides local accounts (e.g. OIDC). */
export function harness(options: { auth?: AuthSetup; counts?: Record<string, number>; trustedProxies?: string[] } = {}): Harness {
  const db = openConsoleDatabase(':memory:');
  const publisher = new RecordingPublisher();
  const analytics = new FakeAnalytics(options.counts);
  const accounts = new SqliteAccountStore(db);
  const now = { value: T0 };
  const ports: ConsoleApiPorts = {
    projects: new SqliteProjectStore(db),
    apps: new SqliteAppStore(db),
    pipelines: new SqlitePipelineConfigStore(db),
    metadata: new SqliteMetadataStore(db),
    analytics,
    savedExplorations: new SqliteSavedExplorations(db),
    health: new SqliteHealthStore(db),
    outbox: new SqliteOutbox(db),
    publisher,
    clock: { now: () => now.value },
    auth: options.auth ?? {
      mode: 'local',
      accounts,
      signInAttempts: new SqliteSignInAttemptStore(db),
      ...(options.trustedProxies ? { trustedProxies: trustedProxyList(options.trustedProxies) } : {}),
    },
  };
  useLocalPorts(ports);
  const h: Harness = {
    db,
    ports,
    publisher,
    analytics,
    accounts,
    now,
    async addUser(username, role, password = PASSWORD) {
      const at = new Date(now.value).toISOString();
      await accounts.createUser({ username, role, disabled: false, passwordHash: await hashPassword(password, cheapCost), createdAt: at, updatedAt: at });
    },
    async seedApp(app) {
      assert.ok(await h.ports.apps.create(app, registeredEvent(app)), `app ${app.appId} stored`);
    },
    async signIn(username, password = PASSWORD) {
      const res = await call('POST', '/api/auth/sign-in', { body: { username, password } });
      assert.equal(res.status, 200, `sign-in of ${username}: ${JSON.stringify(res.body)}`);
      const cookie = sessionCookieOf(res);
      const csrfToken = String(res.body.csrfToken);
      return {
        username,
        cookie,
        csrfToken,
        call: (method, path, o = {}) =>
          call(method, path, { ...o, cookies: [cookie, ...(o.cookies ?? [])], headers: { [CSRF_HEADER]: csrfToken, ...o.headers } }),
      };
    },
    close: () => db.close(),
  };
  return h;
}
