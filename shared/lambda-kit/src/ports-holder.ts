/**
 * The ports of one cold start. On Lambda the first `ports()` call builds them from the
 * environment (so a handler module can be imported without AWS configuration); the embedded host
 * installs local ones with `useLocalPorts` before any handler runs.
 */
export function portsHolder<P>(fromEnvironment: () => P): { ports: () => P; useLocalPorts: (local: P) => void } {
  let wired: P | undefined;
  return {
    ports: () => (wired ??= fromEnvironment()),
    useLocalPorts: (local) => {
      wired = local;
    },
  };
}
