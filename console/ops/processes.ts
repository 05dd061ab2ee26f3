import { BRAIN, buildApps, gatewayName, MONITOR, tenantOfGateway, type AppSpec } from '../../core/apps.js';
import type { Config } from '../../core/config.js';
import { Pm2Client } from '../../core/pm2/client.js';
import { daemonRunning } from '../../core/pm2/daemon.js';
import { readRegistry } from '../../core/registry.js';
import { OpsError } from './errors.js';

/**
 * Starting, stopping and restarting wr's processes under PM2: the one place both `wr-console
 * start|stop|restart` and the console's R and S keys go through, so they cannot drift apart.
 */

/** The target a PM2 process name stands for: brain, monitor or a tenant id. */
export function targetOf(process: string): string {
  return process === BRAIN ? 'brain' : process === MONITOR ? 'monitor' : (tenantOfGateway(process) ?? process);
}

/** The PM2 apps a target names; a tenant target is its gateway. */
export function appsFor(config: Config, target: string, demo = false): AppSpec[] {
  const apps = buildApps({ home: config.home, demo, brainInstances: config.BRAIN_INSTANCES }, readRegistry(config.paths));
  if (target === 'all') return apps;
  const name = target === 'brain' ? BRAIN : target === 'monitor' ? MONITOR : gatewayName(target);
  const match = apps.filter((a) => a.name === name);
  if (match.length === 0) throw new OpsError(`unknown target "${target}": use all, brain, monitor or a tenant id (see wr-console tenant list)`);
  return match;
}

/** Runs `work` with a PM2 connection; when `spawn` is false and no daemon runs, says so instead of starting one. */
export async function withPm2<T>(env: NodeJS.ProcessEnv, spawn: boolean, work: (pm2: Pm2Client) => Promise<T>): Promise<T> {
  if (!spawn && !(await daemonRunning(env))) throw new OpsError('PM2 is not running, so nothing is: start the system with wr-console start');
  const pm2 = new Pm2Client();
  try {
    await pm2.connect();
    return await work(pm2);
  } finally {
    pm2.disconnect();
  }
}

/** Starts what is not running (restarting what is stopped or errored), all in one PM2 call; a line per app. */
export async function startApps(pm2: Pm2Client, apps: AppSpec[]): Promise<string[]> {
  const running = new Map((await pm2.list()).map((p) => [p.name, p.status]));
  const toStart = apps.filter((a) => !['online', 'launching'].includes(running.get(a.name) ?? ''));
  for (const app of toStart) if (running.has(app.name)) await pm2.delete(app.name);
  await pm2.start(toStart);
  return apps.map((a) => `${a.name}: ${toStart.includes(a) ? 'started' : 'already running'}`);
}

export type Verb = 'start' | 'stop' | 'restart';

/**
 * Starts, stops or restarts `apps` on `pm2`, a line per app. One that fails is reported on its
 * own line and the rest still run (`restart all` must not leave the tenants after a failing one
 * untouched); `failed` names them. Restarting what PM2 does not know starts it.
 */
export async function controlApps(pm2: Pm2Client, verb: Verb, apps: AppSpec[]): Promise<{ lines: string[]; failed: string[] }> {
  if (verb === 'start') return { lines: await startApps(pm2, apps), failed: [] };
  const known = new Set((await pm2.list()).map((p) => p.name));
  const failed: string[] = [];
  const lines: string[] = [];
  for (const app of apps) {
    try {
      if (!known.has(app.name)) lines.push(verb === 'restart' ? (await startApps(pm2, [app]))[0]! : `${app.name}: not running`);
      else {
        await (verb === 'stop' ? pm2.stop(app.name) : pm2.restart(app.name));
        lines.push(`${app.name}: ${verb === 'stop' ? 'stopped' : 'restarted'}`);
      }
    } catch (err) {
      failed.push(app.name);
      lines.push(`${app.name}: FAILED: ${(err as Error).message}`);
    }
  }
  return { lines, failed };
}

/** After a tenant is added or removed: start or remove its gateway when PM2 runs; never spawn a daemon for it. */
export async function syncGateway(config: Config, env: NodeJS.ProcessEnv, tenant: string, present: boolean, say: (line: string) => void): Promise<void> {
  if (!(await daemonRunning(env))) {
    if (present) say(`PM2 is not running; start the gateway with: wr-console start ${tenant}`);
    return;
  }
  await withPm2(env, false, async (pm2) => {
    if (present) {
      for (const line of await startApps(pm2, appsFor(config, tenant, env.WR_DEMO === '1'))) say(line);
    } else if ((await pm2.list()).some((p) => p.name === gatewayName(tenant))) {
      await pm2.delete(gatewayName(tenant));
      say(`${gatewayName(tenant)}: stopped and removed from PM2`);
    }
  });
}
