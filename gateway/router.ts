import type http from 'node:http';
import { errorReply, HttpError, noRoute } from '../core/http-errors.js';
import type { Logger } from '../core/logger.js';

export const BODY_LIMIT = 64 * 1024;

export interface Request {
  method: string;
  path: string;
  params: Record<string, string>;
  /** The parsed JSON body; undefined when there is none. */
  body: unknown;
  authorization: string | undefined;
  /** The caller's address, for counting failed logins. */
  source: string;
}

/** A JSON answer; status 200 unless said. */
export interface Reply {
  status?: number;
  json: unknown;
}

type Handler = (req: Request) => Reply | Promise<Reply>;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
  open: boolean;
}

/**
 * The gateway's few routes on node:http. Express costs every gateway process ~10 MB and a
 * slower start for a dozen fixed routes; the brain, which has a real API, keeps it. Errors are
 * mapped exactly as the brain maps them (core/http-errors).
 */
export class Router {
  private readonly routes: Route[] = [];

  constructor(
    private readonly log: Logger,
    /** Runs before every route that is not open; throws HttpError to refuse. */
    private readonly guard: (req: Request) => void,
  ) {}

  get(path: string, handler: Handler, opts: { open?: boolean } = {}): this {
    return this.add('GET', path, handler, opts.open ?? false);
  }

  post(path: string, handler: Handler): this {
    return this.add('POST', path, handler, false);
  }

  private add(method: string, path: string, handler: Handler, open: boolean): this {
    const keys: string[] = [];
    const pattern = new RegExp(`^${path.replace(/:(\w+)/g, (_m, key: string) => (keys.push(key), '([^/]+)'))}$`);
    this.routes.push({ method, pattern, keys, handler, open });
    return this;
  }

  readonly handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0]!;
    this.dispatch(req, method, path).then(
      (reply) => send(res, reply.status ?? 200, {}, reply.json),
      (err: unknown) => {
        const { status, headers, body } = errorReply(err, this.log, { method, path });
        send(res, status, headers, body);
      },
    );
  };

  private async dispatch(req: http.IncomingMessage, method: string, path: string): Promise<Reply> {
    for (const route of this.routes) {
      const match = route.method === method ? route.pattern.exec(path) : null;
      if (!match) continue;
      const params = Object.fromEntries(route.keys.map((k, i) => [k, decodeParam(match[i + 1]!)]));
      const request: Request = { method, path, params, body: undefined, authorization: req.headers.authorization, source: req.socket.remoteAddress ?? '?' };
      if (!route.open) this.guard(request);
      if (method === 'POST') request.body = await readJson(req);
      return route.handler(request);
    }
    return { status: 404, json: { error: noRoute(method, path) } };
  }
}

function decodeParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, `malformed URL component "${raw.slice(0, 40)}"`);
  }
}

/** The body as JSON when it says it is JSON, at most BODY_LIMIT bytes. */
async function readJson(req: http.IncomingMessage): Promise<unknown> {
  if (Number(req.headers['content-length'] ?? 0) > BODY_LIMIT) throw Object.assign(new Error('too large'), { type: 'entity.too.large' });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT) throw Object.assign(new Error('too large'), { type: 'entity.too.large' });
    chunks.push(chunk);
  }
  if (size === 0 || !/\bjson\b/i.test(req.headers['content-type'] ?? '')) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw Object.assign(new Error('bad JSON'), { type: 'entity.parse.failed' });
  }
}

function send(res: http.ServerResponse, status: number, headers: Record<string, string>, json: unknown): void {
  if (res.headersSent) return;
  const body = JSON.stringify(json);
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
