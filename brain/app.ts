import express from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Logger } from '../core/logger.js';
import { apiRouter, type RegistryConfig } from './http/api.js';
import { authenticate, callerOf, requireAdminKey } from './http/auth.js';
import { z } from 'zod';
import { errorHandler, notFound, parseOrThrow } from '../core/http-errors.js';
import { isTenantId } from '../core/paths.js';
import { FailedLogins } from '../core/failed-logins.js';
import type { EngineStatus } from './receptionist/engine.js';
import type { ChatService } from './services/chat.js';
import type { Tenants } from './tenants.js';

export interface BrainAppOptions {
  /** Where the registry is: a profile saved with a new business name renames the tenant there. */
  registry: RegistryConfig;
  tenants: Tenants;
  chat: ChatService;
  /** The LLM engine's state, when one is configured. */
  engineStatus?: () => EngineStatus;
  adminKeyHash: string;
  /** Requests per minute per tenant. */
  rateLimit: number;
  /** Failed logins per minute per address before it must wait. */
  failedLogins?: number;
  log: Logger;
  version: string;
  startedAt?: number;
}

export function createBrainApp(opts: BrainAppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const startedAt = opts.startedAt ?? Date.now();

  app.get('/health', (_req, res) => {
    res.json({
      ok: true,
      tenants: opts.tenants.registry.list().length,
      uptime: Math.round((Date.now() - startedAt) / 1000),
      version: opts.version,
      ...(opts.engineStatus ? { llm: opts.engineStatus() } : {}),
    });
  });

  const failed = new FailedLogins(opts.failedLogins);
  // `wr-console restore --tenant`: that tenant's database is closed while its file is replaced,
  // and opened afresh after, so the brain serves the restored data with no restart of the others.
  // Outside /api: a suspended tenant refuses /api, and resume must still get through.
  app.post('/admin/tenants/:id/:action', requireAdminKey(opts.adminKeyHash, failed), async (req, res) => {
    const { id, action } = parseOrThrow(z.object({ id: z.string().refine(isTenantId, 'not a tenant id'), action: z.enum(['suspend', 'resume']) }), req.params, 'tenant action');
    if (action === 'suspend') await opts.tenants.suspend(id);
    else opts.tenants.resume(id);
    res.json({ tenant: id, suspended: action === 'suspend' });
  });

  app.use(
    '/api',
    express.json({ limit: '64kb', strict: true }),
    authenticate(opts.tenants, opts.adminKeyHash, failed),
    // Every caller is 127.0.0.1, so the limit is per tenant, never per IP.
    rateLimit({
      windowMs: 60_000,
      limit: opts.rateLimit,
      keyGenerator: (_req, res) => callerOf(res).tenant.tenant.id,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      message: { error: 'rate limit exceeded for this tenant; retry after the Retry-After seconds' },
    }),
    apiRouter(opts.chat, opts.registry),
  );

  app.use(notFound);
  app.use(errorHandler(opts.log));
  return app;
}
