/** @jsxRuntime automatic */
// The apps the caller can see, and the one the console is looking at (from the URL, else the last used).
import { createContext, useContext, useEffect, type ReactNode } from 'react';
import { apps as appsApi } from '../api/control.js';
import type { App } from '../api/types.js';
import { useLocation } from './router.js';
import { useResource, type Resource } from './use-resource.js';

const LAST_APP = 'clickstream:last-app';

interface Workspace {
  apps: Resource<App[]>;
  /** The app of the current URL, else the last one used, else the first. */
  current: App | undefined;
}

const WorkspaceContext = createContext<Workspace | undefined>(undefined);

export function useWorkspace(): Workspace {
  const value = useContext(WorkspaceContext);
  if (!value) throw new Error('useWorkspace outside <WorkspaceProvider>');
  return value;
}

/** The app id in `/apps/:appId/...` or `/projects/:p/apps/:appId`. */
export function appIdInPath(pathname: string): string | undefined {
  const m = /^\/(?:projects\/[^/]+\/)?apps\/([^/]+)/.exec(pathname);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return undefined;
  }
}

function lastApp(): string | undefined {
  try {
    return localStorage.getItem(LAST_APP) ?? undefined;
  } catch {
    return undefined;
  }
}

export function WorkspaceProvider({ children }: { children: ReactNode }) {
  const apps = useResource('apps', (signal) => appsApi.list(signal));
  const { pathname } = useLocation();
  const fromPath = appIdInPath(pathname);
  const list = apps.data ?? [];
  const wanted = fromPath ?? lastApp();
  const current = list.find((a) => a.appId === wanted) ?? (fromPath ? undefined : list[0]);

  useEffect(() => {
    if (!current) return;
    try {
      localStorage.setItem(LAST_APP, current.appId);
    } catch {
      // private mode: remembering the app is a nicety
    }
  }, [current]);

  return <WorkspaceContext.Provider value={{ apps, current }}>{children}</WorkspaceContext.Provider>;
}
