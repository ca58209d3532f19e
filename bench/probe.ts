// Preloaded (`--import`) into the benchmark's server processes, never into the product: counts
// fsyncs (FileHandle.datasync/sync, which the durable log's group commit calls once per commit),
// and reports them with the process's CPU time and event-loop utilisation when the benchmark asks
// over the IPC channel. A counter increment per fsync is all it adds to the measured process.
import { open } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';

export interface ProbeStats {
  datasyncs: number;
  syncs: number;
  /** process.cpuUsage(), µs. */
  cpuUserUs: number;
  cpuSystemUs: number;
  /** performance.eventLoopUtilization() totals, ms. */
  eluIdleMs: number;
  eluActiveMs: number;
  atMs: number;
}

const counts = { datasyncs: 0, syncs: 0 };
const probe = await open(process.execPath, 'r');
const proto = Object.getPrototypeOf(probe) as { datasync: (...a: unknown[]) => Promise<void>; sync: (...a: unknown[]) => Promise<void> };
await probe.close();
const { datasync, sync } = proto;
proto.datasync = function (this: unknown, ...args: unknown[]) {
  counts.datasyncs++;
  return datasync.apply(this, args);
};
proto.sync = function (this: unknown, ...args: unknown[]) {
  counts.syncs++;
  return sync.apply(this, args);
};

if (process.send) {
  process.on('message', (message) => {
    if (message !== 'probe:stats') return;
    const cpu = process.cpuUsage();
    const elu = performance.eventLoopUtilization();
    const stats: ProbeStats = { ...counts, cpuUserUs: cpu.user, cpuSystemUs: cpu.system, eluIdleMs: elu.idle, eluActiveMs: elu.active, atMs: performance.now() };
    process.send?.({ probe: stats });
  });
  // The channel must not keep a stopping server alive.
  process.channel?.unref();
}
