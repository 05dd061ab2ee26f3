import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EscalationListSchema } from '../../core/contracts.js';
import { parseProfileYaml, renameProfileYaml } from '../../core/profile.js';
import { readRegistry } from '../../core/registry.js';
import { updateTenants } from '../../core/shared-registry.js';
import { cli, exampleProfile, makeHome, type TestHome } from '../helpers/home.js';
import { startTestBrain, type TestBrain } from '../helpers/brain.js';
import { until } from '../helpers/gateway.js';
import { engines } from '../helpers/engines.js';

let t: TestHome;
let brain: TestBrain;

describe.each(engines())('on $name', (engine) => {
  beforeAll(async () => {
    t = makeHome({ ...(await engine.settings()) });
    await cli(t.env, 'tenant', 'add', 'clinic-a', '--profile', exampleProfile);
    await cli(t.env, 'tenant', 'add', 'salon-b', '--name', 'Salon B');
    // Every 401 of the endpoint matrix counts as a failed login from 127.0.0.1.
    brain = await startTestBrain(t, { BRAIN_FAILED_LOGINS: '1000' });
  });
  afterAll(async () => {
    await brain?.close();
    t?.cleanup();
  });

  const profileBody = { name: 'Salon B', timezone: 'Europe/London', hours: { mon: ['10:00-18:00'] }, services: [{ id: 'cut', name: 'Haircut', duration: 30, price: 25, currency: 'GBP' }] };

  const endpoints: { method: string; path: string; body?: unknown; adminOnly?: boolean }[] = [
    { method: 'GET', path: '/api/profile' },
    { method: 'PUT', path: '/api/profile', body: profileBody, adminOnly: true },
    { method: 'GET', path: '/api/conversations' },
    { method: 'GET', path: '/api/bookings' },
    { method: 'GET', path: '/api/escalations' },
    { method: 'GET', path: '/api/escalations/notices', adminOnly: true },
  ];

  describe('brain start', () => {
    it('opens every registered tenant right after it starts, before any request', async () => {
      await until(() => brain.tenants.openCount === 2, 10_000, 'both tenants opened');
      // On PostgreSQL the tenant's data is a schema on the server, and no tenant.db is created.
      expect(fs.existsSync(t.config.paths.tenantDb('salon-b'))).toBe(engine.name === 'SQLite');
    });
  });

  describe('brain auth matrix', () => {
    const cases = ['no key', 'bad key', "another tenant's key", 'own key', 'admin key'] as const;
    for (const ep of endpoints) {
      for (const who of cases) {
        const expected = { 'no key': 401, 'bad key': 401, "another tenant's key": 403, 'own key': ep.adminOnly ? 403 : 200, 'admin key': 200 }[who];
        it(`${ep.method} ${ep.path} with ${who} → ${expected}`, async () => {
          const key = { 'no key': undefined, 'bad key': 'not-a-key', "another tenant's key": brain.keyOf('clinic-a'), 'own key': brain.keyOf('salon-b'), 'admin key': brain.adminKey }[who];
          const res = await brain.call(ep.method, ep.path, { key, tenant: 'salon-b', body: ep.body });
          expect(res.status).toBe(expected);
          const body = await res.json();
          if (expected !== 200) expect(body).toEqual({ error: expect.any(String) });
          if (expected === 401) expect(res.headers.get('www-authenticate')).toBe('Bearer');
        });
      }
    }

    it('answers 404 for an unknown tenant and 400 for a missing or malformed X-Client-ID', async () => {
      expect((await brain.call('GET', '/api/profile', { key: brain.adminKey, tenant: 'ghost' })).status).toBe(404);
      const missing = await brain.call('GET', '/api/profile', { key: brain.adminKey });
      expect(missing.status).toBe(400);
      expect(await missing.json()).toEqual({ error: expect.stringContaining('X-Client-ID'), details: [{ path: 'X-Client-ID', message: 'required' }] });
      expect((await brain.call('GET', '/api/profile', { key: brain.adminKey, tenant: '../etc' })).status).toBe(400);
    });

    it('serves /health without a key and never sends x-powered-by', async () => {
      const res = await fetch(`${brain.url}/health`);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-powered-by')).toBeNull();
      expect(await res.json()).toEqual({ ok: true, tenants: 2, uptime: expect.any(Number), version: '0.1.0' });
    });
  });

  describe('brain data API', () => {
    it('serves the imported profile, and the original spec queries work with the sqlite3 tool or psql', async () => {
      const res = await brain.call('GET', '/api/profile', { key: brain.keyOf('clinic-a'), tenant: 'clinic-a' });
      const profile = await res.json();
      expect(profile).toMatchObject({ name: 'Sonrisa Dental Clinic', timezone: 'Europe/Madrid', hours: { mon: ['09:00-14:00', '16:00-20:00'] } });
      const sql = (q: string) => engine.query(t, 'clinic-a', q);
      expect(sql('SELECT name FROM business_profile;')).toBe('Sonrisa Dental Clinic');
      expect(sql("SELECT opens || '-' || closes FROM operating_hours WHERE day = 'fri';")).toBe('09:00-15:00');
      expect(sql('SELECT name, phone FROM escalation_contacts;')).toBe('Reception desk|+34600111222');
      expect(sql("SELECT count(*) FROM escalations WHERE status = 'pending';")).toBe('0');
      expect(sql('SELECT count(*) FROM conversations;')).toBe('0');
      expect(sql('SELECT * FROM business_profile;')).toContain('Sonrisa Dental Clinic');
      expect(sql('SELECT * FROM conversations ORDER BY timestamp DESC LIMIT 20;')).toBe('');
      if (engine.name === 'SQLite') {
        expect(fs.statSync(t.config.paths.tenantDb('clinic-a')).mode & 0o777).toBe(0o600);
        expect(sql('PRAGMA journal_mode;')).toBe('wal');
      }
    });

    it('replaces a profile with PUT (admin) and keeps profile.yaml in step', async () => {
      const put = await brain.call('PUT', '/api/profile', { key: brain.adminKey, tenant: 'salon-b', body: profileBody });
      expect(put.status).toBe(200);
      const got = await (await brain.call('GET', '/api/profile', { key: brain.keyOf('salon-b'), tenant: 'salon-b' })).json();
      expect(got).toMatchObject({ timezone: 'Europe/London', hours: { mon: ['10:00-18:00'], tue: [] }, services: [{ id: 'cut', price: 25 }] });
      expect(fs.readFileSync(t.config.paths.profile('salon-b'), 'utf8')).toContain('timezone: Europe/London');
    });

    it('renames the tenant in the registry when PUT gives the business a new name', async () => {
      const put = await brain.call('PUT', '/api/profile', { key: brain.adminKey, tenant: 'salon-b', body: { ...profileBody, name: 'Salon Bella' } });
      expect(put.status).toBe(200);
      expect(fs.readFileSync(t.config.paths.profile('salon-b'), 'utf8')).toContain('name: Salon Bella');
      const listed = JSON.parse((await cli(t.env, 'tenant', 'list', '--json')).stdout) as { id: string; name: string }[];
      expect(listed.find((r) => r.id === 'salon-b')?.name).toBe('Salon Bella');
      // The brain's own view (its staff notices name the business) follows the registry file at once.
      expect(brain.tenants.registry.get('salon-b')?.name).toBe('Salon Bella');
      if (engine.name === 'PostgreSQL') expect(engine.query(t, 'salon-b', "SELECT name FROM wr_registry.tenants WHERE id = 'salon-b'")).toBe('Salon Bella');
    });

    it('rejects an invalid profile with 400 and the field paths, changing nothing', async () => {
      const res = await brain.call('PUT', '/api/profile', { key: brain.adminKey, tenant: 'salon-b', body: { name: 'X', timezone: 'Nowhere', hours: { mon: ['9-5'] } } });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        error: 'invalid profile',
        details: [
          { path: 'timezone', message: '"Nowhere" is not an IANA timezone like Europe/Madrid' },
          { path: 'hours.mon[0]', message: '"9-5" is not a time range like "09:00-13:00" (24-hour clock)' },
        ],
      });
      const got = await (await brain.call('GET', '/api/profile', { key: brain.adminKey, tenant: 'salon-b' })).json();
      expect(got.timezone).toBe('Europe/London');
    });

    it('refuses a business name with a bidi or zero-width character with 400, changing nothing', async () => {
      const res = await brain.call('PUT', '/api/profile', { key: brain.adminKey, tenant: 'salon-b', body: { ...profileBody, name: 'Salon \u202eB' } });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: 'invalid profile', details: [{ path: 'name', message: 'the business name has an invisible or text-direction character (U+202E): type the name again as plain text' }] });
      expect(brain.tenants.registry.get('salon-b')?.name).not.toContain('\u202e');
      expect(fs.readFileSync(t.config.paths.profile('salon-b'), 'utf8')).not.toContain('\u202e');
    });

    it('validates query strings', async () => {
      const res = await brain.call('GET', '/api/conversations?limit=5000', { key: brain.adminKey, tenant: 'salon-b' });
      expect(res.status).toBe(400);
      expect((await res.json()).details[0].path).toBe('limit');
      expect((await brain.call('GET', '/api/escalations?status=maybe', { key: brain.adminKey, tenant: 'salon-b' })).status).toBe(400);
      expect((await brain.call('GET', '/api/bookings?from=2026-01-01&to=2026-02-01', { key: brain.adminKey, tenant: 'salon-b' })).status).toBe(200);
    });

    it('answers bad JSON with 400, bodies over 64 KiB with 413, unknown routes with 404 — never a stack trace', async () => {
      const bad = await brain.call('PUT', '/api/profile', { key: brain.adminKey, tenant: 'salon-b', body: '{"name":' });
      expect(bad.status).toBe(400);
      const big = await brain.call('PUT', '/api/profile', { key: brain.adminKey, tenant: 'salon-b', body: { name: 'x'.repeat(70 * 1024) } });
      expect(big.status).toBe(413);
      expect(await big.json()).toEqual({ error: 'request body too large (limit 64 KiB)' });
      const unknown = await brain.call('GET', '/api/nothing', { key: brain.adminKey, tenant: 'salon-b' });
      expect(unknown.status).toBe(404);
      for (const res of [bad, unknown]) expect(await res.text()).not.toMatch(/at .*\.(js|ts):\d+/);
    });
  });

  describe('tenants change while the brain runs', () => {
    it('serves a tenant added with the CLI, applies an imported profile, and refuses a removed one', async () => {
      expect((await cli(t.env, 'tenant', 'add', 'late', '--name', 'Late Bakery')).code).toBe(0);
      const key = brain.keyOf('late');
      const first = await brain.call('GET', '/api/profile', { key, tenant: 'late' });
      expect(first.status).toBe(200);
      expect((await first.json()).name).toBe('Late Bakery');

      expect((await cli(t.env, 'tenant', 'import', 'late', exampleProfile)).code).toBe(0);
      const second = await (await brain.call('GET', '/api/profile', { key, tenant: 'late' })).json();
      expect(second.name).toBe('Sonrisa Dental Clinic');

      expect((await cli(t.env, 'tenant', 'remove', 'late')).code).toBe(0);
      expect((await brain.call('GET', '/api/profile', { key, tenant: 'late' })).status).toBe(401);
      expect((await brain.call('GET', '/api/profile', { key: brain.adminKey, tenant: 'late' })).status).toBe(404);
      await brain.tenants.sweep();
      expect(brain.tenants.openCount).toBe(2);
    });

    it('lists the tenant under the name profile.yaml is given by hand, once the brain has read it', async () => {
      const file = t.config.paths.profile('clinic-a');
      const before = fs.readFileSync(file, 'utf8');
      fs.writeFileSync(file, renameProfileYaml(before, 'Sonrisa Centro'));
      const res = await brain.call('GET', '/api/profile', { key: brain.adminKey, tenant: 'clinic-a' });
      expect((await res.json()).name).toBe('Sonrisa Centro');
      const listed = async () => (JSON.parse((await cli(t.env, 'tenant', 'list', '--json')).stdout) as { id: string; name: string }[]).find((r) => r.id === 'clinic-a')?.name;
      await until(async () => (await listed()) === 'Sonrisa Centro', 10_000, 'the registry to follow the profile');
      fs.writeFileSync(file, before);
      expect((await (await brain.call('GET', '/api/profile', { key: brain.adminKey, tenant: 'clinic-a' })).json()).name).toBe('Sonrisa Dental Clinic');
      await until(async () => (await listed()) === 'Sonrisa Dental Clinic', 10_000, 'the registry to follow the profile back');
    });

    it('a rename from an edit by hand that waits for the registry lock does not undo a PUT that renamed meanwhile', async () => {
      const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
      const file = t.config.paths.profile('clinic-a');
      const before = fs.readFileSync(file, 'utf8');
      // Another wr command holds the registry while the brain reads the edit and the PUT arrives.
      let release!: () => void;
      let locked!: () => void;
      const isLocked = new Promise<void>((r) => (locked = r));
      const holder = updateTenants(t.config, async (tenants) => {
        locked();
        await new Promise<void>((r) => (release = r));
        return { tenants, result: undefined };
      });
      await isLocked;
      fs.writeFileSync(file, renameProfileYaml(before, 'Sonrisa a Mano'));
      const edited = await (await brain.call('GET', '/api/profile', { key: brain.adminKey, tenant: 'clinic-a' })).json();
      expect(edited.name).toBe('Sonrisa a Mano');
      // The rename has been retrying the lock a while (its waits have grown); the PUT's are still short, so it goes first.
      await sleep(800);
      const put = brain.call('PUT', '/api/profile', { key: brain.adminKey, tenant: 'clinic-a', body: { ...edited, name: 'Sonrisa por API' } });
      await sleep(30);
      release();
      await holder;
      expect((await put).status).toBe(200);
      await sleep(800);
      expect(readRegistry(t.config.paths).find((r) => r.id === 'clinic-a')?.name).toBe('Sonrisa por API');
      expect(parseProfileYaml(fs.readFileSync(file, 'utf8')).name).toBe('Sonrisa por API');
      fs.writeFileSync(file, before);
      expect((await (await brain.call('GET', '/api/profile', { key: brain.adminKey, tenant: 'clinic-a' })).json()).name).toBe('Sonrisa Dental Clinic');
      await until(async () => readRegistry(t.config.paths).find((r) => r.id === 'clinic-a')?.name === 'Sonrisa Dental Clinic', 10_000, 'the registry to follow the profile back');
    });

    it('keeps serving the last valid profile when profile.yaml is broken by hand', async () => {
      fs.writeFileSync(t.config.paths.profile('clinic-a'), 'name: [unclosed\n');
      const res = await brain.call('GET', '/api/profile', { key: brain.adminKey, tenant: 'clinic-a' });
      expect(res.status).toBe(200);
      expect((await res.json()).name).toBe('Sonrisa Dental Clinic');
      fs.copyFileSync(exampleProfile, t.config.paths.profile('clinic-a'));
    });
  });

  describe('escalation notices (the monitor’s side of escalations)', () => {
    const as = (method: string, path: string, body?: unknown) => brain.call(method, path, { key: brain.adminKey, tenant: 'clinic-a', body });
    const pending = async () => (await (await as('GET', '/api/escalations/notices')).json()) as { notices: { id: number; text: string }[]; contacts: unknown[] };

    it('hand the pending notices and the contacts to the admin key, and move each notice only forward', async () => {
      const chat = await brain.call('POST', '/api/chat', { key: brain.keyOf('clinic-a'), tenant: 'clinic-a', body: { message: 'I want to talk to a person', sender: '+34600777001', senderName: 'Ana' } });
      expect((await chat.json()).escalated).toBe(true);
      // The list the console counts reads with the shared contract.
      const list = EscalationListSchema.parse(await (await as('GET', '/api/escalations?status=pending')).json());
      expect(list.escalations).toEqual([expect.objectContaining({ sender: '+34600777001', status: 'pending', resolvedAt: null })]);
      const { notices, contacts } = await pending();
      expect(contacts).toEqual([{ name: 'Reception desk', phone: '+34600111222', telegramChatId: '100200300' }]);
      expect(notices).toEqual([{ id: expect.any(Number), escalationId: expect.any(Number), text: expect.stringContaining('Ana (+34600777001) needs a person'), createdAt: expect.any(String) }]);
      const id = notices[0]!.id;
      // A tenant's own key may not take its notices: only the operator's programs deliver them.
      expect((await brain.call('POST', `/api/escalations/notices/${id}`, { key: brain.keyOf('clinic-a'), tenant: 'clinic-a', body: { status: 'queued' } })).status).toBe(403);
      expect((await as('POST', `/api/escalations/notices/${id}`, { status: 'sent' })).status).toBe(400);
      expect((await as('POST', '/api/escalations/notices/999999', { status: 'queued' })).status).toBe(404);
      expect(await (await as('POST', `/api/escalations/notices/${id}`, { status: 'queued' })).json()).toEqual({ id, status: 'queued' });
      expect((await pending()).notices).toEqual([]);
      expect((await as('POST', `/api/escalations/notices/${id}`, { status: 'delivered' })).status).toBe(200);
      // A late or repeated report never takes a delivered notice back.
      expect((await as('POST', `/api/escalations/notices/${id}`, { status: 'queued' })).status).toBe(200);
      const delivered = (await (await as('GET', '/api/escalations/notices?status=delivered')).json()).notices;
      expect(delivered.map((n: { id: number }) => n.id)).toEqual([id]);
    });
  });
});
