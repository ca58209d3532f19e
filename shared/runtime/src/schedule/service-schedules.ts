import { assertFunctionsDeclared, type ServiceManifest } from '../manifest/service-manifest.js';
import type { JobFn, ScheduleOverride, Scheduler } from './scheduler.js';

/**
 * Adds one job per function with schedules in serverless.yml, named `${service}.${function}`;
 * all of a function's schedules share that job (and so never overlap). `overrides` are keyed by
 * job name; the scheduler's own overrides win over them. Returns the job names.
 */
export function bindServiceSchedules(
  scheduler: Scheduler,
  manifest: ServiceManifest,
  functions: Readonly<Record<string, JobFn>>,
  overrides: Readonly<Record<string, ScheduleOverride>> = {},
): string[] {
  assertFunctionsDeclared(manifest, Object.keys(functions));
  const jobs: string[] = [];
  for (const fn of manifest.functions) {
    if (fn.schedules.length === 0) continue;
    const run = functions[fn.name];
    if (!run) {
      throw new Error(
        `service ${manifest.service}: function ${fn.name} has a schedule in serverless.yml but no local job`,
      );
    }
    const name = `${manifest.service}.${fn.name}`;
    const override = overrides[name];
    scheduler.add(name, fn.schedules, run, override === undefined ? {} : { override });
    jobs.push(name);
  }
  return jobs;
}
