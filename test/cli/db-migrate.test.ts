import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.js';
import { startTestBrain, type TestBrain } from '../helpers/brain.js';
import { engines } from '../helpers/engines.js';
import { cli, exampleProfile, makeHome, type TestHome } from '../helpers/home.js';

/** wr-console db migrate: two tenants' SQLite data into a real PostgreSQL server, every row kept. */

const [sqlite, postgres] = engines();
let t: TestHome;
const brains: TestBrain[] = [];
afterEach(async () => {
  for (const b of brains.splice(0)) await b.close();
  t?.cleanup();
});

const TABLES = ['business_profile', 'operating_hours', 'services', 'faqs', 'escalation_contacts', 'conversations', 'messages', 'processed_messages', 'bookings', 'escalations', 'escalation_outbox'];
const counts = (query: (tenant: string, sql: string) => string, tenant: string) => Object.fromEntries(TABLES.map((table) => [table, Number(query(tenant, `SELECT count(*) FROM ${table};`))]));

async function chat(brain: TestBrain, tenant: string, sender: string, message: string, minute: number) {
  const res = await brain.call('POST', '/api/chat', { key: brain.keyOf(tenant), tenant, body: { message, sender, messageId: `${sender}-${minute}`, timestamp: `2026-03-16T10:${String(minute).padStart(2, '0')}:00Z` } });
  expect(res.status).toBe(200);
  return (await res.json()) as { reply: string | null; actions: { status: string }[] };
}

describe('wr-console db migrate', () => {
  it('copies two tenants into PostgreSQL while the brain runs, verified by row counts, and the demo carries on from there', async () => {
    t = makeHome();
    for (const id of ['clinic-a', 'clinic-b']) await cli(t.env, 'tenant', 'add', id, '--profile', exampleProfile);
    const onSqlite = await startTestBrain(t);
    brains.push(onSqlite);
    for (const id of ['clinic-a', 'clinic-b']) {
      for (const [i, message] of ['Can I book a cleaning tomorrow at 10am?', 'Ana Garcia', 'yes'].entries()) await chat(onSqlite, id, '+34600900001', message, i);
      await chat(onSqlite, id, '+34600900002', 'I want to talk to a person', 5);
    }
    expect(sqlite!.query(t, 'clinic-a', "SELECT count(*) FROM bookings WHERE status = 'confirmed';")).toBe('1');

    // Without a server to copy to, it says what to set.
    expect(await cli(t.env, 'db', 'migrate', 'all')).toMatchObject({ code: 1, stderr: expect.stringContaining('WR_DATABASE_URL is not set: put WR_DATABASE_URL=postgres://') });
    fs.appendFileSync(t.config.paths.envFile, `WR_DATABASE_URL=${JSON.stringify((await postgres!.settings()).WR_DATABASE_URL)}\n`);
    expect(await cli(t.env, 'db', 'migrate', 'ghost')).toMatchObject({ code: 1, stderr: expect.stringContaining('unknown tenant "ghost"') });

    const migrated = await cli(t.env, 'db', 'migrate', 'all');
    expect(migrated.stderr).toBe('');
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toMatch(/^clinic-a: \d+ rows in 13 tables copied, row counts match .*bookings 1/m);
    expect(migrated.stdout).toMatch(/^clinic-b: \d+ rows in 13 tables copied, row counts match/m);
    for (const id of ['clinic-a', 'clinic-b']) expect(counts((tenant, q) => postgres!.query(t, tenant, q), id)).toEqual(counts((tenant, q) => sqlite!.query(t, tenant, q), id));
    // A second run would overwrite what the brain on PostgreSQL may have written since: refused.
    const again = await cli(t.env, 'db', 'migrate', 'clinic-a');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('clinic-a: its PostgreSQL schema tenant_clinic_a holds data already (migrated before?); nothing was changed');

    // The brain restarted with WR_DATABASE_URL serves the same data from PostgreSQL and carries on.
    await onSqlite.close();
    brains.pop();
    const onPostgres = await startTestBrain(t);
    brains.push(onPostgres);
    expect(loadConfig(t.env).WR_DATABASE_URL).toMatch(/^postgres:/);
    const bookings = await (await onPostgres.call('GET', '/api/bookings', { key: onPostgres.adminKey, tenant: 'clinic-b' })).json();
    expect(bookings.bookings).toEqual([expect.objectContaining({ customerName: 'Ana Garcia', status: 'confirmed', startAt: '2026-03-17T09:00:00.000Z' })]);
    const pending = await (await onPostgres.call('GET', '/api/escalations?status=pending', { key: onPostgres.adminKey, tenant: 'clinic-a' })).json();
    expect(pending.escalations).toHaveLength(1);
    // The same customer's next booking gets a new id after the copied ones, and the copied one still holds its slot.
    const taken = await chat(onPostgres, 'clinic-a', '+34600900003', 'Can I book a cleaning tomorrow at 10am?', 10);
    expect(taken.reply).toContain('not available');
    for (const [i, message] of ['Can I book a cleaning tomorrow at 4pm?', 'Bea Ruiz', 'yes'].entries()) await chat(onPostgres, 'clinic-a', '+34600900004', message, 20 + i);
    expect(postgres!.query(t, 'clinic-a', "SELECT id FROM bookings WHERE status = 'confirmed' ORDER BY id;")).toBe('1\n2');
    // A repeated message id copied from SQLite is still answered once.
    const repeat = await chat(onPostgres, 'clinic-a', '+34600900001', 'yes', 2);
    expect(repeat.actions).toEqual([expect.objectContaining({ status: 'booked' })]);
    expect(postgres!.query(t, 'clinic-a', "SELECT count(*) FROM bookings WHERE sender = '+34600900001';")).toBe('1');
  });

  it('refuses to serve a tenant from an empty schema while its data is still in tenant.db', async () => {
    t = makeHome();
    await cli(t.env, 'tenant', 'add', 'clinic-a', '--profile', exampleProfile);
    const onSqlite = await startTestBrain(t);
    await chat(onSqlite, 'clinic-a', '+34600900001', 'hello', 0);
    await onSqlite.close();
    const onPostgres = await startTestBrain(t, await postgres!.settings());
    brains.push(onPostgres);
    const res = await onPostgres.call('GET', '/api/profile', { key: onPostgres.adminKey, tenant: 'clinic-a' });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('60');
    expect((await res.json()).error).toContain('tenant clinic-a still has its data in');
    expect(await cli(t.env, 'db', 'migrate', 'clinic-a')).toMatchObject({ code: 1, stderr: expect.stringContaining('WR_DATABASE_URL is not set') });
    expect(execFileSync('sqlite3', [t.config.paths.tenantDb('clinic-a'), 'SELECT count(*) FROM conversations;'], { encoding: 'utf8' }).trim()).toBe('1');
  });
});
