import { gatewayName } from '../core/apps.js';
import { createLogger } from '../core/logger.js';
import { bootstrap, onShutdown, signalReady } from '../core/process.js';
import { GatewayStartError, startGateway } from './server.js';

const tenant = process.argv[2];
if (!tenant) {
  console.error('usage: node dist/gateway/main.js <tenant>');
  process.exit(2);
}
const config = bootstrap(gatewayName(tenant), { alerts: false });
const log = createLogger(gatewayName(tenant), config.LOG_LEVEL);

try {
  const running = await startGateway(config, tenant, log, {
    autoPairMs: process.env.WR_DEMO === '1' ? 1_500 : undefined,
    // The console listens for these on the PM2 bus.
    publish: (type, data) => process.send?.({ type, data }),
  });
  onShutdown(async (signal) => {
    log.info({ signal }, 'shutting down');
    await running.close();
  });
  signalReady();
} catch (err) {
  if (err instanceof GatewayStartError) console.error(`${gatewayName(tenant)}: ${err.message}`);
  else log.fatal({ err }, 'gateway failed to start');
  process.exit(1);
}
