import { createLogger } from '../core/logger.js';
import { bootstrap, onShutdown, signalReady } from '../core/process.js';
import { copyTenants } from './db/copy.js';
import { startBrain } from './server.js';

const config = bootstrap('wr-brain', { alerts: false });

// `wr-console db migrate` runs this: copy tenants' tenant.db into WR_DATABASE_URL's server, then exit.
if (process.argv[2] === '--copy-to-postgres' || process.argv[2] === '--copy-to-postgres-replace') {
  if (!config.WR_DATABASE_URL) {
    console.error('wr-brain: WR_DATABASE_URL is not set in wr.env: there is no PostgreSQL to copy to');
    process.exit(2);
  }
  const tenants = process.argv.slice(3);
  const replace = process.argv[2] === '--copy-to-postgres-replace';
  process.exit(await copyTenants({ url: config.WR_DATABASE_URL, tenantDb: (id) => config.paths.tenantDb(id), tenants, replace }, console.log, console.error));
}
const log = createLogger('wr-brain', config.LOG_LEVEL);

try {
  const brain = await startBrain(config, log);
  onShutdown(async (signal) => {
    log.info({ signal }, 'shutting down');
    await brain.close();
  });
  signalReady();
} catch (err) {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'EADDRINUSE') {
    console.error(`wr-brain: port ${config.BRAIN_PORT} is in use: stop what listens there or set BRAIN_PORT`);
  } else {
    log.fatal({ err }, 'brain failed to start');
  }
  process.exit(1);
}
