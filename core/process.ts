import { ConfigError, loadConfig, type Config, type LoadOptions } from './config.js';

/**
 * Start-up shared by the long-running programs: private files by default (keys, auth state and
 * customer data are all created under this umask), and a bad configuration ends the process with
 * one line per bad value instead of a stack trace.
 */
export function bootstrap(program: string, opts: LoadOptions = {}): Config {
  process.umask(0o077);
  try {
    return loadConfig(process.env, opts);
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const line of err.problems) console.error(`${program}: ${line}`);
      process.exit(2);
    }
    throw err;
  }
}

/** Runs `stop` once on SIGINT/SIGTERM (PM2 sends SIGINT), then exits; a second signal exits at once. */
export function onShutdown(stop: (signal: string) => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    stop(signal).then(
      () => process.exit(0),
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

/** Tells PM2 (wait_ready) that the process is up; a no-op outside PM2. */
export function signalReady(): void {
  process.send?.('ready');
}
