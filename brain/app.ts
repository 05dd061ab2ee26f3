import express from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Logger } from '../core/logger.js';
import { apiRouter } from './http/api.js';
import { authenticate, callerOf } from './http/auth.js';
import { errorHandler, notFound } from '../core/http-errors.js';
import { FailedLogins } from '../core/failed-logins.js';
import type { EngineStatus } from './receptionist/engine.js';
import type { ChatService } from './services/chat.js';
import type { Tenants } from './tenants.js';

export interface BrainAppOptions {
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

  app.use(
    '/api',
    express.json({ limit: '64kb', strict: true }),
    authenticate(opts.tenants, opts.adminKeyHash, new FailedLogins(opts.failedLogins)),
    // Every caller is 127.0.0.1, so the limit is per tenant, never per IP.
    rateLimit({
      windowMs: 60_000,
      limit: opts.rateLimit,
      keyGenerator: (_req, res) => callerOf(res).tenant.tenant.id,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      message: { error: 'rate limit exceeded for this tenant; retry after the Retry-After seconds' },
    }),
    apiRouter(opts.chat),
  );

  app.use(notFound);
  app.use(errorHandler(opts.log));
  return app;
}
