import { pino, type DestinationStream, type Logger } from 'pino';

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

export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info', destination?: DestinationStream): Logger {
  return pino({ name, level, redact: { paths: redactPaths, censor: '[redacted]' } }, destination);
}
