import { createLogger } from '../../core/logger.js';
import { loadConfig } from '../../core/config.js';
import { readTenantKey } from '../../core/keys.js';
import { startGateway, type GatewayRunOptions, type RunningGateway } from '../../gateway/server.js';
import type { TestHome } from './home.js';

export interface TestGateway extends RunningGateway {
  url: string;
  key: string;
  events: { type: string; data: any }[];
  call(method: string, path: string, body?: unknown, key?: string): Promise<Response>;
  /** Polls until `check` returns a truthy value (or throws after `ms`). */
  until<T>(check: () => Promise<T> | T, ms?: number): Promise<T>;
}

export async function until<T>(check: () => Promise<T> | T, ms = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function startTestGateway(t: TestHome, tenant: string, brainUrl: string, opts: GatewayRunOptions = {}): Promise<TestGateway> {
  const config = loadConfig({ ...t.env, BRAIN_URL: brainUrl }, { alerts: false });
  const events: { type: string; data: any }[] = [];
  const running = await startGateway(config, tenant, createLogger('test-gw', 'silent'), { port: 0, retryCapMs: 200, governor: { perMinute: 60_000, burst: 1000, jitterMs: 0 }, typingMs: () => 0, publish: (type, data) => events.push({ type, data }), ...opts });
  const url = `http://127.0.0.1:${running.port}`;
  const key = readTenantKey(config.paths, tenant)!;
  return {
    ...running,
    url,
    key,
    events,
    call(method, path, body, k = key) {
      return fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${k}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    },
    until: (check, ms) => until(check, ms),
  };
}
