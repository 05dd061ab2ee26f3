import { BRAIN, buildApps, gatewayName, MONITOR, type AppSpec } from '../../core/apps.js';
import type { Config } from '../../core/config.js';
import { readRegistry } from '../../core/registry.js';
import { Pm2Client } from '../../core/pm2/client.js';
import { daemonRunning } from '../../core/pm2/daemon.js';
import { CliError, parseCommand, type Output } from './command.js';

const USAGE_TARGET = '[all|brain|monitor|<tenant>]';

/** The PM2 apps a target names; a tenant target is its gateway. */
export function appsFor(config: Config, target: string, demo = false): AppSpec[] {
  const apps = buildApps({ home: config.home, demo, brainInstances: config.BRAIN_INSTANCES }, readRegistry(config.paths));
  if (target === 'all') return apps;
  const name = target === 'brain' ? BRAIN : target === 'monitor' ? MONITOR : gatewayName(target);
  const match = apps.filter((a) => a.name === name);
  if (match.length === 0) throw new CliError(`unknown target "${target}": use all, brain, monitor or a tenant id (see wr-console tenant list)`);
  return match;
}

/** Runs `work` with a PM2 connection; when `spawn` is false and no daemon runs, says so instead of starting one. */
export async function withPm2<T>(env: NodeJS.ProcessEnv, spawn: boolean, work: (pm2: Pm2Client) => Promise<T>): Promise<T> {
  if (!spawn && !(await daemonRunning(env))) throw new CliError('PM2 is not running, so nothing is: start the system with wr-console start');
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

function lifecycle(verb: 'start' | 'stop' | 'restart') {
  return async (config: Config, argv: string[], io: Output, env: NodeJS.ProcessEnv): Promise<void> => {
    const args = parseCommand(
      {
        usage: `wr-console ${verb} ${USAGE_TARGET}`,
        summary: {
          start: 'Starts the brain, the monitor and every gateway (or one of them) under PM2, starting PM2 itself if needed.',
          stop: 'Stops processes under PM2; their data and queues stay where they are.',
          restart: 'Restarts processes under PM2; nothing queued is lost.',
        }[verb],
        options: {},
        positionals: { min: 0, max: 1 },
      },
      argv,
      io,
    );
    if (!args) return;
    const target = args.positionals[0] ?? 'all';
    const apps = appsFor(config, target, env.WR_DEMO === '1');
    const failed: string[] = [];
    const lines = await withPm2(env, verb === 'start', async (pm2) => {
      if (verb === 'start') return startApps(pm2, apps);
      const known = new Set((await pm2.list()).map((p) => p.name));
      return eachApp(apps, failed, async (app) => {
        if (!known.has(app.name)) return verb === 'restart' ? (await startApps(pm2, [app]))[0]! : `${app.name}: not running`;
        if (verb === 'stop') await pm2.stop(app.name);
        else await pm2.restart(app.name);
        return `${app.name}: ${verb === 'stop' ? 'stopped' : 'restarted'}`;
      });
    });
    for (const l of lines) io.out(l);
    if (failed.length) throw new CliError(`${verb} failed for ${failed.join(', ')} (see above); the others were done`);
  };
}

/**
 * Runs `work` for each app in turn; one that fails is reported on its own line and the rest still
 * run (`restart all` must not leave the tenants after a failing one untouched). Failed names go in `failed`.
 */
export async function eachApp(apps: readonly AppSpec[], failed: string[], work: (app: AppSpec) => Promise<string>): Promise<string[]> {
  const out: string[] = [];
  for (const app of apps) {
    try {
      out.push(await work(app));
    } catch (err) {
      failed.push(app.name);
      out.push(`${app.name}: FAILED: ${(err as Error).message}`);
    }
  }
  return out;
}

export const startCommand = lifecycle('start');
export const stopCommand = lifecycle('stop');
export const restartCommand = lifecycle('restart');

/** After `tenant add`/`remove`: start or remove the gateway when PM2 runs; never spawn a daemon for it. */
export async function syncGateway(config: Config, env: NodeJS.ProcessEnv, tenant: string, present: boolean, io: Output): Promise<void> {
  if (!(await daemonRunning(env))) {
    if (present) io.out(`PM2 is not running; start the gateway with: wr-console start ${tenant}`);
    return;
  }
  await withPm2(env, false, async (pm2) => {
    if (present) {
      for (const line of await startApps(pm2, appsFor(config, tenant, env.WR_DEMO === '1'))) io.out(line);
    } else if ((await pm2.list()).some((p) => p.name === gatewayName(tenant))) {
      await pm2.delete(gatewayName(tenant));
      io.out(`${gatewayName(tenant)}: stopped and removed from PM2`);
    }
  });
}
