import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { bearerToken } from '../core/caller.js';
import type { MonitorStatus } from '../core/contracts.js';
import { FailedLogins } from '../core/failed-logins.js';
import { errorReply, HttpError, noRoute } from '../core/http-errors.js';
import { keyMatchesHash } from '../core/keys.js';
import type { Logger } from '../core/logger.js';
import { version } from '../core/version.js';
import type { WatchState } from './rules.js';
import type { MonitorStore } from './store.js';

/**
 * The monitor's HTTP API on 127.0.0.1: the console and `wr-console status` read incidents here,
 * never from monitor.db. `GET /health` is open; `GET /api/status` needs the admin key (sent as the
 * brain's admin API takes it: `Authorization: Bearer <admin key>`).
 */

export interface MonitorApiOptions {
  status(): Promise<MonitorStatus>;
  adminKeyHash: string;
  log: Logger;
}

export function createMonitorApp(opts: MonitorApiOptions): http.RequestListener {
  const failed = new FailedLogins();
  const handle = async (req: http.IncomingMessage): Promise<{ status: number; json: unknown }> => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (req.method !== 'GET') throw new HttpError(405, `${req.method} is not allowed: the monitor's API is read-only`);
    if (path === '/health') return { status: 200, json: { ok: true, lastCheck: (await opts.status()).lastCheck, version } };
    if (path !== '/api/status') throw new HttpError(404, noRoute(req.method, path));
    const key = bearerToken(req.headers.authorization);
    // A valid key always gets in, whoever else guesses.
    if (!key || !keyMatchesHash(key, opts.adminKeyHash)) failed.refuse(req.socket.remoteAddress ?? '?', key ? 'unknown key: the monitor answers the admin key only' : 'missing key: send Authorization: Bearer <admin key>');
    return { status: 200, json: await opts.status() };
  };
  return (req, res) => {
    // The API reads no body; whatever was sent is drained so the connection can be reused.
    req.resume();
    handle(req).then(
      ({ status, json }) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json)),
      (err: unknown) => {
        const { status, headers, body } = errorReply(err, opts.log, { method: req.method ?? '?', path: req.url ?? '' });
        res.writeHead(status, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(body));
      },
    );
  };
}

/** Listens on 127.0.0.1:port; resolves with the server once it does. */
export async function startMonitorApi(port: number, opts: MonitorApiOptions): Promise<http.Server & { port: number }> {
  const server = http.createServer(createMonitorApp(opts));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return Object.assign(server, { port: (server.address() as AddressInfo).port });
}

/** What GET /api/status answers, from the monitor's store (its public reads only). */
export async function storeStatus(store: MonitorStore): Promise<MonitorStatus> {
  const [incidents, watch, heartbeat] = await Promise.all([store.openIncidents(), store.Watch.findAll(), store.Settings.findByPk('heartbeat')]);
  const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
  return {
    lastCheck: heartbeat?.value ?? null,
    incidents: incidents.map((i) => ({ id: i.id, kind: i.kind, target: i.target, title: i.title, severity: i.severity, status: i.status, openedAt: iso(i.openedAt)!, resolvedAt: iso(i.resolvedAt) })),
    watch: watch.map((w) => {
      const state = w.state as WatchState;
      return { target: w.target, failures: state.failures, lastSeen: state.lastSeen === null ? null : new Date(state.lastSeen).toISOString() };
    }),
  };
}
