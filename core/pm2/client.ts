import type { AppSpec } from '../apps.js';
import { NAMESPACE } from '../apps.js';

/**
 * PM2's programmatic API with a timeout on every call (its RPC calls have none) and promises.
 * PM2_HOME is read when pm2 is first imported, so the module is loaded lazily, after the
 * caller's environment is final.
 */

type Pm2 = typeof import('pm2');
let loaded: Pm2 | undefined;
async function pm2(): Promise<Pm2> {
  // PM2 starts an app list two at a time by default; a host with a hundred tenants wants more.
  process.env.PM2_CONCURRENT_ACTIONS ??= '8';
  if (!loaded) {
    loaded = ((await import('pm2')) as unknown as { default: Pm2 }).default;
    answerOnce(loaded as unknown as { Client: { disconnectRPC(cb: (...args: unknown[]) => void): void } });
  }
  return loaded;
}

/**
 * PM2 7's disconnectRPC answers twice when its socket takes over 200 ms to close (its timer, then the
 * socket's 'close'), and the async.forEach that called it throws "Callback was already called" from
 * that event handler: an uncaught exception after disconnect() on a busy machine. Only the first answer counts.
 */
export function answerOnce(api: { Client: { disconnectRPC(cb: (...args: unknown[]) => void): void } }): void {
  const client = api.Client;
  const disconnectRPC = client.disconnectRPC.bind(client);
  client.disconnectRPC = (cb) => {
    let answered = false;
    disconnectRPC((...args) => {
      if (answered) return;
      answered = true;
      cb(...args);
    });
  };
}

export class Pm2Error extends Error {}

export const PM2_TIMEOUT_MS = 30_000;

function call<T>(what: string, run: (cb: (err: unknown, result?: T) => void) => void, timeoutMs = PM2_TIMEOUT_MS): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Pm2Error(`PM2 did not answer "${what}" within ${timeoutMs / 1000} s`)), timeoutMs);
    try {
      run((err, result) => {
        clearTimeout(timer);
        if (err) reject(new Pm2Error(`PM2 ${what}: ${err instanceof Error ? err.message : JSON.stringify(err)}`));
        else resolve(result as T);
      });
    } catch (err) {
      clearTimeout(timer);
      reject(new Pm2Error(`PM2 ${what}: ${(err as Error).message}`));
    }
  });
}

export interface ProcessInfo {
  name: string;
  pmId: number;
  status: string;
  pid: number;
  restarts: number;
  uptimeSince: number | null;
  memory: number;
  cpu: number;
  /** PM2's log files for the process (stdout, stderr): the console reads their tail. */
  logFiles: string[];
  /** The WR_HOME the process was started with: the console warns when it is not its own. */
  wrHome: string | undefined;
}

// PM2's module is one connection per process, bus included: a client that disconnects while
// another still uses it (the console adding a tenant) would silence the other's live logs. So
// the connection is shared and closed only when its last user lets go.
let users = 0;
let ready: Promise<void> | undefined;

export class Pm2Client {
  private connected = false;

  /** Connects, starting a daemon if none runs; callers check daemonRunning() first when that matters. */
  async connect(): Promise<void> {
    if (this.connected) return;
    const p = await pm2();
    users++;
    this.connected = true;
    ready ??= call('connect', (cb) => p.connect(cb));
    try {
      await ready;
    } catch (err) {
      ready = undefined;
      this.disconnect();
      throw err;
    }
  }

  /** `timeoutMs`: the console asks with a short one, so a hung daemon shows as stale quickly. */
  async list(timeoutMs = PM2_TIMEOUT_MS): Promise<ProcessInfo[]> {
    const p = await pm2();
    const list = await call<import('pm2').ProcessDescription[]>('list', (cb) => p.list(cb), timeoutMs);
    return list
      .filter((d) => (d.pm2_env as { namespace?: string } | undefined)?.namespace === NAMESPACE)
      .map((d) => ({
        name: d.name ?? '?',
        pmId: d.pm_id ?? -1,
        status: d.pm2_env?.status ?? 'unknown',
        pid: d.pid ?? 0,
        restarts: d.pm2_env?.restart_time ?? 0,
        uptimeSince: d.pm2_env?.status === 'online' ? (d.pm2_env?.pm_uptime ?? null) : null,
        memory: d.monit?.memory ?? 0,
        cpu: d.monit?.cpu ?? 0,
        wrHome: (d.pm2_env as { WR_HOME?: string } | undefined)?.WR_HOME,
        logFiles: [...new Set([d.pm2_env?.pm_out_log_path, d.pm2_env?.pm_err_log_path].filter((f): f is string => typeof f === 'string'))],
      }));
  }

  /** Starts the apps in one call, which PM2 runs PM2_CONCURRENT_ACTIONS at a time. */
  async start(apps: AppSpec[]): Promise<void> {
    if (apps.length === 0) return;
    const p = await pm2();
    await call(`start ${apps.map((a) => a.name).join(', ')}`, (cb) => p.start({ apps } as never, cb), PM2_TIMEOUT_MS + apps.length * 5_000);
  }

  async stop(name: string): Promise<void> {
    const p = await pm2();
    await call(`stop ${name}`, (cb) => p.stop(name, cb));
  }

  async restart(name: string): Promise<void> {
    const p = await pm2();
    await call(`restart ${name}`, (cb) => p.restart(name, cb));
  }

  async delete(name: string): Promise<void> {
    const p = await pm2();
    await call(`delete ${name}`, (cb) => p.delete(name, cb));
  }

  async launchBus(): Promise<import('node:events').EventEmitter> {
    const p = await pm2();
    return call('launchBus', (cb) => p.launchBus(cb as never));
  }

  async killDaemon(): Promise<void> {
    const p = await pm2();
    await call('kill', (cb) => p.killDaemon(cb as never));
  }

  disconnect(): void {
    if (!this.connected) return;
    this.connected = false;
    if (--users > 0) return;
    ready = undefined;
    void pm2().then((p) => p.disconnect());
  }
}
