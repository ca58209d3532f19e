// Form plumbing shared by the dialogs: a submit that tracks busy/error, and the API's field issues
// put next to their fields.
import { useState, type FormEvent } from 'react';
import { ApiError, type FieldIssue } from '../api/http.js';

/** The issue at `path` (e.g. `name`), for showing next to its field, without the API's `name: ` prefix. */
export function issueAt(issues: FieldIssue[], ...path: (string | number)[]): string | undefined {
  const message = issues.find((i) => i.path.length === path.length && i.path.every((p, k) => String(p) === String(path[k])))?.message;
  const prefix = `${String(path.at(-1))}: `;
  return message?.startsWith(prefix) ? message.slice(prefix.length) : message;
}

/** Runs `run` on submit; `done` gets its answer. Errors stay for the form to show (field issues or a banner). */
export function useSubmit<T>(run: () => Promise<T>, done: (value: T) => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | Error>();
  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      done(await run());
    } catch (err) {
      setError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setBusy(false);
    }
  };
  const issues = error instanceof ApiError ? error.issues : [];
  return { busy, error, issues, submit, setError };
}

/** A password for someone else to change later: 20 characters from a 57-letter alphabet without look-alikes (~116 bits). */
export function generatePassword(length = 20): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  // Rejection sampling keeps every letter equally likely.
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const b of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (b < limit && out.length < length) out += alphabet[b % alphabet.length];
    }
  }
  return out;
}
