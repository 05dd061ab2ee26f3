import { createLogger } from '../core/logger.js';
import { bootstrap, onShutdown, signalReady } from '../core/process.js';
import { startBrain } from './server.js';

const config = bootstrap('wr-brain', { alerts: false });
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
