import fs from 'node:fs/promises';
import type http from 'node:http';
import path from 'node:path';
import { z } from 'zod';
import { bearerToken, keyOwner } from '../core/caller.js';
import { HttpError, parseOrThrow } from '../core/http-errors.js';
import { MESSAGE_KINDS } from '../core/inbound.js';
import type { Logger } from '../core/logger.js';
import type { RegistryView } from '../core/registry.js';
import { CODES } from './connection.js';
import type { Gateway } from './gateway.js';
import { Router, type Request } from './router.js';
import type { SimulatorTransport } from './transports/simulator.js';

export interface GatewayAppOptions {
  tenant: string;
  gateway: Gateway;
  registry: RegistryView;
  adminKeyHash: string;
  log: Logger;
  simulator?: SimulatorTransport;
  /** Folders the simulator may read media files from (WR_HOME and the examples). */
  mediaRoots?: string[];
}

/** A media file for the simulator: a regular file inside one of `roots`, so a key holder cannot read the rest of the disk. */
async function simulatorFile(file: string, roots: string[]): Promise<string> {
  let real: string;
  try {
    real = await fs.realpath(path.resolve(file));
    if (!(await fs.stat(real)).isFile()) throw new Error('not a file');
  } catch {
    throw new HttpError(400, `file ${JSON.stringify(file.slice(0, 200))} is not a readable file`);
  }
  const realRoots = await Promise.all(roots.map((root) => fs.realpath(root).catch(() => path.resolve(root))));
  if (!realRoots.some((root) => real.startsWith(root + path.sep))) throw new HttpError(400, `file must be inside ${roots.join(' or ')}`);
  return real;
}

const Jid = z.string().regex(/^[\w.:+-]{1,64}@(s\.whatsapp\.net|lid|g\.us|c\.us)$/, 'expected a WhatsApp JID like 34600111222@s.whatsapp.net');
const Mode = z.enum(['on', 'off']);

/** The gateway's HTTP API on 127.0.0.1: /health is open, everything else needs the tenant's or the admin key. */
export function createGatewayApp(opts: GatewayAppOptions): http.RequestListener {
  const { gateway } = opts;
  const requireKey = (req: Request): void => {
    const key = bearerToken(req.authorization);
    if (!key) throw new HttpError(401, 'missing key: send Authorization: Bearer <tenant or admin key>', undefined, { 'WWW-Authenticate': 'Bearer' });
    const who = keyOwner(key, opts.registry.list(), opts.adminKeyHash);
    if (!who) throw new HttpError(401, 'unknown key', undefined, { 'WWW-Authenticate': 'Bearer' });
    if (!who.admin && who.tenant.id !== opts.tenant) throw new HttpError(403, `this key belongs to another tenant, not "${opts.tenant}"`);
  };
  const router = new Router(opts.log, requireKey);

  router.get('/health', async () => {
    const health = await gateway.health();
    // Unhealthy while inbound messages cannot be stored: the monitor alerts on it.
    return { status: health.storeError ? 503 : 200, json: health };
  }, { open: true });

  router.get('/qr', () => {
    const qr = gateway.qr;
    return { json: { qr: qr?.qr ?? null, expiresAt: qr?.expiresAt ?? null, status: gateway.status } };
  });

  router.post('/pair', async (req) => {
    const { phone } = parseOrThrow(z.object({ phone: z.string().regex(/^\+?[\d\s-]{7,20}$/, 'expected a phone number with country code, like +34600111222') }), req.body, 'pairing request');
    if (gateway.status !== 'qr') throw new HttpError(409, `no pairing in progress (status ${gateway.status}); POST /restart first if the session was logged out`);
    return { json: { code: await gateway.requestPairingCode(phone) } };
  });

  router.post('/restart', async () => {
    await gateway.restart();
    return { json: { status: gateway.status } };
  });

  router.post('/handoff/:mode', async (req) => {
    const { mode } = parseOrThrow(z.object({ mode: Mode }), req.params, 'handoff mode');
    return { json: { handoffMode: await gateway.setTenantHandoff(mode === 'on') } };
  });

  router.post('/handoff/chat/:jid/:mode', async (req) => {
    const { jid, mode } = parseOrThrow(z.object({ jid: Jid, mode: Mode }), req.params, 'chat handoff');
    return { json: { jid, handoff: await gateway.setChatHandoff(jid, mode === 'on') } };
  });

  const sim = opts.simulator;
  if (sim) {
    const SimulatedMessage = z
      .object({
        from: z.string().regex(/^\+?\d{7,15}$/, 'expected a phone number like +34600111222'),
        kind: z.enum(MESSAGE_KINDS).default('text'),
        text: z.string().min(1, 'text is empty').max(4096).optional(),
        caption: z.string().min(1).max(1024).optional(),
        seconds: z.number().int().min(0).max(24 * 3600).optional(),
        file: z.string().min(1).max(1000).optional(),
        latitude: z.number().min(-90).max(90).optional(),
        longitude: z.number().min(-180).max(180).optional(),
        id: z.string().regex(/^[\w-]{1,64}$/).optional(),
        name: z.string().max(100).optional(),
        delivery: z.enum(['notify', 'append']).optional(),
      })
      .refine((m) => m.kind !== 'text' || m.text !== undefined, { message: 'a text message needs text', path: ['text'] })
      .refine((m) => (m.latitude === undefined) === (m.longitude === undefined), { message: 'give both latitude and longitude', path: ['longitude'] });
    router.post('/simulate/inbound', async (req) => {
      const body = parseOrThrow(SimulatedMessage, req.body, 'simulated message');
      if (body.file !== undefined) body.file = await simulatorFile(body.file, opts.mediaRoots ?? []);
      const m = await sim.inbound(body.from, body).catch((err: Error) => {
        // Not stored, so not acknowledged: the sender keeps the message and sends it again.
        throw new HttpError(503, `message not stored (${err.message}); send it again`);
      });
      return { status: 202, json: { id: m.id, chat: m.chat, kind: m.kind } };
    });
    router.get('/simulate/outbox', async () => ({ json: { messages: await sim.outbox(), declinedCalls: sim.declinedCalls } }));
    router.post('/simulate/pair', async () => {
      if (gateway.status !== 'qr') throw new HttpError(409, `nothing to pair (status ${gateway.status})`);
      await sim.pair();
      return { json: { status: gateway.status } };
    });
    router.post('/simulate/disconnect', (req) => {
      const { code } = parseOrThrow(z.object({ code: z.number().int().min(100).max(999).default(CODES.connectionLost) }), req.body ?? {}, 'disconnect');
      sim.drop(code, `simulated disconnect ${code}`);
      return { json: { status: gateway.status } };
    });
  }
  return router.handle;
}
