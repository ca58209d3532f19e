/** @jsxRuntime automatic */
// Sign-in: the local account (embedded mode), or the identity provider when the API names one.
import { useEffect, useState, type FormEvent } from 'react';
import { auth as authApi } from '../api/control.js';
import { ApiError } from '../api/http.js';
import type { AuthConfig } from '../api/types.js';
import { Field } from '../components/ui.js';
import { useAuth } from '../lib/auth.js';
import { Logo } from '../lib/icons.js';
import { startOidcSignIn } from '../lib/oidc.js';

export function SignIn() {
  const { signIn } = useAuth();
  const [username, setUsername] = useState('admin');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [config, setConfig] = useState<AuthConfig>();

  const [configError, setConfigError] = useState<string>();
  useEffect(() => {
    authApi.config().then(setConfig, (e: Error) => setConfigError(e.message));
  }, []);
  const startOidc = () => {
    if (!config?.issuer || !config.clientId) return;
    setBusy(true);
    startOidcSignIn(config.issuer, config.clientId).catch((e: Error) => {
      setError(e.message);
      setBusy(false);
    });
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(username.trim(), password);
    } catch (err) {
      setError(err instanceof ApiError && (err.status === 401 || err.status === 400) ? 'Wrong username or password.' : err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="signin">
      <div className="card">
        <div className="card-body stack">
          <div className="brand">
            <Logo /> Clickstream
          </div>
          <div>
            <h1>Sign in</h1>
            <p className="muted">Analytics for your websites and apps.</p>
          </div>
          {configError && <p className="alert" role="alert">Cannot reach the API: {configError}</p>}
          {config?.mode === 'unconfigured' && <p className="alert">Sign-in is not configured on this server: set up OIDC or a local admin account (see docs/OPERATIONS.md).</p>}
          {config?.mode === 'oidc' && (
            <>
              <button type="button" className="primary" onClick={startOidc} disabled={busy || !config.clientId}>
                Sign in with {new URL(config.issuer ?? 'https://identity.provider').host}
              </button>
              {!config.clientId && <p className="muted small">The server names no OIDC client id for the console (OIDC_CLIENT_ID).</p>}
              {error && <p className="alert" role="alert">{error}</p>}
            </>
          )}
          {config?.mode === 'local' && (
            <form className="stack" onSubmit={(e) => void submit(e)} aria-label="Sign in with a local account" style={{ gap: 12 }}>
              <Field label="Username">{(p) => <input {...p} name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />}</Field>
              <Field label="Password" hint="The first admin password is printed once by `npm start`.">
                {(p) => <input {...p} name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required autoFocus />}
              </Field>
              {error && (
                <p className="alert" role="alert">
                  {error}
                </p>
              )}
              <button type="submit" className="primary" disabled={busy}>
                {busy ? 'Signing in…' : 'Sign in'}
              </button>
            </form>
          )}
        </div>
      </div>
    </main>
  );
}
