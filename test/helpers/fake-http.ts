import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** When it arrived (ms since the epoch). */
  at: number;
  json(): any;
}

export type Responder = (req: Received) => { status?: number; body?: unknown; headers?: Record<string, string> } | 'hang';

/**
 * A scripted HTTP server on 127.0.0.1 standing in for an outside API (an LLM, Telegram, Twilio):
 * it records every request and answers each with the next responder of the script.
 */
export class FakeHttpServer {
  readonly requests: Received[] = [];
  private script: Responder[] = [];
  private fallback: Responder = () => ({ status: 500, body: { error: 'no scripted answer' } });
  private readonly server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const received: Received = { method: req.method!, path: req.url!, headers: req.headers, body, at: Date.now(), json: () => JSON.parse(body) };
      this.requests.push(received);
      const answer = (this.script.shift() ?? this.fallback)(received);
      if (answer === 'hang') return;
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
      res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {}));
    });
  });

  static async start(): Promise<FakeHttpServer> {
    const fake = new FakeHttpServer();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Answers the next requests in order; after the script, `otherwise` (a 500 by default). */
  respond(script: Responder[], otherwise?: Responder): void {
    this.script = [...script];
    if (otherwise) this.fallback = otherwise;
    this.requests.length = 0;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
