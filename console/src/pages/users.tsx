/** @jsxRuntime automatic */
// User management (Admin only): the local accounts of embedded mode — add with a role and an
// initial password, change the role, disable or enable, reset the password, delete. The API keeps
// at least one enabled Admin and says so; with OIDC, users live in the identity provider instead.
import { useState } from 'react';
import { users as usersApi } from '../api/control.js';
import { ApiError } from '../api/http.js';
import { ROLES, type LocalUser, type Role } from '../api/types.js';
import { Async, describeError, Empty, ErrorState } from '../components/states.js';
import { Badge, Card, CopyButton, Dialog, Field, PageHead } from '../components/ui.js';
import { useAuth } from '../lib/auth.js';
import { formatTime } from '../lib/format.js';
import { generatePassword, issueAt, useSubmit } from '../lib/forms.js';
import { useResource } from '../lib/use-resource.js';

export const ROLE_HINTS: Record<Role, string> = {
  Admin: 'everything, including users',
  Operator: 'apps and the pipeline, no analytics',
  Analyst: 'dashboards, explorations and metadata',
  AnalystReader: 'dashboards and explorations, read only',
};

type Notice = { tone: 'good' | 'bad'; text: string };

export function UsersPage() {
  const { can, principal } = useAuth();
  const list = useResource(can('users:manage') ? 'users' : null, (signal) => usersApi.list(signal));
  const [adding, setAdding] = useState(false);
  const [resetting, setResetting] = useState<LocalUser>();
  const [removing, setRemoving] = useState<LocalUser>();
  const [pending, setPending] = useState<string>();
  const [notice, setNotice] = useState<Notice>();

  const head = (
    <PageHead
      title="Users"
      subtitle="Local accounts and their roles. A change of role, password or status signs that user out everywhere."
      actions={
        can('users:manage') && list.data ? (
          <button type="button" className="primary" onClick={() => setAdding(true)}>
            New user
          </button>
        ) : undefined
      }
    />
  );
  if (!can('users:manage'))
    return (
      <>
        {head}
        <Card>
          <ErrorState title="Admins only" error={new Error('Managing users needs the Admin role.')} />
        </Card>
      </>
    );
  if (list.error instanceof ApiError && list.error.code === 'LOCAL_ACCOUNTS_DISABLED')
    return (
      <>
        {head}
        <Card>
          <Empty title="Users are managed in your identity provider">
            This Clickstream signs in with OIDC: add people and groups there. Roles come from the provider&apos;s groups (the <code>oidcRoleMap</code> setting).
          </Empty>
        </Card>
      </>
    );

  const replace = (next: LocalUser) => list.set((list.data ?? []).map((u) => (u.username === next.username ? next : u)));
  const change = async (user: LocalUser, patch: { role?: Role; disabled?: boolean }, done: string) => {
    setPending(user.username);
    setNotice(undefined);
    try {
      replace(await usersApi.update(user.username, patch));
      setNotice({ tone: 'good', text: done });
    } catch (error) {
      // LAST_ADMIN (409) among others: the API's sentence says what to do.
      setNotice({ tone: 'bad', text: describeError(error) });
    } finally {
      setPending(undefined);
    }
  };
  const enabledAdmins = (list.data ?? []).filter((u) => u.role === 'Admin' && !u.disabled);

  return (
    <>
      {head}
      {notice && (
        <p className={notice.tone === 'good' ? 'alert good' : 'alert'} role={notice.tone === 'good' ? 'status' : 'alert'} style={{ marginBottom: 16 }} data-testid="users-notice">
          {notice.text}
        </p>
      )}
      <Card flush>
        <Async resource={list} isEmpty={(users) => users.length === 0} empty={<Empty title="No users yet">Add a user to let someone sign in.</Empty>}>
          {(users) => (
            <div className="table-wrap">
              <table data-testid="users-table">
                <thead>
                  <tr>
                    <th scope="col">User</th>
                    <th scope="col">Role</th>
                    <th scope="col">Status</th>
                    <th scope="col">Changed</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {users.map((u) => {
                    const you = u.username === principal?.subject;
                    const lastAdmin = enabledAdmins.length === 1 && enabledAdmins[0]?.username === u.username;
                    const busy = pending === u.username;
                    return (
                      <tr key={u.username} data-user={u.username}>
                        <th scope="row">
                          <span className="mono">{u.username}</span>
                          {you && <span className="muted small"> (you)</span>}
                          {lastAdmin && (
                            <>
                              {' '}
                              <Badge tone="info">last Admin</Badge>
                            </>
                          )}
                        </th>
                        <td>
                          <select
                            aria-label={`Role of ${u.username}`}
                            value={u.role}
                            disabled={busy}
                            onChange={(e) => void change(u, { role: e.target.value as Role }, `${u.username} is now ${e.target.value}.`)}
                          >
                            {ROLES.map((r) => (
                              <option key={r} value={r}>
                                {r}
                              </option>
                            ))}
                          </select>
                        </td>
                        <td>{u.disabled ? <Badge tone="bad">Disabled</Badge> : <Badge tone="good">Enabled</Badge>}</td>
                        <td className="muted small">{formatTime(u.updatedAt)}</td>
                        <td>
                          <div className="row" style={{ justifyContent: 'flex-end', flexWrap: 'nowrap' }}>
                            <button type="button" className="small" onClick={() => setResetting(u)} aria-label={`Reset the password of ${u.username}`}>
                              Reset password…
                            </button>
                            <button
                              type="button"
                              className="small"
                              disabled={busy}
                              aria-label={`${u.disabled ? 'Enable' : 'Disable'} ${u.username}`}
                              onClick={() => void change(u, { disabled: !u.disabled }, u.disabled ? `${u.username} can sign in again.` : `${u.username} is disabled and signed out.`)}
                            >
                              {u.disabled ? 'Enable' : 'Disable'}
                            </button>
                            <button type="button" className="small danger" onClick={() => setRemoving(u)} aria-label={`Delete ${u.username}`}>
                              Delete…
                            </button>
                          </div>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </Async>
      </Card>
      {adding && (
        <NewUserDialog
          onClose={() => setAdding(false)}
          onCreated={(user) => {
            setAdding(false);
            list.set([...(list.data ?? []), user].sort((a, b) => a.username.localeCompare(b.username)));
            setNotice({ tone: 'good', text: `User ${user.username} added as ${user.role}. Give them the initial password over a safe channel.` });
          }}
        />
      )}
      {resetting && (
        <ResetPasswordDialog
          user={resetting}
          onClose={() => setResetting(undefined)}
          onDone={(user) => {
            setResetting(undefined);
            replace(user);
            setNotice({ tone: 'good', text: `New password set for ${user.username}; their sessions have ended.` });
          }}
        />
      )}
      {removing && (
        <DeleteUserDialog
          user={removing}
          onClose={() => setRemoving(undefined)}
          onDone={() => {
            setRemoving(undefined);
            list.set((list.data ?? []).filter((u) => u.username !== removing.username));
            setNotice({ tone: 'good', text: `User ${removing.username} deleted.` });
          }}
        />
      )}
    </>
  );
}

/** A password field with a generator and a copy button (the admin hands the password over). */
function PasswordField({ label, value, onChange, error }: { label: string; value: string; onChange: (v: string) => void; error?: string }) {
  return (
    <Field label={label} hint="At least 12 characters. The user can change it after signing in." error={error}>
      {(p) => (
        <div className="row" style={{ flexWrap: 'nowrap' }}>
          <input {...p} className="mono" style={{ flex: 1 }} type="text" autoComplete="new-password" spellCheck={false} value={value} onChange={(e) => onChange(e.target.value)} required />
          <button type="button" className="small" onClick={() => onChange(generatePassword())}>
            Generate
          </button>
          {value && <CopyButton text={value} className="small" />}
        </div>
      )}
    </Field>
  );
}

function NewUserDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (user: LocalUser) => void }) {
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<Role>('AnalystReader');
  const [password, setPassword] = useState('');
  const { busy, error, issues, submit } = useSubmit(() => usersApi.create({ username: username.trim(), role, password }), onCreated);
  const taken = error instanceof ApiError && error.code === 'USER_EXISTS' ? error.message : undefined;
  const banner = error && issues.length === 0 && !taken ? describeError(error) : undefined;
  return (
    <Dialog open title="New user" onClose={onClose}>
      <form className="stack" onSubmit={(e) => void submit(e)} style={{ gap: 12 }} aria-label="New user" noValidate>
        <Field label="Username" hint="Lowercase letters, digits, dots, dashes, underscores or @." error={taken ?? issueAt(issues, 'username')}>
          {(p) => <input {...p} name="username" autoComplete="off" spellCheck={false} value={username} onChange={(e) => setUsername(e.target.value)} required maxLength={64} autoFocus />}
        </Field>
        <Field label="Role" hint={ROLE_HINTS[role]} error={issueAt(issues, 'role')}>
          {(p) => (
            <select {...p} value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          )}
        </Field>
        <PasswordField label="Initial password" value={password} onChange={setPassword} error={issueAt(issues, 'password')} />
        {banner && (
          <p className="alert" role="alert">
            {banner}
          </p>
        )}
        <div className="row" style={{ justifyContent: 'flex-end' }}>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Adding…' : 'Add user'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function ResetPasswordDialog({ user, onClose, onDone }: { user: LocalUser; onClose: () => void; onDone: (user: LocalUser) => void }) {
  const [password, setPassword] = useState('');
  const { busy, error, issues, submit } = useSubmit(() => usersApi.update(user.username, { password }), onDone);
  const banner = error && issues.length === 0 ? describeError(error) : undefined;
  return (
    <Dialog open title={`Reset the password of ${user.username}`} onClose={onClose}>
      <form className="stack" onSubmit={(e) => void submit(e)} style={{ gap: 12 }} aria-label="Reset password" noValidate>
        <PasswordField label="New password" value={password} onChange={setPassword} error={issueAt(issues, 'password')} />
        <p className="muted small">{user.username} is signed out everywhere and signs in with the new password.</p>
        {banner && (
          <p className="alert" role="alert">
            {banner}
          </p>
        )}
        <div className="row" style={{ justifyContent: 'flex-end' }}>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Saving…' : 'Set password'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function DeleteUserDialog({ user, onClose, onDone }: { user: LocalUser; onClose: () => void; onDone: () => void }) {
  const { busy, error, submit } = useSubmit(() => usersApi.remove(user.username), onDone);
  return (
    <Dialog open title={`Delete ${user.username}`} onClose={onClose}>
      <form className="stack" onSubmit={(e) => void submit(e)} style={{ gap: 12 }} aria-label="Delete user">
        <p>
          Delete <strong className="mono">{user.username}</strong>? They are signed out at once and can no longer sign in.
        </p>
        {error && (
          <p className="alert" role="alert">
            {describeError(error)}
          </p>
        )}
        <div className="row" style={{ justifyContent: 'flex-end' }}>
          <button type="button" onClick={onClose} autoFocus>
            Cancel
          </button>
          <button type="submit" className="danger" disabled={busy}>
            {busy ? 'Deleting…' : 'Delete user'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
