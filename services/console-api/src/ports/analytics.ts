import type { DashboardName } from '../domain/analytics/dashboards/index.js';
import type { DialectName } from '../domain/analytics/dialects.js';
import type { QueryResult } from '../domain/analytics/result.js';
import type { DashboardRequest, ExploreRequest } from '../domain/analytics/spec.js';
import type { BoundQuery, RelationName } from '../domain/analytics/sql.js';

/** Answers analytics questions from the warehouse (DuckDB locally, Athena or Redshift on AWS). */
export interface Analytics {
  /** Distinct events (after dedupe by event id) the app has in the warehouse. */
  eventCount(appId: string): Promise<number>;
  /**
   * Event and attribute names seen in the app's processed data, with counts, observed types and
   * first/last seen (the metadata view merges them with the names' display names and descriptions).
   * Optional until every adapter implements it; the metadata route then lists annotations only.
   */
  discoverMetadata?(appId: string): Promise<DiscoveredMetadata>;
  /** The app's bad rows since `since` (ISO time), by reason code (pipeline health). Optional like discoverMetadata. */
  badRowsByReason?(appId: string, since: string): Promise<{ reasonCode: string; rows: number }[]>;
}

export interface DiscoveredName {
  name: string;
  count: number;
  firstSeen: string | null;
  lastSeen: string | null;
}

export interface DiscoveredMetadata {
  events: DiscoveredName[];
  attributes: (DiscoveredName & {
    /** `event` (attributes) or `user` (user_attributes). */
    scope: 'event' | 'user';
    /** JSON types the values had: string, number, boolean. */
    types: string[];
  })[];
}

export interface BadRowCount {
  reasonCode: string;
  rows: number;
  firstSeen: string | null;
  lastSeen: string | null;
}

export interface BadRowSample {
  requestId: string | null;
  ingestTimestamp: string | null;
  reasonCode: string;
  reason: string | null;
  eventId: string | null;
  /** The offending text, cut at `maxRawChars`; `rawLength` is the stored length. */
  raw: string | null;
  rawLength: number;
}

/** Defaults a query takes from its app. */
export interface QueryDefaults {
  /** The app's time zone, used when the request names none. */
  timezone?: string;
}

/** Everything the analytics routes ask: dashboards, explorations, metadata discovery, bad rows. */
export interface AnalyticsQueries extends Analytics {
  dashboard(appId: string, name: DashboardName, request: DashboardRequest, defaults?: QueryDefaults): Promise<QueryResult>;
  explore(appId: string, request: ExploreRequest, defaults?: QueryDefaults): Promise<QueryResult>;
  discoverMetadata(appId: string): Promise<DiscoveredMetadata>;
  badRowsByReason(appId: string, since: string): Promise<BadRowCount[]>;
  badRowSamples(appId: string, reasonCode: string, options: { since: string; limit: number }): Promise<BadRowSample[]>;
  /**
   * New data was processed or loaded (ProcessingCompleted, AthenaPartitionsAdded,
   * RedshiftLoadCompleted): every cached result is stale from now on.
   */
  invalidate(): void;
}

/**
 * Runs bound SQL on one engine: the DuckDB warehouse, Athena or Redshift. Values arrive only as
 * `params`; `relation` gives the engine's name of a logical view (schema-qualified, a local copy).
 */
export interface AnalyticsWarehouse {
  readonly dialect: DialectName;
  relation(name: RelationName): string;
  select(query: BoundQuery): Promise<Record<string, unknown>[]>;
  /** Called before each request's statements (e.g. to bring local copies up to date); true when the data changed. */
  prepare?(): Promise<boolean>;
}

/** A saved exploration of a project: a name and the exact request the explore route takes. */
export interface SavedExploration {
  id: string;
  projectId: string;
  /** The app it was built on (any app of the project can run it). */
  appId: string;
  name: string;
  description: string;
  request: ExploreRequest;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
}

export type SavedExplorationInput = Pick<SavedExploration, 'appId' | 'name' | 'description' | 'request'>;

/** Saved explorations per project (SQLite in embedded mode, DynamoDB on AWS). */
export interface SavedExplorations {
  list(projectId: string): Promise<SavedExploration[]>;
  get(projectId: string, id: string): Promise<SavedExploration | undefined>;
  create(projectId: string, input: SavedExplorationInput, by: string, at: string): Promise<SavedExploration>;
  /** undefined when there is no such exploration. */
  update(projectId: string, id: string, input: SavedExplorationInput, by: string, at: string): Promise<SavedExploration | undefined>;
  /** false when there was no such exploration. */
  delete(projectId: string, id: string): Promise<boolean>;
}
