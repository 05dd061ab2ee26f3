import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from './config.js';
import { defaultHome, Paths, projectRoot } from './paths.js';
import { readRegistry, type Tenant } from './registry.js';

/**
 * The PM2 app list, built from the tenant registry: the brain, the monitor, and one gateway per
 * tenant. ecosystem.config.js and wr-console both use it, so `pm2 start ecosystem.config.js` and
 * `wr-console start` always agree with the registry.
 */

export const NAMESPACE = 'wr';
export const BRAIN = 'wr-brain';
export const MONITOR = 'wr-monitor';
/** Every gateway's PM2 name starts with this; the tenant id follows. */
const GATEWAY_PREFIX = 'wr-gw-';
export const gatewayName = (tenant: string) => `${GATEWAY_PREFIX}${tenant}`;
export const tenantOfGateway = (name: string) => (name.startsWith(GATEWAY_PREFIX) ? name.slice(GATEWAY_PREFIX.length) : undefined);

export interface AppSpec {
  name: string;
  script: string;
  args: string[];
  cwd: string;
  namespace: string;
  /** Fork for every program; cluster for the brain when BRAIN_INSTANCES > 1 (PostgreSQL only). */
  exec_mode: 'fork' | 'cluster';
  instances: number;
  kill_timeout: number;
  wait_ready: boolean;
  listen_timeout: number;
  exp_backoff_restart_delay: number;
  max_memory_restart: string;
  autorestart: true;
  merge_logs: true;
  time: true;
  /**
   * Only `env` reaches the process: secrets stay in WR_HOME, never in PM2's dump. `['']` because
   * PM2 7 ignores `filter_env: true` (it tests `true.length`); an array entry drops every variable
   * whose name contains it, and every name contains ''.
   */
  filter_env: [''];
  env: Record<string, string>;
  node_args: string[];
}

function app(name: string, script: string, args: string[], memory: string, env: Record<string, string>, nodeArgs: string[] = []): AppSpec {
  return {
    name,
    script: path.join(projectRoot, 'dist', script),
    args,
    cwd: projectRoot,
    namespace: NAMESPACE,
    exec_mode: 'fork',
    instances: 1,
    kill_timeout: 10_000,
    wait_ready: true,
    listen_timeout: 20_000,
    exp_backoff_restart_delay: 200,
    max_memory_restart: memory,
    autorestart: true,
    merge_logs: true,
    time: true,
    filter_env: [''],
    env,
    node_args: nodeArgs,
  };
}

/**
 * A gateway handles a few messages a minute: a 1 MB young generation (V8 grows it to 16 MB under
 * allocation) costs it nothing in speed and saved 5 MB per gateway, 500 MB over 100 tenants.
 */
export const GATEWAY_NODE_ARGS = ['--max-semi-space-size=1'];

/**
 * PM2 restarts the brain above this. It keeps every tenant open (database connections, trained
 * classifier: about 2.5 MB each, 305 MB measured with 100), so a fixed limit would turn growth
 * into a restart loop; the limit grows with the registry, leaving room for load.
 */
export function brainMemoryLimit(tenants: number): string {
  return `${Math.max(400, 256 + 4 * tenants)}M`;
}

export interface AppOptions {
  home?: string;
  /** Brain processes (BRAIN_INSTANCES); read from the environment and wr.env when not given. */
  brainInstances?: number;
  /** Simulator gateways pair by themselves (the demo). */
  demo?: boolean;
}

/**
 * BRAIN_INSTANCES from wr.env and the environment. With a bad configuration the list still builds
 * (one brain): a bad value stops only the programs that use it, and the brain refuses to start
 * with one line naming it.
 */
function configuredBrainInstances(home: string): number {
  try {
    return loadConfig({ ...process.env, WR_HOME: home }, { alerts: false }).BRAIN_INSTANCES;
  } catch (err) {
    if (err instanceof ConfigError) return 1;
    throw err;
  }
}

export function buildApps(opts: AppOptions = {}, tenants?: readonly Tenant[]): AppSpec[] {
  const home = opts.home ?? defaultHome();
  const env: Record<string, string> = { WR_HOME: home, NODE_ENV: 'production', ...(process.env.PATH ? { PATH: process.env.PATH } : {}) };
  const list = tenants ?? readRegistry(new Paths(home));
  const instances = opts.brainInstances ?? configuredBrainInstances(home);
  // PM2's cluster mode shares the brain's port between its processes; the tenants' data is on
  // PostgreSQL then (the configuration refuses more than one brain on SQLite).
  const brain = instances > 1 ? { ...app(BRAIN, 'brain/main.js', [], brainMemoryLimit(list.length), env), exec_mode: 'cluster' as const, instances } : app(BRAIN, 'brain/main.js', [], brainMemoryLimit(list.length), env);
  const apps = [brain];
  if (fs.existsSync(path.join(projectRoot, 'dist/monitor/main.js'))) apps.push(app(MONITOR, 'monitor/main.js', [], '200M', env));
  for (const t of list) {
    apps.push(app(gatewayName(t.id), 'gateway/main.js', [t.id], '300M', t.transport === 'simulator' && opts.demo ? { ...env, WR_DEMO: '1' } : env, GATEWAY_NODE_ARGS));
  }
  return apps;
}
