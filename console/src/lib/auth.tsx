/** @jsxRuntime automatic */
// Who is signed in, and what they may do. A 401 from any call signs the console out.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { auth } from '../api/control.js';
import { ApiError, onUnauthorized, setCsrfToken } from '../api/http.js';
import type { Me, Permission, Principal } from '../api/types.js';
import { forgetToken } from './oidc.js';
import { permissionsOf } from './permissions.js';

export interface AuthState {
  status: 'loading' | 'signed-out' | 'signed-in' | 'unreachable';
  principal?: Principal;
  error?: Error;
  can: (permission: Permission) => boolean;
  /** Signed in with a local account (cookie session), so the password is ours to change. */
  localAccount: boolean;
  signIn: (username: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
  changePassword: (currentPassword: string, newPassword: string) => Promise<void>;
  retry: () => void;
}

const AuthContext = createContext<AuthState | undefined>(undefined);

export function useAuth(): AuthState {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside <AuthProvider>');
  return value;
}

export function AuthProvider({ children, initial }: { children: ReactNode; initial?: Me }) {
  const [state, setState] = useState<{ status: AuthState['status']; principal?: Me; error?: Error }>(
    initial ? { status: 'signed-in', principal: initial } : { status: 'loading' },
  );
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (initial) return;
    const controller = new AbortController();
    auth.me(controller.signal).then(
      (me) => {
        setCsrfToken(me.csrfToken);
        setState({ status: 'signed-in', principal: me });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        if (error instanceof ApiError && (error.status === 401 || error.status === 404)) setState({ status: 'signed-out' });
        else setState({ status: 'unreachable', error: error instanceof Error ? error : new Error(String(error)) });
      },
    );
    return () => controller.abort();
  }, [initial, attempt]);

  useEffect(() => onUnauthorized(() => setState({ status: 'signed-out' })), []);

  const signIn = useCallback(async (username: string, password: string) => {
    const me = await auth.signIn(username, password);
    setCsrfToken(me.csrfToken);
    setState({ status: 'signed-in', principal: me });
  }, []);

  const signOut = useCallback(async () => {
    try {
      await auth.signOut();
    } finally {
      forgetToken();
      setCsrfToken(undefined);
      setState({ status: 'signed-out' });
    }
  }, []);

  const changePassword = useCallback(async (currentPassword: string, newPassword: string) => {
    const me = await auth.changePassword(currentPassword, newPassword);
    setCsrfToken(me.csrfToken);
    setState({ status: 'signed-in', principal: me });
  }, []);

  const retry = useCallback(() => {
    setState({ status: 'loading' });
    setAttempt((a) => a + 1);
  }, []);

  const value = useMemo<AuthState>(() => {
    const permissions = permissionsOf(state.principal);
    return { ...state, localAccount: state.principal?.via === 'session', can: (p) => permissions.has(p), signIn, signOut, changePassword, retry };
  }, [state, signIn, signOut, changePassword, retry]);

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
