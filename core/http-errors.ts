import type { ErrorRequestHandler, RequestHandler } from 'express';
import { z } from 'zod';
import { formatPath } from './profile.js';
import type { Logger } from './logger.js';

export interface ErrorDetail {
  path: string;
  message: string;
}

/** An error whose message is safe to show the caller. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: ErrorDetail[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new HttpError(
    400,
    `invalid ${what}`,
    parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
  );
}

export const notFound: RequestHandler = (req, res) => {
  res.status(404).json({ error: `no route ${req.method} ${req.path}` });
};

/** The last middleware: maps every failure to a JSON error; stack traces stay in the log. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (res.headersSent) return;
    const bodyError = err as { type?: string; status?: number };
    if (bodyError.type === 'entity.too.large') {
      res.status(413).json({ error: 'request body too large (limit 64 KiB)' });
    } else if (bodyError.type === 'entity.parse.failed') {
      res.status(400).json({ error: 'request body is not valid JSON', details: [] });
    } else if (bodyError.type && bodyError.status && bodyError.status < 500) {
      res.status(bodyError.status).json({ error: 'unreadable request body', details: [] });
    } else if (/SQLITE_FULL|ENOSPC/.test(String((err as { parent?: { code?: string } }).parent?.code ?? (err as Error).message))) {
      // Nothing was written; the caller (a gateway) keeps the message and retries.
      log.error({ method: req.method, path: req.path }, 'disk full: cannot write the database');
      res.set('Retry-After', '30').status(503).json({ error: 'storage full: this request was not saved; retry once disk space is freed' });
    } else if (err instanceof HttpError) {
      res.set(err.headers).status(err.status).json(err.details ? { error: err.message, details: err.details } : { error: err.message });
    } else {
      log.error({ err, method: req.method, path: req.path }, 'request failed');
      res.status(500).json({ error: 'internal error; the log has the details' });
    }
  };
}
