import { createLogger } from '../../core/logger.js';
import { loadConfig } from '../../core/config.js';
import { readTenantKey } from '../../core/keys.js';
import { startBrain, type RunningBrain } from '../../brain/server.js';
import type { TestHome } from './home.js';

export interface TestBrain extends RunningBrain {
  url: string;
  adminKey: string;
  keyOf(tenant: string): string;
  /** fetch against the brain with the given key and tenant. */
  call(method: string, path: string, opts?: { key?: string; tenant?: string; body?: unknown; headers?: Record<string, string> }): Promise<Response>;
}

export async function startTestBrain(t: TestHome, env: Record<string, string> = {}, port = 0): Promise<TestBrain> {
  const config = loadConfig({ ...t.env, ...env }, { alerts: false });
  const brain = await startBrain(config, createLogger('test-brain', 'silent'), port);
  const url = `http://127.0.0.1:${brain.port}`;
  const adminKey = (await import('node:fs')).readFileSync(config.paths.adminKey, 'utf8').trim();
  return {
    ...brain,
    url,
    adminKey,
    keyOf: (tenant) => readTenantKey(config.paths, tenant)!,
    call(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.key) headers.authorization = `Bearer ${opts.key}`;
      if (opts.tenant) headers['x-client-id'] = opts.tenant;
      let body: string | undefined;
      if (opts.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      }
      return fetch(`${url}${path}`, { method, headers, body });
    },
  };
}
