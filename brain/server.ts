import type { AddressInfo } from 'node:net';
import http from 'node:http';
import type { Config } from '../core/config.js';
import { hashKey, loadOrCreateAdminKey } from '../core/keys.js';
import type { Logger } from '../core/logger.js';
import { RegistryView, type Tenant } from '../core/registry.js';
import { registryHost, saveProfileNamed, SharedRegistryView } from '../core/shared-registry.js';
import { PgServer } from '../core/sql/postgres.js';
import { version } from '../core/version.js';
import { createBrainApp } from './app.js';
import { IntentClassifier } from './receptionist/classifier.js';
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
  const registryError = (err: Error) => log.error({ err: err.message }, 'registry unreadable; keeping the last good copy');
  const local = new RegistryView(config.paths, registryError);
  const pg = config.WR_DATABASE_URL ? new PgServer(config.WR_DATABASE_URL, (err) => log.warn({ err: err.message }, 'PostgreSQL connection lost; reconnecting on the next query')) : undefined;
  const shared = pg && new SharedRegistryView(pg, registryHost(config), local, registryError);
  await shared?.start();
  const registry = shared ?? local;
  const tenants = new Tenants(config.paths, registry, log, pg, (id, current) => saveProfileNamed(config, id, current, () => {}));
  const engine = engineFromConfig(config, log);
  const chat = new ChatService(engine, log);
  const app = createBrainApp({
    registry: config,
    tenants,
    chat,
    engineStatus: engine.status?.bind(engine),
    adminKeyHash: hashKey(loadOrCreateAdminKey(config.paths)),
    rateLimit: config.BRAIN_RATE_LIMIT,
    failedLogins: config.BRAIN_FAILED_LOGINS,
    log,
    version,
  });
  // The model every tenant shares takes a second or more to load from its cache (many seconds to train
  // on a cold one): loaded before the port opens, so no customer's first message waits for it and
  // the gateways, which retry, see a brain that answers at once.
  const loading = Date.now();
  await IntentClassifier.prepare();
  log.info({ ms: Date.now() - loading }, 'intent classifier ready');
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
  // This host's tenants: its gateways send here. Other hosts' (shared registry) open on first use.
  const warming = warmUp(local.list(), tenants, chat, log, () => draining);

  return {
    port: actualPort,
    tenants,
    async close() {
      clearInterval(sweep);
      shared?.stop();
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
 * Opens every tenant and readies its classifier right after start, one at a time, so the first
 * customers after a restart do not each wait for their tenant's database and patterns (20 tenants
 * at once held replies up for 2-3 s). Requests are served in between.
 */
async function warmUp(own: readonly Tenant[], tenants: Tenants, chat: ChatService, log: Logger, stopping: () => boolean): Promise<void> {
  const started = Date.now();
  let count = 0;
  for (const { id } of own) {
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
