// The console API's resources as the browser sees them. Written by hand (the server's zod schemas
// stay out of the bundle); test/api-contract.test.ts checks these against the server's schemas.

export type Role = 'Admin' | 'Operator' | 'Analyst' | 'AnalystReader';
export const ROLES: readonly Role[] = ['Admin', 'Operator', 'Analyst', 'AnalystReader'];

export type Permission =
  | 'apps:read'
  | 'apps:write'
  | 'pipeline:read'
  | 'pipeline:write'
  | 'health:read'
  | 'analytics:read'
  | 'analytics:write'
  | 'metadata:write'
  | 'users:manage';

export interface Principal {
  subject: string;
  name?: string;
  roles: string[];
  /** When the API lists them, they win over the console's own role table. */
  permissions?: Permission[];
}

/** `GET /api/auth/me` and `POST /api/auth/sign-in`. */
export interface Me extends Principal {
  via: 'session' | 'bearer';
  /** Cookie sessions: echo it in the CSRF header on state-changing requests. */
  csrfToken?: string;
  expiresAt?: string;
}

export interface AuthConfig {
  mode: 'local' | 'oidc' | 'unconfigured';
  issuer?: string;
  clientId?: string;
  csrfHeader: string;
  sessionCookie?: string;
}

export interface Project {
  projectId: string;
  name: string;
  description: string;
  createdAt: string;
  updatedAt: string;
  revision: number;
}

export const PLATFORMS = ['Web', 'Android', 'iOS', 'Flutter', 'ReactNative', 'WeChatMiniProgram', 'Server', 'Other'] as const;
export type Platform = (typeof PLATFORMS)[number];

export interface App {
  appId: string;
  projectId: string;
  name: string;
  platform: string;
  enabled: boolean;
  allowedOrigins: string[];
  timezone: string;
  /** Days of processed data kept (0 = forever). */
  retentionDays: number;
  revision: number;
  createdAt: string;
  updatedAt: string;
}

export interface NewApp {
  appId?: string;
  name: string;
  platform: Platform;
  enabled?: boolean;
  allowedOrigins: string[];
  timezone: string;
  retentionDays?: number;
}

export interface PipelineConfig {
  ingest: { sink: 'kinesis' | 'firehose' };
  process: {
    intervalSeconds: number;
    sessionTimeoutMinutes: number;
    lateEventWindowHours: number;
    anonymiseIp: boolean;
    enrichers: string[];
    plugins: { name: string; options: Record<string, unknown> }[];
  };
  model: {
    targets: ('athena' | 'redshift')[];
    redshiftLoadIntervalMinutes: number;
  };
}

/** A project's pipeline at one version (0 = the defaults, never saved). */
export interface PipelineVersion {
  projectId: string;
  version: number;
  config: PipelineConfig;
  changedBy: string | null;
  changedAt: string | null;
  comment: string | null;
}

export interface PipelineVersionSummary {
  version: number;
  changedBy: string;
  changedAt: string;
  comment?: string;
}

export interface PipelineChange {
  path: string;
  op: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

export interface Alarm {
  code: 'PROCESSING_FAILING' | 'NOT_QUERYABLE' | 'DATA_STALE' | 'BAD_ROW_RATE' | 'REDSHIFT_LOAD_FAILING' | (string & {});
  severity: 'critical' | 'warning';
  message: string;
  since?: string;
}

/** One app's pipeline health, as the API judges it. */
export interface AppHealth {
  appId: string;
  enabled: boolean;
  /** Events processed in the last hour, per minute (processing input counts). */
  ingest: { windowMinutes: number; events: number; badRows: number; eventsPerMinute: number };
  last24h: { runs: number; events: number; badRows: number };
  lastRun: { jobId: string; startedAt: string; completedAt: string } | null;
  /** `seconds`: now − arrival time of the newest queryable event. */
  freshness: { newestQueryableBefore: string | null; queryableAt: string | null; seconds: number | null };
  failedLoads: { loadId: string; table: string; attempt: number; error: { code: string; message: string }; failedAt: string }[];
  /** The app's last retention run; absent from an API older than the console (deployed apart on AWS). */
  lastRetention?: RetentionRun | null;
  alarms: Alarm[];
}

/** What a retention run removed from one app: day partitions before `cutoff`, per warehouse table. */
export interface RetentionRun {
  at: string;
  cutoff: string;
  retentionDays: number;
  partitions: number;
  tables: { table: string; partitions: number; oldestDay: string; newestDay: string }[];
}

/** A local account (`/api/users`, embedded mode without OIDC); never its password hash. */
export interface LocalUser {
  username: string;
  role: Role;
  disabled: boolean;
  permissions: string[];
  createdAt: string;
  updatedAt: string;
}

export interface NewLocalUser {
  username: string;
  password: string;
  role: Role;
  disabled?: boolean;
}

export type LocalUserChange = { role?: Role; password?: string; disabled?: boolean };
