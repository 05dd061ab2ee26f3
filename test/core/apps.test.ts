import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { brainMemoryLimit, buildApps, GATEWAY_NODE_ARGS } from '../../core/apps.js';
import type { Tenant } from '../../core/registry.js';

const tenants = (n: number): Tenant[] =>
  Array.from({ length: n }, (_, i) => ({ id: `t${i}`, name: `T${i}`, port: 2900 + i, transport: 'simulator', createdAt: '2026-01-01T00:00:00.000Z', keyHash: 'x'.repeat(64) }) as Tenant);

describe('PM2 apps', () => {
  it('gives the brain a memory limit that grows with the tenants it keeps open', () => {
    expect(brainMemoryLimit(0)).toBe('400M');
    expect(brainMemoryLimit(100)).toBe('656M');
    const apps = buildApps({ home: '/tmp/wr-apps-test' }, tenants(250));
    expect(apps[0]).toMatchObject({ name: 'wr-brain', max_memory_restart: '1256M' });
    // 250 tenants at the 2.5 MB each measured with 100, plus the 60 MB the brain starts with.
    expect(Number.parseInt(apps[0]!.max_memory_restart)).toBeGreaterThan(60 + 2.5 * 250 * 1.5);
    const gateways = apps.filter((a) => a.name.startsWith('wr-gw-'));
    expect(gateways).toHaveLength(250);
    expect(gateways.every((g) => g.node_args === GATEWAY_NODE_ARGS && g.exec_mode === 'fork')).toBe(true);
    expect(apps[0]).toMatchObject({ exec_mode: 'fork', instances: 1 });
  });

  it('runs the brain in cluster mode with BRAIN_INSTANCES processes, never on SQLite', () => {
    expect(buildApps({ home: '/tmp/wr-apps-test', brainInstances: 3 }, tenants(1))[0]).toMatchObject({ name: 'wr-brain', exec_mode: 'cluster', instances: 3 });
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'wr-apps-'));
    try {
      fs.writeFileSync(path.join(home, 'wr.env'), 'BRAIN_INSTANCES=2\nWR_DATABASE_URL=postgres://wr@127.0.0.1:5432/wr\n');
      expect(buildApps({ home }, [])[0]).toMatchObject({ exec_mode: 'cluster', instances: 2 });
      // On SQLite the list keeps one brain in fork mode, and that brain refuses to start, saying why (test/core/config.test.ts).
      fs.writeFileSync(path.join(home, 'wr.env'), 'BRAIN_INSTANCES=2\n');
      expect(buildApps({ home }, [])[0]).toMatchObject({ exec_mode: 'fork', instances: 1 });
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
