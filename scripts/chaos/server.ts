// The embedded runtime as a child process the chaos harness can start, SIGKILL and restart on
// the same port and data directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../../embedded/src/main.ts', import.meta.url));
const READY = /Clickstream is running at (http:\/\/\S+)/;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface ServerOptions {
  dataDir: string;
  port: number;
  /** Extra environment (PROCESS_INTERVAL_SECONDS, SCHEDULE_OVERRIDES, ADMIN_PASSWORD…). */
  env?: Record<string, string>;
  startTimeoutMs?: number;
}

export class EmbeddedServer {
  private child: ChildProcess | undefined;
  private output = '';
  url = '';

  constructor(private readonly options: ServerOptions) {}

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Output of the current (or last) process, for diagnosing a failed run. */
  get log(): string {
    return this.output;
  }

  async start(): Promise<void> {
    if (this.running) throw new Error('server already running');
    this.output = '';
    const child = spawn(process.execPath, ['--import', 'tsx', main], {
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(this.options.port),
        DATA_DIR: this.options.dataDir,
        POWERTOOLS_LOG_LEVEL: 'ERROR',
        ...this.options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const collect = (chunk: Buffer) => {
      // Keep the tail only: a long run must not grow this without bound.
      this.output = (this.output + chunk.toString()).slice(-64 * 1024);
    };
    child.stderr!.on('data', collect);
    this.url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server not ready after ${this.options.startTimeoutMs ?? 60_000} ms:\n${this.output}`)), this.options.startTimeoutMs ?? 60_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        collect(chunk);
        const match = READY.exec(this.output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`server exited (${code ?? signal}) before it was ready:\n${this.output}`));
      });
    });
  }

  /** kill -9: no shutdown hooks, no flush; whatever was not fsync'ed is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  /** A clean stop (SIGTERM): jobs finish, the stream flushes, DuckDB closes. */
  async stop(timeoutMs = 60_000): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }
}
