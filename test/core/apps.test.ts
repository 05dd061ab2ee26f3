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
  });
});
