import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { signIn } from './support/console-session.js';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** Starts `npm start`'s entry point as a real process and waits for its start-up banner. */
function startMain(dataDir: string): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, PROCESS_INTERVAL_SECONDS: '1', ADMIN_PASSWORD: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start-up banner:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      // The banner ends with the Ctrl+C hint (the admin password, when shown, comes before it).
      const match = /running at (http:\/\/\S+)[\s\S]*Press Ctrl\+C/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ child, url: match[1], output: () => output });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited with ${code} before starting:\n${output}`)));
  });
}

const exitCode = (child: ChildProcess) => new Promise<number | null>((r) => child.once('exit', (code) => r(code)));

async function eventCount(url: string, password: string): Promise<number> {
  const api = await signIn(url, 'admin', password);
  const res = await api.fetch('/api/apps/demo_web/event-count');
  return ((await res.json()) as { events: number }).events;
}

/** The admin password a first start prints once. */
function printedPassword(output: string): string | undefined {
  return /password\s+(\S+)/.exec(output)?.[1];
}

describe('npm start (the real process)', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('prints its URL, data dir and demo app, processes on its own schedule, and stops cleanly on SIGTERM', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'clickstream-main-'));
    dirs.push(dataDir);
    const first = await startMain(dataDir);
    assert.match(first.output(), /data dir\s+\S*clickstream-main-/);
    assert.match(first.output(), /demo app\s+demo_web/);
    // The first start creates the admin and prints its generated password, once.
    const password = printedPassword(first.output());
    assert.ok(password && password.length >= 20, `a generated admin password in:\n${first.output()}`);

    const batch = [1, 2, 3].map(() => ({ event_type: 'tap', event_id: randomUUID(), timestamp: Date.now(), app_id: 'demo_web' }));
    const res = await fetch(`${first.url}/collect?appId=demo_web`, { method: 'POST', body: JSON.stringify(batch) });
    assert.equal(res.status, 200);

    // The scheduler (every second here) processes without being asked.
    const deadline = Date.now() + 30_000;
    while ((await eventCount(first.url, password)) < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    assert.equal(await eventCount(first.url, password), 3);

    const exited = exitCode(first.child);
    first.child.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.match(first.output(), /SIGTERM: stopping/);

    const second = await startMain(dataDir);
    try {
      assert.equal(printedPassword(second.output()), undefined, 'the password is shown at the first start only');
      assert.equal(await eventCount(second.url, password), 3, 'data (and the admin account) survive a restart, counted once');
    } finally {
      const done = exitCode(second.child);
      second.child.kill('SIGINT');
      assert.equal(await done, 0);
    }
  });
});
