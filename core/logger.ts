import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Any field with one of these names is censored wherever it sits in a log object. */
const SECRET_FIELDS = ['key', 'apiKey', 'token', 'authorization', 'password', 'secret', 'authToken', 'keyHash'];

export const redactPaths = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
  'req.headers.authorization',
  'headers.authorization',
  'headers["x-api-key"]',
];

/**
 * Errors without the statement and values that failed: a database error carries its SQL and
 * parameters (customers' names and messages), which have no place in a log.
 */
export function serializeError(err: unknown): unknown {
  const out = stdSerializers.err(err as Error) as unknown as Record<string, unknown>;
  if (!out || typeof out !== 'object') return out;
  delete out.sql;
  delete out.parameters;
  delete out.original;
  const parent = out.parent as { message?: unknown; code?: unknown } | undefined;
  if (parent && typeof parent === 'object') out.parent = { message: parent.message, code: parent.code };
  return out;
}

export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info', destination?: DestinationStream): Logger {
  return pino({ name, level, redact: { paths: redactPaths, censor: '[redacted]' }, serializers: { err: serializeError } }, destination);
}
