import type { BlockList } from 'node:net';
import type { Clock, EventPublisher } from '@clickstream/lambda-kit';
import type { Role } from '../domain/roles.js';
import type { AccountStore } from './accounts.js';
import type { AnalyticsQueries, SavedExplorations } from './analytics.js';
import type { AppStore, MetadataStore, PipelineConfigStore, ProjectStore } from './control-plane.js';
import type { Outbox } from './outbox.js';
import type { PipelineHealthStore } from './pipeline-health.js';
import type { SignInAttemptStore } from './sign-in-attempts.js';
import type { TokenVerifier } from './token-verifier.js';

/** How callers prove who they are: local accounts (embedded), OIDC tokens, or nothing set up yet. */
export type AuthSetup =
  | {
      mode: 'local';
      accounts: AccountStore;
      /** Failed password sign-ins per user name and client address (the throttle's counters). */
      signInAttempts: SignInAttemptStore;
      /** Reverse proxies whose X-Forwarded-For names the client (else every client behind one shares its counter). */
      trustedProxies?: BlockList;
    }
  | {
      mode: 'oidc';
      verifier: TokenVerifier;
      /** Public facts the console needs to start a sign-in with the provider. */
      issuer: string;
      clientId?: string;
      /** Provider group names that mean a role (`clickstream-admins` → Admin); role names themselves always count. */
      roleMap?: Readonly<Record<string, Role>>;
    }
  | { mode: 'unconfigured'; reason: string };

export interface ConsoleApiPorts {
  projects: ProjectStore;
  apps: AppStore;
  pipelines: PipelineConfigStore;
  metadata: MetadataStore;
  analytics: AnalyticsQueries;
  savedExplorations: SavedExplorations;
  health: PipelineHealthStore;
  /** Contract events stored with the changes they announce, until published. */
  outbox: Outbox;
  publisher: EventPublisher;
  clock: Clock;
  auth: AuthSetup;
}
