import { runProcessingJob, type JobPorts } from '../../domain/run-job.js';
import type { JobLauncher, LaunchOutcome } from '../../ports/job-launcher.js';

/** Runs the processing core right here, one run at a time (a tick during a run is skipped). */
export class InProcessLauncher implements JobLauncher {
  private running: Promise<LaunchOutcome> | undefined;

  constructor(
    private readonly ports: JobPorts,
    private readonly maxRecords: number,
    /** Runs before each tick's jobs: publishes what `npm run reprocess` left to announce. */
    private readonly beforeRun: () => Promise<unknown> = async () => undefined,
  ) {}

  async launch(): Promise<LaunchOutcome> {
    if (this.running) return { status: 'skipped', reason: 'a run is still active' };
    this.running = this.drain();
    try {
      return await this.running;
    } finally {
      this.running = undefined;
    }
  }

  /** Keeps running while a backlog remains, so one tick catches up instead of one slice per tick. */
  private async drain(): Promise<LaunchOutcome> {
    await this.beforeRun();
    let last: LaunchOutcome = { status: 'idle' };
    for (;;) {
      const outcome = await runProcessingJob(this.ports, { maxRecords: this.maxRecords });
      if (outcome.status !== 'completed') return last.status === 'completed' ? last : outcome;
      last = outcome;
    }
  }
}
