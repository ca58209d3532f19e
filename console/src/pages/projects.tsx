/** @jsxRuntime automatic */
// Projects and their apps; creating an app leads to its onboarding page (snippet + first-event check).
import { useState } from 'react';
import { apps as appsApi, projects as projectsApi } from '../api/control.js';
import { PLATFORMS, type App, type Platform, type Project } from '../api/types.js';
import { Async, Empty } from '../components/states.js';
import { Badge, Card, Dialog, Field, Guard, PageHead } from '../components/ui.js';
import { useAuth } from '../lib/auth.js';
import { formatNumber } from '../lib/format.js';
import { issueAt, useSubmit } from '../lib/forms.js';
import { Link, navigate } from '../lib/router.js';
import { useResource } from '../lib/use-resource.js';
import { useWorkspace } from '../lib/workspace.js';

export function ProjectsPage({ projectId }: { projectId?: string }) {
  const projects = useResource('projects', (signal) => projectsApi.list(signal));
  const { apps } = useWorkspace();
  const [newProject, setNewProject] = useState(false);
  const [newAppFor, setNewAppFor] = useState<string>();
  const shown = (list: Project[]) => (projectId ? list.filter((p) => p.projectId === projectId) : list);

  return (
    <>
      <PageHead
        title={projectId ? `Project ${projectId}` : 'Projects & apps'}
        subtitle="A project groups apps that share one pipeline. Each app has its own id, snippet and data."
        actions={
          <Guard permission="apps:write">
            {(ok, why) => (
              <button type="button" className="primary" disabled={!ok} title={why} onClick={() => setNewProject(true)}>
                New project
              </button>
            )}
          </Guard>
        }
      />
      <Async
        resource={projects}
        isEmpty={(list) => shown(list).length === 0}
        empty={
          <Card>
            <Empty title={projectId ? 'No such project' : 'No projects yet'}>Create a project, then add an app to get its tracking snippet.</Empty>
          </Card>
        }
      >
        {(list) => (
          <div className="stack">
            {shown(list).map((p) => (
              <ProjectCard key={p.projectId} project={p} apps={(apps.data ?? []).filter((a) => a.projectId === p.projectId)} onNewApp={() => setNewAppFor(p.projectId)} />
            ))}
          </div>
        )}
      </Async>
      <NewProjectDialog
        open={newProject}
        onClose={() => setNewProject(false)}
        onCreated={() => {
          setNewProject(false);
          projects.reload();
        }}
      />
      {newAppFor && (
        <NewAppDialog
          projectId={newAppFor}
          onClose={() => setNewAppFor(undefined)}
          onCreated={(app) => {
            setNewAppFor(undefined);
            apps.reload();
            navigate(`/projects/${encodeURIComponent(app.projectId)}/apps/${encodeURIComponent(app.appId)}?new=1`);
          }}
        />
      )}
    </>
  );
}

function ProjectCard({ project, apps, onNewApp }: { project: Project; apps: App[]; onNewApp: () => void }) {
  const { can } = useAuth();
  const pid = encodeURIComponent(project.projectId);
  return (
    <Card
      title={
        <>
          {project.name} <span className="muted small mono">{project.projectId}</span>
        </>
      }
      subtitle={project.description || undefined}
      flush
      actions={
        <div className="row">
          {can('pipeline:read') && (
            <Link className="button small" to={`/projects/${pid}/pipeline`}>
              Pipeline
            </Link>
          )}
          <Guard permission="apps:write" hide>
            {() => (
              <button type="button" className="small primary" onClick={onNewApp}>
                New app
              </button>
            )}
          </Guard>
        </div>
      }
    >
      {apps.length === 0 ? (
        <Empty title="No apps in this project">Add an app to get its snippet and start sending events.</Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>App</th>
                <th>App id</th>
                <th>Platform</th>
                <th>Status</th>
                {can('analytics:read') && <th className="num">Events</th>}
                <th>
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {apps.map((a) => (
                <tr key={a.appId}>
                  <td>
                    <Link to={`/projects/${pid}/apps/${encodeURIComponent(a.appId)}`}>{a.name}</Link>
                  </td>
                  <td className="mono">{a.appId}</td>
                  <td>{a.platform}</td>
                  <td>{a.enabled ? <Badge tone="good">Enabled</Badge> : <Badge>Disabled</Badge>}</td>
                  {can('analytics:read') && <EventCount appId={a.appId} />}
                  <td className="num">
                    {can('analytics:read') && (
                      <Link className="button small" to={`/apps/${encodeURIComponent(a.appId)}/dashboards/overview`}>
                        Dashboards
                      </Link>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

function EventCount({ appId }: { appId: string }) {
  const count = useResource(`count:${appId}`, (signal) => appsApi.eventCount(appId, signal));
  return <td className="num">{count.data ? formatNumber(count.data.events) : count.error ? '–' : '…'}</td>;
}

function NewProjectDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (p: Project) => void }) {
  const [name, setName] = useState('');
  const [projectId, setProjectId] = useState('');
  const [description, setDescription] = useState('');
  const slug = projectId || name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63);
  const { busy, error, issues, submit } = useSubmit(() => projectsApi.create({ projectId: slug, name: name.trim(), description: description.trim() }), onCreated);
  return (
    <Dialog open={open} title="New project" onClose={onClose}>
      <form className="stack" onSubmit={(e) => void submit(e)} style={{ gap: 12 }}>
        <Field label="Name" error={issueAt(issues, 'name')}>
          {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} required maxLength={128} autoFocus />}
        </Field>
        <Field label="Project id" hint="Lowercase letters, digits and dashes; cannot change later." error={issueAt(issues, 'projectId')}>
          {(p) => <input {...p} value={slug} onChange={(e) => setProjectId(e.target.value)} required pattern="[a-z0-9][a-z0-9-]{0,62}" className="mono" />}
        </Field>
        <Field label="Description" error={issueAt(issues, 'description')}>
          {(p) => <input {...p} value={description} onChange={(e) => setDescription(e.target.value)} maxLength={2000} />}
        </Field>
        {error && issues.length === 0 && <p className="alert" role="alert">{error.message}</p>}
        <div className="row" style={{ justifyContent: 'flex-end' }}>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create project'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function NewAppDialog({ projectId, onClose, onCreated }: { projectId: string; onClose: () => void; onCreated: (a: App) => void }) {
  const [name, setName] = useState('');
  const [platform, setPlatform] = useState<Platform>('Web');
  const [origins, setOrigins] = useState('');
  const [timezone, setTimezone] = useState(() => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
  const allowedOrigins = origins
    .split(/[\s,]+/)
    .map((o) => o.trim())
    .filter(Boolean);
  const { busy, error, issues, submit } = useSubmit(() => appsApi.create(projectId, { name: name.trim(), platform, allowedOrigins, timezone }), onCreated);
  return (
    <Dialog open title={`New app in ${projectId}`} onClose={onClose}>
      <form className="stack" onSubmit={(e) => void submit(e)} style={{ gap: 12 }} aria-label="New app">
        <Field label="Name" error={issueAt(issues, 'name')}>
          {(p) => <input {...p} name="app-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={128} autoFocus placeholder="Shop website" />}
        </Field>
        <Field label="Platform" error={issueAt(issues, 'platform')}>
          {(p) => (
            <select {...p} value={platform} onChange={(e) => setPlatform(e.target.value as Platform)}>
              {PLATFORMS.map((x) => (
                <option key={x}>{x}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Allowed origins" hint="Sites that may send events from a browser, e.g. https://shop.example.com (one per line, * for any)." error={issueAt(issues, 'allowedOrigins')}>
          {(p) => <textarea {...p} rows={2} value={origins} onChange={(e) => setOrigins(e.target.value)} />}
        </Field>
        <Field label="Time zone" hint="Dashboards of this app use it by default." error={issueAt(issues, 'timezone')}>
          {(p) => <input {...p} value={timezone} onChange={(e) => setTimezone(e.target.value)} required />}
        </Field>
        {error && issues.length === 0 && <p className="alert" role="alert">{error.message}</p>}
        <div className="row" style={{ justifyContent: 'flex-end' }}>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create app'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
