import os from 'node:os';
import { channelsFromConfig, sendTestAlerts } from '../core/alerts.js';
import { hashKey, loadOrCreateAdminKey } from '../core/keys.js';
import { createLogger } from '../core/logger.js';
import { Pm2Client } from '../core/pm2/client.js';
import { daemonRunning } from '../core/pm2/daemon.js';
import { bootstrap, onShutdown, signalReady } from '../core/process.js';
import { formatStatus, statusProblem, statusReport } from '../core/status.js';
import { startMonitorApi, storeStatus } from './http.js';
import { Monitor, type Pm2View } from './monitor.js';
import { MonitorStore } from './store.js';

// Bad alert settings turn those channels off and become an incident: the monitor keeps watching.
const config = bootstrap('wr-monitor', { alerts: false });
const arg = process.argv[2];

if (arg === '--status' || arg === '--json') {
  const report = await statusReport(config);
  console.log(arg === '--json' ? JSON.stringify(report, null, 2) : formatStatus(report));
  // The same exit code as `wr-console status`: the spec's watcher --status served scripts and cron checks.
  const problem = statusProblem(report);
  if (problem) console.error(problem);
  process.exit(problem ? 1 : 0);
}
if (arg === '--test') {
  for (const line of config.alertProblems) console.log(line);
  const { ok, lines } = await sendTestAlerts(config, os.hostname());
  for (const line of lines) console.log(line);
  process.exit(ok && config.alertProblems.length === 0 ? 0 : 1);
}
if (arg !== undefined) {
  console.error('usage: node dist/monitor/main.js [--status | --json | --test]');
  process.exit(2);
}

const log = createLogger('wr-monitor', config.LOG_LEVEL);
const store = await MonitorStore.open(config.paths.monitorDb, config.WR_DATABASE_URL);
// Under PM2 the daemon runs already; the monitor never starts one.
let pm2: Pm2Client | undefined;
const pm2View: Pm2View = {
  async states() {
    if (!(await daemonRunning())) return null;
    if (!pm2) {
      pm2 = new Pm2Client();
      await pm2.connect();
    }
    return new Map((await pm2.list()).map((p) => [p.name, { status: p.status, restarts: p.restarts }]));
  },
};
const monitor = new Monitor({ config, store, channels: channelsFromConfig(config), log, pm2: pm2View, intervalMs: config.MONITOR_INTERVAL_MS });
monitor.on('incident', (data) => process.send?.({ type: 'wr:incident', data }));
monitor.start();
// Without its API the monitor still watches and alerts: the console says it cannot reach it.
const api = await startMonitorApi(config.MONITOR_PORT, { status: () => storeStatus(store), adminKeyHash: hashKey(loadOrCreateAdminKey(config.paths)), log }).catch((err: NodeJS.ErrnoException) => {
  log.error({ port: config.MONITOR_PORT, err: err.code ?? err.message }, `the monitor's API cannot listen on 127.0.0.1:${config.MONITOR_PORT}: free that port or set MONITOR_PORT in wr.env; watching and alerting go on`);
  return undefined;
});
onShutdown(async () => {
  api?.close();
  await monitor.stop();
  pm2?.disconnect();
  await store.close();
});
signalReady();
log.info({ channels: [...channelsFromConfig(config).keys()] }, 'monitor watching');
for (const problem of config.alertProblems) log.error(`${problem}: that alert channel is off until wr.env is fixed`);
