import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../core/fs.js';
import { hashKey } from '../../core/keys.js';
import { parseProfileYaml, renameProfileYaml } from '../../core/profile.js';
import { readRegistry } from '../../core/registry.js';
import { REGISTRY_SCHEMA, RenameFailed, saveProfileNamed } from '../../core/shared-registry.js';
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

describe('a rename on the shared registry that cannot be stored everywhere', () => {
  let home: TestHome;
  let url: string;
  let server: PgServer;
  const immutable = (on: boolean) => execFileSync('chattr', [on ? '+i' : '-i', home.config.paths.registry]);
  /** The name PostgreSQL holds, which every other host's brain serves. */
  const shared = async () =>
    (await server.with(REGISTRY_SCHEMA, (c) => c.query<{ name: string }>('SELECT name FROM tenants WHERE id = $1', ['shop']))).rows[0]?.name;
  const listed = () => readRegistry(home.config.paths).find((t) => t.id === 'shop')?.name;

  beforeEach(async () => {
    url = await cluster.current.database();
    home = makeHome({ WR_HOST: 'vps-a', WR_DATABASE_URL: url });
    homes.push(home);
    server = new PgServer(url);
    expect((await cli(home.env, 'tenant', 'add', 'shop', '--name', 'Shop', '--transport', 'simulator')).code).toBe(0);
  });
  afterEach(async () => {
    immutable(false);
    await server.close();
  });

  it('PUT /api/profile: a tenants.json that cannot be rewritten leaves PostgreSQL, tenants.json and the profile as they were', async () => {
    const brain = await startTestBrain(home);
    brains.push(brain);
    const get = async () => (await brain.call('GET', '/api/profile', { key: brain.adminKey, tenant: 'shop' })).json();
    const profile = await get();
    const file = home.config.paths.profile('shop');
    const before = fs.readFileSync(file, 'utf8');
    immutable(true); // even root cannot replace it
    const refused = await brain.call('PUT', '/api/profile', { key: brain.adminKey, tenant: 'shop', body: { ...profile, name: 'Shop Nuevo' } });
    expect(refused.status).toBe(503);
    expect((await refused.json()).error).toMatch(/^the registry could not be written to list shop as "Shop Nuevo" \(cannot write .*tenants\.json \(EPERM\).*\); the profile was put back as it was, so nothing changed/);
    // "Nothing changed" is true everywhere: before, PostgreSQL had committed the new name for every other host.
    expect(await shared()).toBe('Shop');
    expect(listed()).toBe('Shop');
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    expect(await get()).toEqual(profile);

    // Saving under the same name changes nothing in the registry, so a read-only tenants.json does not refuse it.
    expect((await brain.call('PUT', '/api/profile', { key: brain.adminKey, tenant: 'shop', body: { ...profile, timezone: 'Europe/London' } })).status).toBe(200);
    immutable(false);
    expect((await brain.call('PUT', '/api/profile', { key: brain.adminKey, tenant: 'shop', body: { ...profile, name: 'Shop Nuevo' } })).status).toBe(200);
    expect([await shared(), listed()]).toEqual(['Shop Nuevo', 'Shop Nuevo']);
  }, 60_000);

  it('a commit PostgreSQL refuses after tenants.json was rewritten puts tenants.json and the profile back', async () => {
    // A deferred constraint trigger fails at COMMIT, after every statement (and the file write) succeeded.
    await server.with(REGISTRY_SCHEMA, (c) =>
      c.query(`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'commit refused by test'; END $$;
        CREATE CONSTRAINT TRIGGER refuse_commit AFTER INSERT ON tenants DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse()`),
    );
    const file = home.config.paths.profile('shop');
    const before = fs.readFileSync(file, 'utf8');
    const registryBefore = fs.readFileSync(home.config.paths.registry, 'utf8');
    const renamed = path.join(home.home, 'renamed.yaml');
    fs.writeFileSync(renamed, renameProfileYaml(before, 'Shop Importada'));
    const r = await cli(home.env, 'tenant', 'import', 'shop', renamed);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/could not be written to list shop as "Shop Importada" \(commit refused by test\); the profile was put back as it was, so nothing changed/);
    expect(fs.readFileSync(home.config.paths.registry, 'utf8')).toBe(registryBefore);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    expect(await shared()).toBe('Shop');
  }, 60_000);

  it('a profile that cannot be put back: the error says which name each shows and what to do, and the registry keeps its name everywhere', async () => {
    const file = home.config.paths.profile('shop');
    const before = fs.readFileSync(file, 'utf8');
    immutable(true);
    const failed = await saveProfileNamed(home.config, 'shop', 'Shop Nuevo', () => {
      writeFileAtomic(file, renameProfileYaml(before, 'Shop Nuevo'));
      // The writer that would put it back fails too (the disk went read-only in between, say).
      return () => {
        throw new Error('EROFS: read-only file system');
      };
    }).catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(RenameFailed);
    expect(failed).toMatchObject({
      rolledBack: false,
      message: expect.stringMatching(
        /\(cannot write .*tenants\.json \(EPERM\).*\), and the profile could not be put back \(EROFS: read-only file system\): the profile names the business "Shop Nuevo" while tenant list shows "Shop" until the next change of the profile; fix the cause and save the profile again$/,
      ),
    });
    // What the message says is so: the registry, here and in PostgreSQL, still names it "Shop".
    expect([await shared(), listed()]).toEqual(['Shop', 'Shop']);
    expect(parseProfileYaml(fs.readFileSync(file, 'utf8')).name).toBe('Shop Nuevo');
    // And the fix it names works.
    immutable(false);
    expect(await saveProfileNamed(home.config, 'shop', 'Shop Nuevo', () => {})).toBe('Shop');
    expect([await shared(), listed()]).toEqual(['Shop Nuevo', 'Shop Nuevo']);
  }, 60_000);
});
