/** @jsxRuntime automatic */
// One app: its snippet (script tag, npm, curl) with a copy button, and a live check that turns
// from "waiting for the first event…" to "received!" once processed events show up.
import { useState } from 'react';
import { apps as appsApi } from '../api/control.js';
import type { App } from '../api/types.js';
import { Async } from '../components/states.js';
import { Badge, Card, CopyButton, PageHead, Segmented } from '../components/ui.js';
import { useAuth } from '../lib/auth.js';
import { formatNumber } from '../lib/format.js';
import { Link, useLocation } from '../lib/router.js';
import { curlSnippet, defaultTarget, npmSnippet, scriptSnippet } from '../lib/snippet.js';
import { useResource } from '../lib/use-resource.js';

type Kind = 'script' | 'npm' | 'curl';

export function AppOnboardingPage({ projectId, appId }: { projectId: string; appId: string }) {
  const app = useResource(`app:${appId}`, (signal) => appsApi.get(appId, signal));
  return (
    <Async resource={app}>
      {(a) => (
        <>
          <PageHead
            title={a.name}
            subtitle={
              <>
                <Link to={`/projects/${encodeURIComponent(projectId)}`}>{projectId}</Link> · {a.platform} · app id <code>{a.appId}</code>
              </>
            }
            actions={a.enabled ? <Badge tone="good">Enabled</Badge> : <Badge tone="warn">Disabled: events are refused</Badge>}
          />
          <div className="grid cols-3">
            <div className="span-2 stack">
              <SnippetCard app={a} />
            </div>
            <div className="stack">
              <FirstEventCheck app={a} />
              <Card title="Settings">
                <dl className="stack" style={{ gap: 6, margin: 0 }}>
                  <div>
                    <dt className="muted small">Time zone</dt>
                    <dd style={{ margin: 0 }}>{a.timezone}</dd>
                  </div>
                  <div>
                    <dt className="muted small">Allowed origins</dt>
                    <dd style={{ margin: 0 }}>{a.allowedOrigins.length ? a.allowedOrigins.join(', ') : 'none (server-side and mobile only)'}</dd>
                  </div>
                  {a.retentionDays !== undefined && (
                    <div>
                      <dt className="muted small">Data retention</dt>
                      <dd style={{ margin: 0 }}>{a.retentionDays === 0 ? 'forever' : `${a.retentionDays} days`}</dd>
                    </div>
                  )}
                </dl>
              </Card>
            </div>
          </div>
        </>
      )}
    </Async>
  );
}

function SnippetCard({ app }: { app: App }) {
  const [kind, setKind] = useState<Kind>(app.platform === 'Web' ? 'script' : 'curl');
  const target = defaultTarget(app.appId, window.location.origin);
  const text = kind === 'script' ? scriptSnippet(target) : kind === 'npm' ? npmSnippet(target) : curlSnippet(target);
  return (
    <Card
      title="Send events"
      subtitle={
        <>
          Endpoint <code>{target.endpoint}</code> · app id <code>{app.appId}</code>
        </>
      }
      actions={
        <Segmented<Kind>
          label="Snippet kind"
          value={kind}
          onChange={setKind}
          options={[
            { value: 'script', label: 'Script tag' },
            { value: 'npm', label: 'npm' },
            { value: 'curl', label: 'curl' },
          ]}
        />
      }
    >
      <p className="muted">
        {kind === 'script'
          ? 'Paste into the <head> of every page. Page views, sessions, scrolls and outbound clicks are recorded automatically.'
          : kind === 'npm'
            ? 'For single-page apps built with a bundler.'
            : 'A test event from a terminal.'}
      </p>
      <div className="snippet">
        <pre data-testid="snippet">{text}</pre>
        <CopyButton text={text} />
      </div>
    </Card>
  );
}

function FirstEventCheck({ app }: { app: App }) {
  const { can } = useAuth();
  const { search } = useLocation();
  const allowed = can('analytics:read');
  const count = useResource(allowed ? `count:${app.appId}` : null, (signal) => appsApi.eventCount(app.appId, signal), { pollMs: 3000 });
  const events = count.data?.events ?? 0;
  return (
    <Card title="Install check">
      {!allowed ? (
        <p className="muted">Your role cannot read analytics: ask an Analyst to confirm events arrive.</p>
      ) : events > 0 ? (
        <div className="stack" style={{ gap: 8 }}>
          <p className="alert good live" role="status" data-testid="first-event">
            <span className="dot" /> Received! {formatNumber(events)} events so far.
          </p>
          <Link className="button primary" to={`/apps/${encodeURIComponent(app.appId)}/dashboards/overview`}>
            Open the dashboards
          </Link>
        </div>
      ) : (
        <div className="stack" style={{ gap: 8 }}>
          <p className="live" role="status" data-testid="first-event">
            <span className="spinner" aria-hidden="true" /> Waiting for the first event…
          </p>
          <p className="muted small">
            {search.get('new') ? 'Your app is ready. ' : ''}Events show up here after the next processing run. This check refreshes every 3 seconds.
          </p>
          {count.error && <p className="alert small">{count.error.message}</p>}
        </div>
      )}
    </Card>
  );
}
