import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../core/config.js';
import { hashKey, loadOrCreateAdminKey, readTenantKey } from '../core/keys.js';
import type { Logger } from '../core/logger.js';
import path from 'node:path';
import { assertTenantId, projectRoot } from '../core/paths.js';
import { RegistryView } from '../core/registry.js';
import { BrainClient } from './brain-client.js';
import { Gateway } from './gateway.js';
import { createGatewayApp } from './http.js';
import { MediaPreparer } from './media.js';
import { PolicyCache } from './policy.js';
import { GatewayStore } from './store.js';
import { Transcriber } from './transcribe.js';
import { SimulatorTransport } from './transports/simulator.js';
import type { Transport } from './transports/transport.js';

export interface GatewayRunOptions {
  /** Listen here instead of the registry's port (tests). */
  port?: number;
  /** Simulator: pair by itself after this many ms (demo mode). */
  autoPairMs?: number;
  /** A transport to use instead of the tenant's (tests inject a Baileys adapter over a fake socket). */
  transport?: (store: GatewayStore) => Transport;
  retryCapMs?: number;
  parkedRetryMs?: number;
  random?: () => number;
  typingMs?: (text: string) => number;
  undecryptableGraceMs?: number;
  governor?: ConstructorParameters<typeof Gateway>[0]['governor'];
  /** Receives every state change and QR from the first one on (the PM2 bus in production). */
  publish?: (type: 'wr:qr' | 'wr:state', data: unknown) => void;
}

export interface RunningGateway {
  port: number;
  gateway: Gateway;
  store: GatewayStore;
  close(): Promise<void>;
}

export class GatewayStartError extends Error {}

/** Everything `node dist/gateway/main.js <tenant>` runs, minus the process plumbing. */
export async function startGateway(config: Config, tenantId: string, log: Logger, opts: GatewayRunOptions = {}): Promise<RunningGateway> {
  const id = assertTenantId(tenantId);
  const registry = new RegistryView(config.paths, (err) => log.error({ err: err.message }, 'registry unreadable; keeping the last good copy'));
  const tenant = registry.get(id);
  if (!tenant) throw new GatewayStartError(`no tenant "${id}" in ${config.paths.registry}: add it with wr-console tenant add`);
  const key = readTenantKey(config.paths, id);
  if (!key) throw new GatewayStartError(`the key file ${config.paths.secret(id)} is missing: run wr-console tenant key ${id} --rotate`);

  const store = await GatewayStore.open(config.paths.gatewayDb(id));
  let simulator: SimulatorTransport | undefined;
  let transport: Transport;
  if (opts.transport) transport = opts.transport(store);
  else if (tenant.transport === 'simulator') transport = simulator = new SimulatorTransport(store, { autoPairMs: opts.autoPairMs });
  else {
    // Loaded only for real tenants: Baileys is most of a gateway's memory.
    const { BaileysTransport } = await import('./transports/baileys.js');
    transport = new BaileysTransport({
      authDir: config.paths.authDir(id),
      spillFile: config.paths.inboundSpill(id),
      log,
      sentText: (waId) => store.sentText(waId),
      ...(config.WA_WEBSOCKET_URL ? { socketUrl: config.WA_WEBSOCKET_URL } : {}),
    });
  }
  if (transport instanceof SimulatorTransport) simulator = transport;

  const brain = new BrainClient(config.brainUrl, id, key, undefined, () => readTenantKey(config.paths, id));
  const transcriber = config.TRANSCRIBE_BASE_URL
    ? new Transcriber({
        baseUrl: config.TRANSCRIBE_BASE_URL,
        model: config.TRANSCRIBE_MODEL,
        apiKey: config.TRANSCRIBE_API_KEY,
        timeoutMs: config.TRANSCRIBE_TIMEOUT_MS,
        maxBytes: Math.round(config.TRANSCRIBE_MAX_MB * 1024 * 1024),
      })
    : undefined;
  const gateway = new Gateway({
    policy: new PolicyCache(() => brain.policy(), log),
    media: new MediaPreparer({ dir: config.paths.mediaDir(id), transport, transcriber, log }),
    typingMs: opts.typingMs,
    undecryptableGraceMs: opts.undecryptableGraceMs,
    tenant: id,
    store,
    transport,
    brain,
    log,
    retryCapMs: opts.retryCapMs ?? config.GATEWAY_RETRY_CAP_MS,
    parkedRetryMs: opts.parkedRetryMs,
    random: opts.random,
    governor: opts.governor ?? { perMinute: config.GATEWAY_SEND_PER_MINUTE, burst: config.GATEWAY_SEND_BURST, jitterMs: 400 },
  });
  const app = createGatewayApp({
    tenant: id, gateway, registry, adminKeyHash: hashKey(loadOrCreateAdminKey(config.paths)), log, simulator,
    mediaRoots: [config.home, path.join(projectRoot, 'examples')],
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new GatewayStartError(`port ${opts.port ?? tenant.port} is in use: stop what listens there, or give ${id} another port`) : err),
    );
    server.listen(opts.port ?? tenant.port, '127.0.0.1', () => resolve());
  }).catch(async (err) => {
    await store.close();
    throw err;
  });
  if (opts.publish) {
    const publish = opts.publish;
    gateway.on('qr', (data) => publish('wr:qr', data));
    gateway.on('state', (data) => publish('wr:state', data));
  }
  await gateway.start();
  const port = (server.address() as AddressInfo).port;
  log.info({ tenant: id, port, transport: transport.name }, 'gateway listening on 127.0.0.1');
  return {
    port,
    gateway,
    store,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 5_000).unref();
      });
      await gateway.stop();
      brain.close();
      await store.close();
    },
  };
}
