import { startApp } from './app.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { MasterKeyMismatchError } from './crypto/dataKeys.js';

/** Process entry point: validate config, start, and shut down cleanly on SIGTERM/SIGINT. */
async function main() {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`tsudoi: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const app = await startApp(config);
  app.http.log.info(
    { url: app.url, store: app.store.kind, mediaWorkers: app.pool.size },
    'Tsudoi is listening',
  );
  if (app.inbox) app.http.log.info(`development mail inbox: ${app.url}/dev/inbox`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.http.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await app.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  if (err instanceof MasterKeyMismatchError) {
    console.error(`tsudoi: wrong master key: ${err.message}`);
    process.exit(2);
  }
  console.error('tsudoi: failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
