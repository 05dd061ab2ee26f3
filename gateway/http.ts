import express, { type RequestHandler } from 'express';
import { z } from 'zod';
import { bearerToken, keyOwner } from '../core/caller.js';
import { errorHandler, HttpError, notFound, parseOrThrow } from '../core/http-errors.js';
import type { Logger } from '../core/logger.js';
import type { RegistryView } from '../core/registry.js';
import { CODES } from './connection.js';
import type { Gateway } from './gateway.js';
import type { SimulatorTransport } from './transports/simulator.js';

export interface GatewayAppOptions {
  tenant: string;
  gateway: Gateway;
  registry: RegistryView;
  adminKeyHash: string;
  log: Logger;
  simulator?: SimulatorTransport;
}

const Jid = z.string().regex(/^[\w.:+-]{1,64}@(s\.whatsapp\.net|lid|g\.us|c\.us)$/, 'expected a WhatsApp JID like 34600111222@s.whatsapp.net');

/** The gateway's HTTP API on 127.0.0.1: /health is open, everything else needs the tenant's or the admin key. */
export function createGatewayApp(opts: GatewayAppOptions): express.Express {
  const { gateway } = opts;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.get('/health', async (_req, res) => {
    res.json(await gateway.health());
  });

  const requireKey: RequestHandler = (req, _res, next) => {
    const key = bearerToken(req.get('authorization'));
    if (!key) throw new HttpError(401, 'missing key: send Authorization: Bearer <tenant or admin key>', undefined, { 'WWW-Authenticate': 'Bearer' });
    const who = keyOwner(key, opts.registry.list(), opts.adminKeyHash);
    if (!who) throw new HttpError(401, 'unknown key', undefined, { 'WWW-Authenticate': 'Bearer' });
    if (!who.admin && who.tenant.id !== opts.tenant) throw new HttpError(403, `this key belongs to another tenant, not "${opts.tenant}"`);
    next();
  };
  app.use(express.json({ limit: '64kb' }), requireKey);

  app.get('/qr', (_req, res) => {
    const qr = gateway.qr;
    res.json({ qr: qr?.qr ?? null, expiresAt: qr?.expiresAt ?? null, status: gateway.status });
  });

  app.post('/pair', async (req, res) => {
    const { phone } = parseOrThrow(z.object({ phone: z.string().regex(/^\+?[\d\s-]{7,20}$/, 'expected a phone number with country code, like +34600111222') }), req.body, 'pairing request');
    if (gateway.status !== 'qr') throw new HttpError(409, `no pairing in progress (status ${gateway.status}); POST /restart first if the session was logged out`);
    res.json({ code: await gateway.requestPairingCode(phone) });
  });

  app.post('/restart', async (_req, res) => {
    await gateway.restart();
    res.json({ status: gateway.status });
  });

  app.post('/handoff/:mode', async (req, res) => {
    const { mode } = parseOrThrow(z.object({ mode: z.enum(['on', 'off']) }), req.params, 'handoff mode');
    res.json({ handoffMode: await gateway.setTenantHandoff(mode === 'on') });
  });

  app.post('/handoff/chat/:jid/:mode', async (req, res) => {
    const { jid, mode } = parseOrThrow(z.object({ jid: Jid, mode: z.enum(['on', 'off']) }), req.params, 'chat handoff');
    res.json({ jid, handoff: await gateway.setChatHandoff(jid, mode === 'on') });
  });

  const sim = opts.simulator;
  if (sim) {
    app.post('/simulate/inbound', async (req, res) => {
      const body = parseOrThrow(
        z.object({
          from: z.string().regex(/^\+?\d{7,15}$/, 'expected a phone number like +34600111222'),
          text: z.string().min(1, 'text is empty').max(4096),
          id: z.string().regex(/^[\w-]{1,64}$/).optional(),
          name: z.string().max(100).optional(),
          kind: z.enum(['notify', 'append']).optional(),
        }),
        req.body,
        'simulated message',
      );
      const m = await sim.inbound(body.from, body.text, { id: body.id, name: body.name, kind: body.kind });
      res.status(202).json({ id: m.id, chat: m.chat });
    });
    app.get('/simulate/outbox', async (_req, res) => {
      res.json({ messages: await sim.outbox() });
    });
    app.post('/simulate/pair', async (_req, res) => {
      if (gateway.status !== 'qr') throw new HttpError(409, `nothing to pair (status ${gateway.status})`);
      await sim.pair();
      res.json({ status: gateway.status });
    });
    app.post('/simulate/disconnect', (req, res) => {
      const { code } = parseOrThrow(z.object({ code: z.number().int().min(100).max(999).default(CODES.connectionLost) }), req.body ?? {}, 'disconnect');
      sim.drop(code, `simulated disconnect ${code}`);
      res.json({ status: gateway.status });
    });
  }

  app.use(notFound);
  app.use(errorHandler(opts.log));
  return app;
}
