import type { ErrorRequestHandler, RequestHandler } from 'express';
import { z } from 'zod';
import { formatPath } from './issue-path.js';
import type { Logger } from './logger.js';
import { DatabaseUnavailable } from './sql/database.js';

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
  res.status(404).json({ error: noRoute(req.method, req.path) });
};

export const noRoute = (method: string, path: string): string => `no route ${method} ${path}`;

export interface ErrorReply {
  status: number;
  headers: Record<string, string>;
  body: { error: string; details?: ErrorDetail[] };
}

/** What the caller is told about a failure; stack traces and unexpected errors stay in the log. */
export function errorReply(err: unknown, log: Logger, where: { method: string; path: string }): ErrorReply {
  const bodyError = err as { type?: string; status?: number };
  const reply = (status: number, error: string, details?: ErrorDetail[], headers: Record<string, string> = {}): ErrorReply => ({ status, headers, body: details ? { error, details } : { error } });
  if (bodyError.type === 'entity.too.large') return reply(413, 'request body too large (limit 64 KiB)');
  if (bodyError.type === 'entity.parse.failed') return reply(400, 'request body is not valid JSON', []);
  if (bodyError.type && bodyError.status && bodyError.status < 500) return reply(bodyError.status, 'unreadable request body', []);
  if (/SQLITE_FULL|ENOSPC/.test(String((err as { parent?: { code?: string } }).parent?.code ?? (err as Error).message))) {
    // Nothing was written; the caller (a gateway) keeps the message and retries.
    log.error(where, 'disk full: cannot write the database');
    return reply(503, 'storage full: this request was not saved; retry once disk space is freed', undefined, { 'Retry-After': '30' });
  }
  if (err instanceof HttpError) return reply(err.status, err.message, err.details, err.headers);
  if (err instanceof DatabaseUnavailable) {
    // Nothing was acknowledged; the caller (a gateway) keeps the message and retries.
    log.warn({ ...where, err: err.message }, 'database unavailable');
    return reply(503, `${err.message}; retry after the Retry-After seconds`, undefined, { 'Retry-After': String(err.retryAfterSeconds) });
  }
  log.error({ err, ...where }, 'request failed');
  return reply(500, 'internal error; the log has the details');
}

/** The last middleware: maps every failure to a JSON error. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (res.headersSent) return;
    const { status, headers, body } = errorReply(err, log, { method: req.method, path: req.path });
    res.set(headers).status(status).json(body);
  };
}
