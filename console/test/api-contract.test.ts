// The console's API client is written by hand (server code stays out of the browser bundle). This
// test keeps it honest against the console API's own zod schemas: every body the console sends
// parses, and the server's answers (their inferred types) fit the console's types.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type * as z from 'zod';
import { PipelineConfig as ServerPipelineConfig } from '@clickstream/contracts';
import { CreateApp, CreateProject } from '../../services/console-api/src/domain/control-plane.js';
import type { ConsoleApp, Project as ServerProject } from '../../services/console-api/src/domain/model.js';
import { SavePipeline } from '../../services/console-api/src/domain/pipeline-config.js';
import type { AppHealth as ServerAppHealth } from '../../services/console-api/src/domain/pipeline-health.js';
import { rolePermissions } from '../../services/console-api/src/domain/roles.js';
import type { publicUser } from '../../services/console-api/src/domain/accounts.js';
import { userRoutes } from '../../services/console-api/src/domain/user-routes.js';
import { DashboardRequest, ExploreRequest } from '../../services/console-api/src/domain/analytics/spec.js';
import type { QueryResult as ServerQueryResult } from '../../services/console-api/src/domain/analytics/result.js';
import { DashboardName } from '../../services/console-api/src/domain/analytics/dashboards/index.js';
import type { ExplorationSpec } from '../src/api/analytics-types.js';
import { DASHBOARD_SOURCES } from '../src/api/analytics.js';
import { queryOptions, type QueryResult } from '../src/api/results.js';
import type { App, AppHealth, LocalUser, LocalUserChange, NewApp, NewLocalUser, PipelineConfig, Project } from '../src/api/types.js';
import { DASHBOARDS, EXPLORATIONS } from '../src/lib/dashboards-list.js';
import { defaultSpec, cleanSpec } from '../src/lib/exploration-specs.js';
import { ROLE_PERMISSIONS } from '../src/lib/permissions.js';
import { contextFromSearch } from '../src/lib/query-state.js';

// Compile-time: what the server answers must be assignable to what the console reads.
const fits = <T>(_value: T) => undefined;
fits<Project>({} as ServerProject);
fits<App>({} as ConsoleApp);
fits<PipelineConfig>({} as z.infer<typeof ServerPipelineConfig>);
fits<AppHealth>({} as ServerAppHealth);
fits<Omit<LocalUser, 'permissions'> & { permissions: readonly string[] }>({} as ReturnType<typeof publicUser>);
fits<QueryResult>({} as ServerQueryResult);
// …and what the console sends must be what the server's schemas take.
fits<z.input<typeof CreateApp>>({} as NewApp);
fits<z.input<typeof ExploreRequest>['exploration']>({} as ExplorationSpec);

describe('console API client against the server schemas', () => {
  it('mirrors the role → permission table', () => {
    assert.deepEqual(
      Object.fromEntries(Object.entries(ROLE_PERMISSIONS).map(([r, p]) => [r, [...p].sort()])),
      Object.fromEntries(Object.entries(rolePermissions).map(([r, p]) => [r, [...p].sort()])),
    );
  });

  it('sends project, app and pipeline bodies the API accepts', () => {
    assert.ok(CreateProject.safeParse({ projectId: 'shop', name: 'Shop', description: '' }).success);
    const app: NewApp = { name: 'Shop web', platform: 'Web', allowedOrigins: ['https://shop.example.com'], timezone: 'Europe/Paris' };
    assert.ok(CreateApp.safeParse(app).success);
    const config: PipelineConfig = ServerPipelineConfig.parse({ ingest: {}, process: {}, model: {} });
    assert.deepEqual(SavePipeline.safeParse({ config, basedOnVersion: 0, comment: 'faster' }).error, undefined);
  });

  it('sends user bodies the /api/users routes accept, and nothing they refuse', () => {
    const body = (method: string, path: string) => {
      const schema = userRoutes.find((r) => r.method === method && r.path === path)?.body;
      assert.ok(schema, `${method} ${path} takes a body`);
      return schema;
    };
    const created: NewLocalUser = { username: 'ana', password: 'twelve chars!', role: 'Analyst' };
    assert.deepEqual(body('POST', '/api/users').safeParse(created).error, undefined);
    const changes: LocalUserChange[] = [{ role: 'Operator' }, { disabled: true }, { disabled: false }, { password: 'a new password' }];
    for (const change of changes) assert.deepEqual(body('PATCH', '/api/users/:username').safeParse(change).error, undefined, JSON.stringify(change));
    assert.equal(body('PATCH', '/api/users/:username').safeParse({ role: 'Owner' }).success, false);
  });

  it('asks only for dashboards the API has', () => {
    for (const d of DASHBOARDS) {
      const name = DASHBOARD_SOURCES[d.id]?.query ?? d.id;
      assert.ok(DashboardName.safeParse(name).success, `${d.id} → ${name}`);
    }
  });

  it('sends dashboard and exploration requests the API accepts, for every kind, with filters and a comparison', () => {
    const search = new URLSearchParams('range=7d&compare=previous&tz=Europe%2FParis&f=country:eq:FR&f=attr.plan:in:gold,silver&f=user.vip:is_set:');
    const context = contextFromSearch(search, { timezone: 'UTC' });
    const dashboard = DashboardRequest.safeParse({ ...queryOptions(context), limit: 10 });
    assert.deepEqual(dashboard.error, undefined);
    assert.deepEqual(dashboard.data?.filters.map((f) => [f.field, f.op, f.values]), [
      [{ dimension: 'country' }, 'eq', ['FR']],
      [{ attribute: 'plan' }, 'in', ['gold', 'silver']],
      [{ userAttribute: 'vip' }, 'is_set', []],
    ]);
    assert.deepEqual(dashboard.data?.comparison, { type: 'previous_period' });
    for (const e of EXPLORATIONS) {
      const parsed = ExploreRequest.safeParse({ ...queryOptions(context, { compare: false }), exploration: cleanSpec(defaultSpec(e.id)) });
      assert.deepEqual(parsed.error, undefined, e.id);
    }
  });
});
