// The control-plane half of the console API: session, users, projects, apps, pipeline configuration, health.
import { http } from './http.js';
import type { App, AppHealth, AuthConfig, LocalUser, LocalUserChange, Me, NewApp, NewLocalUser, PipelineChange, PipelineConfig, PipelineVersion, PipelineVersionSummary, Project } from './types.js';

const enc = encodeURIComponent;

export const auth = {
  config: () => http.get<AuthConfig>('/api/auth/config'),
  me: (signal?: AbortSignal) => http.get<Me>('/api/auth/me', { signal }),
  signIn: (username: string, password: string) => http.post<Me>('/api/auth/sign-in', { username, password }),
  signOut: () => http.post<void>('/api/auth/sign-out'),
  /** Local accounts: ends every session of the caller and answers the new one (with its CSRF token). */
  changePassword: (currentPassword: string, newPassword: string) => http.post<Me>('/api/auth/password', { currentPassword, newPassword }),
};

export const projects = {
  list: (signal?: AbortSignal) => http.get<{ projects: Project[] }>('/api/projects', { signal }).then((r) => r.projects),
  get: (projectId: string, signal?: AbortSignal) => http.get<Project & { apps: App[] }>(`/api/projects/${enc(projectId)}`, { signal }),
  create: (project: { projectId?: string; name: string; description?: string }) => http.post<Project>('/api/projects', project),
};

export const apps = {
  list: (signal?: AbortSignal) => http.get<{ apps: App[] }>('/api/apps', { signal }).then((r) => r.apps),
  ofProject: (projectId: string, signal?: AbortSignal) => http.get<{ apps: App[] }>('/api/apps', { signal, query: { projectId } }).then((r) => r.apps),
  get: (appId: string, signal?: AbortSignal) => http.get<App>(`/api/apps/${enc(appId)}`, { signal }),
  create: (projectId: string, app: NewApp) => http.post<App>(`/api/projects/${enc(projectId)}/apps`, app),
  update: (appId: string, patch: Partial<Pick<App, 'name' | 'platform' | 'enabled' | 'allowedOrigins' | 'timezone' | 'retentionDays'>> & { revision: number }) =>
    http.patch<App>(`/api/apps/${enc(appId)}`, patch),
  eventCount: (appId: string, signal?: AbortSignal) => http.get<{ appId: string; events: number }>(`/api/apps/${enc(appId)}/event-count`, { signal }),
  health: (appId: string, signal?: AbortSignal) => http.get<AppHealth>(`/api/apps/${enc(appId)}/health`, { signal }),
};

export const pipeline = {
  current: (projectId: string, signal?: AbortSignal) => http.get<PipelineVersion>(`/api/projects/${enc(projectId)}/pipeline`, { signal }),
  version: (projectId: string, version: number, signal?: AbortSignal) => http.get<PipelineVersion>(`/api/projects/${enc(projectId)}/pipeline/versions/${version}`, { signal }),
  /** Newest first. */
  history: (projectId: string, signal?: AbortSignal) =>
    http.get<{ versions: PipelineVersionSummary[] }>(`/api/projects/${enc(projectId)}/pipeline/versions`, { signal }).then((r) => r.versions),
  diff: (projectId: string, from: number, to: number, signal?: AbortSignal) =>
    http.get<{ from: number; to: number; changes: PipelineChange[] }>(`/api/projects/${enc(projectId)}/pipeline/diff`, { signal, query: { from, to } }).then((r) => r.changes),
  /** Field-level issues of a configuration without saving it (paths like `config.process.x`). */
  validate: (projectId: string, config: PipelineConfig) =>
    http.post<{ valid: boolean; issues: { path: string; message: string }[]; config?: PipelineConfig }>(`/api/projects/${enc(projectId)}/pipeline/validate`, { config }),
  save: (projectId: string, config: PipelineConfig, basedOnVersion: number, comment?: string) =>
    http.put<PipelineVersion & { saved: boolean }>(`/api/projects/${enc(projectId)}/pipeline`, { config, basedOnVersion, ...(comment ? { comment } : {}) }),
  steps: (signal?: AbortSignal) => http.get<{ steps: { name: string; kind: string; description: string }[] }>('/api/pipeline/steps', { signal }).then((r) => r.steps),
};

/** Local accounts (Admin only; the API answers 404 LOCAL_ACCOUNTS_DISABLED when sign-in is OIDC). */
export const users = {
  list: (signal?: AbortSignal) => http.get<{ users: LocalUser[] }>('/api/users', { signal }).then((r) => r.users),
  create: (user: NewLocalUser) => http.post<LocalUser>('/api/users', user),
  /** A role, password or disabled change signs the user out everywhere. */
  update: (username: string, change: LocalUserChange) => http.patch<LocalUser>(`/api/users/${enc(username)}`, change),
  remove: (username: string) => http.del<void>(`/api/users/${enc(username)}`),
};
