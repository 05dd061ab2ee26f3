import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { hashKey } from '../../core/keys.js';
import { readRegistry } from '../../core/registry.js';
import { PgServer, tenantSchema } from '../../core/sql/postgres.js';
import { startTestBrain, type TestBrain } from '../helpers/brain.js';
import { cli, exampleProfile, freePort, makeHome, type TestHome } from '../helpers/home.js';
import { usePostgres } from '../helpers/postgres.js';

/** With WR_DATABASE_URL, PostgreSQL is the registry every host shares; tenants.json is each host's own copy. */

const cluster = usePostgres();
let homes: TestHome[] = [];
let brains: TestBrain[] = [];
afterEach(async () => {
  for (const b of brains) await b.close();
  for (const h of homes) h.cleanup();
  homes = [];
  brains = [];
});

async function twoHosts(): Promise<[TestHome, TestHome]> {
  const url = await cluster.current.database();
  const base = String(await freePort());
  homes = [makeHome({ WR_HOST: 'vps-a', WR_PORT_BASE: base, WR_DATABASE_URL: url }), makeHome({ WR_HOST: 'vps-b', WR_PORT_BASE: base, WR_DATABASE_URL: url })];
  return homes as [TestHome, TestHome];
}

const chat = (brain: TestBrain, key: string, tenant: string, messageId: string) =>
  brain.call('POST', '/api/chat', { key, tenant, body: { message: 'what are your opening hours?', sender: '+34600700001', messageId } });

async function until(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('shared registry on PostgreSQL', () => {
  it("serves host A's tenant from a brain started on host B, sees a key rotated on A without a restart, and keeps each host's tenants.json to its own gateways", async () => {
    const [a, b] = await twoHosts();
    expect((await cli(a.env, 'tenant', 'add', 'clinic-a', '--profile', exampleProfile)).code).toBe(0);
    expect((await cli(b.env, 'tenant', 'add', 'clinic-b', '--profile', exampleProfile)).code).toBe(0);
    // The same port on two hosts is fine: each host's gateways listen on its own 127.0.0.1.
    const base = a.config.WR_PORT_BASE;
    expect(readRegistry(a.config.paths).map((t) => [t.id, t.port])).toEqual([['clinic-a', base]]);
    expect(readRegistry(b.config.paths).map((t) => [t.id, t.port])).toEqual([['clinic-b', base]]);
    expect(fs.statSync(b.config.paths.registry).mode & 0o777).toBe(0o600);
    // An id is one tenant across every host: its schema is tenant_<id>.
    const clash = await cli(b.env, 'tenant', 'add', 'clinic-a', '--name', 'Other');
    expect(clash).toMatchObject({ code: 1, stderr: expect.stringContaining('tenant id "clinic-a" is taken by host "vps-a" in the shared registry') });
    expect(readRegistry(b.config.paths).map((t) => t.id)).toEqual(['clinic-b']);

    const onB = await startTestBrain(b);
    brains.push(onB);
    const keyA = fs.readFileSync(a.config.paths.secret('clinic-a'), 'utf8').trim();
    const first = await chat(onB, keyA, 'clinic-a', 'm1');
    expect(first.status).toBe(200);
    expect((await first.json()).reply).toContain('open');
    expect((await chat(onB, onB.keyOf('clinic-b'), 'clinic-b', 'm2')).status).toBe(200);

    const rotated = await cli(a.env, 'tenant', 'key', 'clinic-a', '--rotate');
    expect(rotated.code).toBe(0);
    const fresh = rotated.stdout.trim();
    await until(async () => onB.tenants.registry.get('clinic-a')?.keyHash === hashKey(fresh));
    expect((await chat(onB, keyA, 'clinic-a', 'm3')).status).toBe(401);
    expect((await chat(onB, fresh, 'clinic-a', 'm4')).status).toBe(200);

    // A tenant added on A after B's brain started is served by it too; one removed is refused.
    expect((await cli(a.env, 'tenant', 'add', 'late', '--name', 'Late Shop')).code).toBe(0);
    const lateKey = fs.readFileSync(a.config.paths.secret('late'), 'utf8').trim();
    // Polled in-process: failed logins would trip the brain's failed-login limit.
    await until(async () => onB.tenants.registry.get('late') !== undefined);
    expect((await chat(onB, lateKey, 'late', 'm5')).status).toBe(200);
    expect((await cli(a.env, 'tenant', 'remove', 'late')).code).toBe(0);
    await until(async () => onB.tenants.registry.get('late') === undefined);
    expect((await chat(onB, lateKey, 'late', 'm6')).status).toBe(401);
    expect(readRegistry(a.config.paths).map((t) => t.id)).toEqual(['clinic-a']);
  }, 60_000);

  it('keeps the last good registry while PostgreSQL is unreachable, and refuses registry changes it cannot store', async () => {
    const [a, b] = await twoHosts();
    expect((await cli(a.env, 'tenant', 'add', 'clinic-a', '--profile', exampleProfile)).code).toBe(0);
    const onB = await startTestBrain(b);
    brains.push(onB);
    const keyA = fs.readFileSync(a.config.paths.secret('clinic-a'), 'utf8').trim();
    expect((await chat(onB, keyA, 'clinic-a', 'm1')).status).toBe(200);

    cluster.current.ctl('stop', '-m', 'fast', '-w');
    try {
      await new Promise((r) => setTimeout(r, 2_500)); // past a refresh
      // Still known (not 401): the data itself is on the stopped server, so the answer is "retry later".
      expect((await chat(onB, keyA, 'clinic-a', 'm2')).status).toBe(503);
      expect((await chat(onB, 'wr_wrong-key-0000000000000000000000000000', 'clinic-a', 'm3')).status).toBe(401);
      const add = await cli(b.env, 'tenant', 'add', 'clinic-c', '--name', 'C');
      expect(add).toMatchObject({ code: 1, stderr: expect.stringContaining('the shared registry on PostgreSQL (WR_DATABASE_URL) cannot be reached') });
      expect(readRegistry(b.config.paths)).toEqual([]);
    } finally {
      cluster.current.ctl('start', '-w');
    }
    await until(async () => (await chat(onB, keyA, 'clinic-a', 'm4')).status === 200);
  }, 60_000);

  it('publishes tenants registered before WR_DATABASE_URL with `db migrate`, and refuses an id another host holds', async () => {
    const url = await cluster.current.database();
    const a = makeHome({ WR_HOST: 'vps-a', WR_DATABASE_URL: url });
    const b = makeHome({ WR_HOST: 'vps-b', WR_PORT_BASE: String(a.config.WR_PORT_BASE) });
    homes = [a, b];
    expect((await cli(a.env, 'tenant', 'add', 'shop', '--name', 'Shop A')).code).toBe(0);
    expect((await cli(b.env, 'tenant', 'add', 'shop', '--name', 'Shop B')).code).toBe(0);
    expect((await cli(b.env, 'tenant', 'add', 'bakery', '--name', 'Bakery')).code).toBe(0);
    fs.appendFileSync(b.config.paths.envFile, `WR_DATABASE_URL=${JSON.stringify(url)}\n`);
    const before = fs.readFileSync(b.config.paths.registry, 'utf8');
    const refused = await cli(b.env, 'db', 'migrate', 'all');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('tenant "shop" of this host (vps-b) is registered on host "vps-a" in the shared registry');
    expect(fs.readFileSync(b.config.paths.registry, 'utf8')).toBe(before);

    expect((await cli(b.env, 'tenant', 'remove', 'shop')).code).toBe(1); // the clash blocks every change until it is resolved
    fs.writeFileSync(b.config.paths.registry, JSON.stringify({ version: 1, tenants: JSON.parse(before).tenants.filter((t: { id: string }) => t.id !== 'shop') }));
    const published = await cli(b.env, 'db', 'migrate', 'all');
    expect(published.stdout).toContain('registry: 1 tenant of host vps-b in PostgreSQL (wr_registry.tenants)');
    const onA = await startTestBrain(a);
    brains.push(onA);
    // Its warm-up opens this host's tenants only (their gateways send here); another host's opens on first use.
    const server = new PgServer(url);
    try {
      await until(() => server.schemaExists(tenantSchema('shop')));
      await new Promise((r) => setTimeout(r, 1_000));
      expect(await server.schemaExists(tenantSchema('bakery'))).toBe(false);
    } finally {
      await server.close();
    }
    expect((await chat(onA, onA.keyOf('shop'), 'shop', 'm1')).status).toBe(200);
    // This host's own changes are seen at once: its brain reads them from the tenants.json they rewrote.
    const oldKey = onA.keyOf('shop');
    expect((await cli(a.env, 'tenant', 'key', 'shop', '--rotate')).code).toBe(0);
    expect((await chat(onA, oldKey, 'shop', 'm3')).status).toBe(401);
    expect((await chat(onA, onA.keyOf('shop'), 'shop', 'm4')).status).toBe(200);
    const bakeryKey = fs.readFileSync(b.config.paths.secret('bakery'), 'utf8').trim();
    expect((await chat(onA, bakeryKey, 'bakery', 'm2')).status).toBe(200);
  }, 60_000);
});
