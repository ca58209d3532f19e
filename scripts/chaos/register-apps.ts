// The run's own project and apps, registered through the console API as an operator would: the
// generator's web traffic needs an app that allows its origin, its mobile traffic an app of its
// own, and apps of the run alone let bad rows without an event id be attributed to the run.

export interface ChaosApps {
  projectId: string;
  web: string;
  mobile: string;
  /** The origin the web app allows (the generator's site). */
  origin: string;
}

/** Ids for a run tag (8 hex digits). */
export function chaosApps(runTag: string, origin: string): ChaosApps {
  return { projectId: `chaos-${runTag}`, web: `chaos_${runTag}_web`, mobile: `chaos_${runTag}_app`, origin };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function expectStatus(res: Response, status: number, what: string): Promise<void> {
  if (res.status !== status) throw new Error(`${what}: HTTP ${res.status} ${await res.text()}`);
  await res.arrayBuffer().catch(() => undefined);
}

/** Signs in as the local admin, creates the project and apps, and waits until ingest knows them. */
export async function registerApps(baseUrl: string, adminPassword: string, apps: ChaosApps, timeoutMs = 30_000): Promise<void> {
  const signIn = await fetch(`${baseUrl}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: adminPassword }),
  });
  if (signIn.status !== 200) throw new Error(`sign-in: HTTP ${signIn.status} ${await signIn.text()}`);
  const cookie = signIn.headers.getSetCookie().find((c) => c.startsWith('clickstream_session='))?.split(';')[0];
  const { csrfToken } = (await signIn.json()) as { csrfToken?: string };
  if (!cookie || !csrfToken) throw new Error('sign-in gave no session cookie or CSRF token');
  const post = (path: string, body: unknown) =>
    fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
      body: JSON.stringify(body),
    });

  await expectStatus(await post('/api/projects', { projectId: apps.projectId, name: `Chaos run ${apps.projectId}` }), 201, 'create project');
  const project = `/api/projects/${apps.projectId}/apps`;
  await expectStatus(await post(project, { appId: apps.web, name: 'Chaos web', platform: 'Web', allowedOrigins: [apps.origin] }), 201, 'create web app');
  await expectStatus(await post(project, { appId: apps.mobile, name: 'Chaos app', platform: 'Android' }), 201, 'create mobile app');

  // Ingest learns of apps from AppRegistered.v1 on the bus; a preflight answers 204 once it has.
  const deadline = Date.now() + timeoutMs;
  for (const [appId, origin] of [[apps.web, apps.origin], [apps.mobile, undefined]] as const) {
    for (;;) {
      const res = await fetch(`${baseUrl}/collect?appId=${appId}`, { method: 'OPTIONS', headers: origin ? { origin } : {} });
      await res.arrayBuffer();
      if (res.status === 204) break;
      if (Date.now() > deadline) throw new Error(`ingest does not know app ${appId} after ${timeoutMs} ms (preflight HTTP ${res.status})`);
      await sleep(100);
    }
  }
}
