/** @jsxRuntime automatic */
// The console's shell: sign-in gate, sidebar navigation (per role), top bar with the app switcher,
// and the route table. Screens other than the first are separate chunks, loaded when visited.
import { lazy, Suspense, useEffect, useRef, useState, type ReactNode, type Ref } from 'react';
import { createPortal } from 'react-dom';
import { ErrorState, Loading } from './components/states.js';
import { AuthProvider, useAuth } from './lib/auth.js';
import { DASHBOARDS } from './lib/dashboards-list.js';
import { Icon, Logo } from './lib/icons.js';
import { Link, matchPath, navigate, useLocation } from './lib/router.js';
import { useWorkspace, WorkspaceProvider } from './lib/workspace.js';
import { SignIn } from './pages/sign-in.js';
import { ProjectsPage } from './pages/projects.js';
import { ChangePasswordDialog } from './components/change-password.js';
import { ErrorBoundary } from './components/error-boundary.js';
import { auth } from './api/control.js';
import { CALLBACK_PATH, completeOidcSignIn } from './lib/oidc.js';

const Dashboards = lazy(() => import('./pages/dashboards.js').then((m) => ({ default: m.DashboardsPage })));
const Explore = lazy(() => import('./pages/explore.js').then((m) => ({ default: m.ExplorePage })));
const Pipeline = lazy(() => import('./pages/pipeline.js').then((m) => ({ default: m.PipelinePage })));
const DataPage = lazy(() => import('./pages/data.js').then((m) => ({ default: m.DataPage })));
const Users = lazy(() => import('./pages/users.js').then((m) => ({ default: m.UsersPage })));
const AppOnboarding = lazy(() => import('./pages/app-onboarding.js').then((m) => ({ default: m.AppOnboardingPage })));

export function App() {
  return (
    <AuthProvider>
      <Gate />
    </AuthProvider>
  );
}

function Gate() {
  const auth = useAuth();
  const { pathname } = useLocation();
  if (pathname === CALLBACK_PATH) return <OidcCallback />;
  if (auth.status === 'loading') return <p className="boot">Loading Clickstream…</p>;
  if (auth.status === 'unreachable')
    return (
      <div className="signin">
        <div className="card">
          <ErrorState title="Cannot reach Clickstream" error={auth.error} onRetry={auth.retry} />
        </div>
      </div>
    );
  if (auth.status === 'signed-out') return <SignIn />;
  return (
    <WorkspaceProvider>
      <Shell />
    </WorkspaceProvider>
  );
}

/** Back from the identity provider: trade the code for a token, then load the session. */
function OidcCallback() {
  const { retry } = useAuth();
  const [error, setError] = useState<Error>();
  useEffect(() => {
    auth
      .config()
      .then((c) => completeOidcSignIn(c.issuer ?? '', c.clientId ?? ''))
      .then(
        (next) => {
          navigate(next, { replace: true });
          retry();
        },
        (e: Error) => setError(e),
      );
  }, [retry]);
  return (
    <div className="signin">
      <div className="card">{error ? <ErrorState title="Sign-in failed" error={error} onRetry={() => navigate('/', { replace: true })} /> : <Loading label="Signing in…" />}</div>
    </div>
  );
}

function Shell() {
  const { pathname } = useLocation();
  const [navOpen, setNavOpen] = useState(false);
  const toggleRef = useRef<HTMLButtonElement>(null);
  const sidebarRef = useRef<HTMLElement>(null);
  const wasOpen = useRef(false);
  wasOpen.current = navOpen;
  // Set by Escape: the menu button gets focus back once the page is no longer inert.
  const restoreFocus = useRef(false);

  // Following a link in the drawer closes it; focus goes to the new screen, not to a hidden link.
  useEffect(() => {
    if (!wasOpen.current) return;
    setNavOpen(false);
    document.getElementById('content')?.focus();
  }, [pathname]);

  // The open drawer is a modal: focus moves in and stays (Tab cycles), Escape closes it and gives
  // focus back to the menu button, and the page behind is inert. Widening to the desktop layout closes it.
  useEffect(() => {
    if (!navOpen) {
      if (restoreFocus.current) toggleRef.current?.focus();
      restoreFocus.current = false;
      return;
    }
    const focusables = () => [...(sidebarRef.current?.querySelectorAll<HTMLElement>('a[href], button:not(:disabled), select, input') ?? [])];
    focusables()[0]?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        restoreFocus.current = true;
        setNavOpen(false);
      } else if (e.key === 'Tab') {
        const list = focusables();
        const first = list[0];
        const last = list[list.length - 1];
        if (!first || !last) return;
        if (e.shiftKey && document.activeElement === first) {
          e.preventDefault();
          last.focus();
        } else if (!e.shiftKey && document.activeElement === last) {
          e.preventDefault();
          first.focus();
        }
      }
    };
    const wide = window.matchMedia?.('(min-width: 1101px)');
    const onWide = () => wide?.matches && setNavOpen(false);
    window.addEventListener('keydown', onKey);
    wide?.addEventListener?.('change', onWide);
    return () => {
      window.removeEventListener('keydown', onKey);
      wide?.removeEventListener?.('change', onWide);
    };
  }, [navOpen]);

  return (
    <div className={navOpen ? 'shell nav-open' : 'shell'}>
      {!navOpen && (
        <a className="skip-link" href="#content">
          Skip to content
        </a>
      )}
      <Sidebar ref={sidebarRef} />
      {navOpen && <div className="backdrop" aria-hidden="true" onClick={() => setNavOpen(false)} />}
      <div className="main" inert={navOpen}>
        <header className="topbar">
          <button ref={toggleRef} type="button" className="menu-toggle ghost" aria-label="Open navigation" aria-expanded={navOpen} onClick={() => setNavOpen(true)}>
            <Icon name="menu" />
          </button>
          <AppSwitcher />
          <span className="spacer" />
        </header>
        <main id="content" className="content" tabIndex={-1}>
          <ErrorBoundary key={pathname}>
            <Suspense fallback={<Loading label="Loading screen…" rows={5} />}>
              <Routes />
            </Suspense>
          </ErrorBoundary>
        </main>
      </div>
    </div>
  );
}

function AppSwitcher() {
  const { apps, current } = useWorkspace();
  const { pathname, search } = useLocation();
  if (!apps.data || apps.data.length === 0) return null;
  const switchTo = (appId: string) => {
    const rest = /^\/apps\/[^/]+(\/.*)?$/.exec(pathname);
    if (rest) navigate(`/apps/${encodeURIComponent(appId)}${rest[1] ?? ''}${search.size ? `?${search}` : ''}`);
    else navigate(`/apps/${encodeURIComponent(appId)}/dashboards/overview`);
  };
  return (
    <label className="row" style={{ gap: 6 }}>
      <span className="muted small">App</span>
      <select value={current?.appId ?? ''} onChange={(e) => switchTo(e.target.value)} aria-label="Current app">
        {!current && <option value="">Choose an app</option>}
        {apps.data.map((a) => (
          <option key={a.appId} value={a.appId}>
            {a.name} ({a.appId})
          </option>
        ))}
      </select>
    </label>
  );
}

function Sidebar({ ref }: { ref?: Ref<HTMLElement> }) {
  const { principal, can, signOut, localAccount } = useAuth();
  const { current } = useWorkspace();
  const [changingPassword, setChangingPassword] = useState(false);
  const [passwordChanged, setPasswordChanged] = useState(false);
  const app = current ? `/apps/${encodeURIComponent(current.appId)}` : undefined;
  return (
    <aside className="sidebar" aria-label="Main navigation" ref={ref}>
      <Link to="/" className="brand">
        <Logo /> Clickstream
      </Link>
      <nav className="nav">
        {app && can('analytics:read') && (
          <>
            <div className="nav-group" id="nav-dashboards">
              Dashboards
            </div>
            {DASHBOARDS.map((d) => (
              <Link key={d.id} to={`${app}/dashboards/${d.id}`} activeMatch="prefix">
                <Icon name="chart" /> {d.title}
              </Link>
            ))}
            <div className="nav-group">Analyse</div>
            <Link to={`${app}/explore`} activeMatch="prefix">
              <Icon name="explore" /> Explorations
            </Link>
            <div className="nav-group">Data</div>
            <Link to={`${app}/data/events`} activeMatch="prefix">
              <Icon name="data" /> Events &amp; attributes
            </Link>
            <Link to={`${app}/data/bad-rows`} activeMatch="prefix">
              <Icon name="warn" /> Bad rows
            </Link>
          </>
        )}
        <div className="nav-group">Configure</div>
        {can('apps:read') && (
          <Link to="/projects" activeMatch="exact">
            <Icon name="apps" /> Projects &amp; apps
          </Link>
        )}
        {current && can('pipeline:read') && (
          <Link to={`/projects/${encodeURIComponent(current.projectId)}/pipeline`} activeMatch="prefix">
            <Icon name="pipeline" /> Pipeline
          </Link>
        )}
        {can('users:manage') && (
          <Link to="/users" activeMatch="exact">
            <Icon name="users" /> Users
          </Link>
        )}
      </nav>
      <div className="sidebar-footer">
        <div className="who" title={principal?.subject}>
          {principal?.name ?? principal?.subject}
        </div>
        <div className="roles">{principal?.roles.join(', ') || 'no role'}</div>
        <div className="row">
          {localAccount && (
            <button type="button" className="small" onClick={() => setChangingPassword(true)}>
              Change password
            </button>
          )}
          <button type="button" className="small" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
        {passwordChanged && (
          <p className="small" role="status" style={{ margin: '8px 0 0' }}>
            Password changed.
          </p>
        )}
        {/* Outside the sidebar: its dark theme and the drawer's visibility must not reach the dialog. */}
        {changingPassword &&
          createPortal(
            <ChangePasswordDialog
              onClose={() => setChangingPassword(false)}
              onDone={() => {
                setChangingPassword(false);
                setPasswordChanged(true);
              }}
            />,
            document.body,
          )}
      </div>
    </aside>
  );
}

function NotFound() {
  return <ErrorState title="Page not found" error={new Error('There is nothing at this address.')} />;
}

/** `/`: the current app's overview, or the projects page when there is no app yet. */
function Home() {
  const { apps, current } = useWorkspace();
  const { can } = useAuth();
  useEffect(() => {
    if (!apps.data) return;
    if (current && can('analytics:read')) navigate(`/apps/${encodeURIComponent(current.appId)}/dashboards/overview`, { replace: true });
    else navigate('/projects', { replace: true });
  }, [apps.data, current, can]);
  if (apps.error) return <ErrorState error={apps.error} onRetry={apps.reload} />;
  return <Loading />;
}

function Routes(): ReactNode {
  const { pathname } = useLocation();
  const table: [string, (p: Record<string, string>) => ReactNode][] = [
    ['/', () => <Home />],
    ['/projects', () => <ProjectsPage />],
    ['/users', () => <Users />],
    ['/projects/:projectId', (p) => <ProjectsPage projectId={p.projectId} />],
    ['/projects/:projectId/apps/:appId', (p) => <AppOnboarding projectId={p.projectId!} appId={p.appId!} />],
    ['/projects/:projectId/pipeline', (p) => <Pipeline projectId={p.projectId!} tab="builder" />],
    ['/projects/:projectId/pipeline/history', (p) => <Pipeline projectId={p.projectId!} tab="history" />],
    ['/apps/:appId', (p) => <Redirect to={`/apps/${encodeURIComponent(p.appId!)}/dashboards/overview`} />],
    ['/apps/:appId/dashboards/:board', (p) => <Dashboards appId={p.appId!} board={p.board!} />],
    ['/apps/:appId/explore', (p) => <Explore appId={p.appId!} />],
    ['/apps/:appId/explore/:kind', (p) => <Explore appId={p.appId!} kind={p.kind} />],
    ['/apps/:appId/data/:section', (p) => <DataPage appId={p.appId!} section={p.section!} />],
  ];
  for (const [pattern, render] of table) {
    const params = matchPath(pattern, pathname);
    if (params) return render(params);
  }
  return <NotFound />;
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}
