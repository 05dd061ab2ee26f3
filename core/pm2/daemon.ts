import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** PM2_HOME as PM2 itself resolves it. */
export function pm2Home(env: NodeJS.ProcessEnv = process.env): string {
  return env.PM2_HOME ?? path.join(env.HOME ?? os.homedir(), '.pm2');
}

/**
 * Whether a PM2 daemon answers on PM2_HOME's RPC socket. Asked without PM2's own connect(), which
 * silently starts a daemon when none runs: the console must never spawn one nobody asked for.
 */
export function daemonRunning(env: NodeJS.ProcessEnv = process.env, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(path.join(pm2Home(env), 'rpc.sock'));
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(timeoutMs, () => done(false));
  });
}
