// `npm start`: the whole Clickstream platform in one process on one port.
export {};
// Handlers log JSON through Powertools; on a laptop only warnings and errors are worth a line.
// Set before the services load: their loggers read it when created.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
const { loadConfig } = await import('@clickstream/lambda-kit');
const { EmbeddedConfig } = await import('./config.js');
const { startEmbedded } = await import('./runtime.js');

const log = {
  info: (message: string) => console.log(message),
  error: (message: string, error?: unknown) => console.error(`error: ${message}`, error ?? ''),
};

// A stray rejection in one request or job must not take the whole platform down with it.
process.on('unhandledRejection', (reason) => log.error('unhandled rejection', reason));

try {
  const config = loadConfig(EmbeddedConfig);
  const runtime = await startEmbedded(config, log);
  console.log(`Clickstream is running at ${runtime.url}
  console     ${runtime.url}/
  collect     ${runtime.url}/collect?appId=${runtime.demoAppId}
  api         ${runtime.url}/api/openapi.json (sign in first: POST /api/auth/sign-in)
  data dir    ${runtime.dataDir}
  demo app    ${runtime.demoAppId}
  processing  every ${config.PROCESS_INTERVAL_SECONDS}s
  sign-in     ${runtime.authMode === 'oidc' ? `OIDC (${config.OIDC_ISSUER})` : 'local accounts'}`);
  if (runtime.firstAdmin?.generatedPassword) {
    // Shown this once: only a hash is stored. ADMIN_PASSWORD=… npm start sets a password of your choice.
    console.log(`
  First start: the console's admin account was created.
    user      ${runtime.firstAdmin.username}
    password  ${runtime.firstAdmin.generatedPassword}
  Keep it now: it is stored hashed and will not be shown again (lost it? restart with ADMIN_PASSWORD=…).`);
  }
  console.log('Press Ctrl+C to stop.');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping (finishing running jobs, flushing the stream, closing DuckDB)…`);
    runtime.close().then(
      () => process.exit(0),
      (error) => {
        log.error('shutdown failed', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (error) {
  log.error('could not start', error instanceof Error ? error.message : error);
  process.exit(1);
}
