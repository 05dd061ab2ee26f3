import type { AddressInfo } from 'node:net';
import http from 'node:http';
import type { Config } from '../core/config.js';
import { hashKey, loadOrCreateAdminKey } from '../core/keys.js';
import type { Logger } from '../core/logger.js';
import { RegistryView } from '../core/registry.js';
import { PgServer } from '../core/sql/postgres.js';
import { version } from '../core/version.js';
import { createBrainApp } from './app.js';
import { engineFromConfig } from './receptionist/select-engine.js';
import { ChatService } from './services/chat.js';
import { Tenants } from './tenants.js';

export interface RunningBrain {
  port: number;
  tenants: Tenants;
  /** Stops accepting, lets in-flight requests finish, drains the write queues, closes the databases. */
  close(): Promise<void>;
}

const SWEEP_INTERVAL_MS = 30_000;
const DRAIN_TIMEOUT_MS = 10_000;

export async function startBrain(config: Config, log: Logger, port = config.BRAIN_PORT): Promise<RunningBrain> {
  const registry = new RegistryView(config.paths, (err) => log.error({ err: err.message }, 'registry unreadable; keeping the last good copy'));
  const pg = config.WR_DATABASE_URL ? new PgServer(config.WR_DATABASE_URL, (err) => log.warn({ err: err.message }, 'PostgreSQL connection lost; reconnecting on the next query')) : undefined;
  const tenants = new Tenants(config.paths, registry, log, pg);
  const engine = engineFromConfig(config, log);
  const chat = new ChatService(engine, log);
  const app = createBrainApp({
    tenants,
    chat,
    engineStatus: engine.status?.bind(engine),
    adminKeyHash: hashKey(loadOrCreateAdminKey(config.paths)),
    rateLimit: config.BRAIN_RATE_LIMIT,
    failedLogins: config.BRAIN_FAILED_LOGINS,
    log,
    version,
  });
  const server = http.createServer(app);
  let draining = false;
  // Keep-alive clients would otherwise keep a closing server busy: each answer while draining
  // tells the client to drop its connection.
  server.prependListener('request', (_req, res) => {
    if (draining) res.setHeader('Connection', 'close');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const sweep = setInterval(() => void tenants.sweep(), SWEEP_INTERVAL_MS).unref();
  const actualPort = (server.address() as AddressInfo).port;
  log.info({ port: actualPort, version }, 'brain listening on 127.0.0.1');
  const warming = warmUp(tenants, chat, log, () => draining);

  return {
    port: actualPort,
    tenants,
    async close() {
      clearInterval(sweep);
      draining = true;
      await warming;
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), DRAIN_TIMEOUT_MS).unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
      await tenants.closeAll();
      await pg?.close();
      log.info('brain stopped');
    },
  };
}

/**
 * Opens every tenant and trains its classifier right after start, one at a time, so the first
 * customers after a restart do not each wait for their tenant's training (20 tenants at once
 * held replies up for 2-3 s). Requests are served in between.
 */
async function warmUp(tenants: Tenants, chat: ChatService, log: Logger, stopping: () => boolean): Promise<void> {
  const started = Date.now();
  let count = 0;
  for (const { id } of tenants.registry.list()) {
    if (stopping()) return;
    await new Promise((r) => setImmediate(r));
    try {
      const ctx = await tenants.get(id);
      if (ctx) await chat.warm(ctx);
      count++;
    } catch (err) {
      log.warn({ tenant: id, err: (err as Error).message }, 'could not prepare tenant ahead of its first message');
    }
  }
  log.info({ tenants: count, ms: Date.now() - started }, 'tenants ready');
}
