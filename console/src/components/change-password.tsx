/** @jsxRuntime automatic */
// Changing one's own local password (an Admin hands out the first one). The API signs every other
// session out and answers a new one, so this tab stays signed in.
import { useState } from 'react';
import { ApiError } from '../api/http.js';
import { useAuth } from '../lib/auth.js';
import { issueAt, useSubmit } from '../lib/forms.js';
import { describeError } from './states.js';
import { Dialog, Field } from './ui.js';

export function ChangePasswordDialog({ onClose, onDone }: { onClose: () => void; onDone: () => void }) {
  const { changePassword } = useAuth();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const { busy, error, issues, submit } = useSubmit(() => changePassword(current, next), onDone);
  const wrong = error instanceof ApiError && error.code === 'WRONG_PASSWORD' ? error.message : undefined;
  const banner = error && issues.length === 0 && !wrong ? describeError(error) : undefined;
  return (
    <Dialog open title="Change your password" onClose={onClose}>
      <form
        className="stack"
        style={{ gap: 12 }}
        aria-label="Change your password"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setMismatch(next !== repeat);
          if (next === repeat) void submit();
        }}
      >
        <Field label="Current password" error={wrong ?? issueAt(issues, 'currentPassword')}>
          {(p) => <input {...p} type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} required autoFocus />}
        </Field>
        <Field label="New password" hint="At least 12 characters." error={issueAt(issues, 'newPassword')}>
          {(p) => <input {...p} type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} required />}
        </Field>
        <Field label="Repeat the new password" error={mismatch ? 'The two new passwords differ.' : undefined}>
          {(p) => <input {...p} type="password" autoComplete="new-password" value={repeat} onChange={(e) => setRepeat(e.target.value)} required />}
        </Field>
        <p className="muted small">Your other sessions (other browsers and devices) are signed out.</p>
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
            {busy ? 'Saving…' : 'Change password'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
