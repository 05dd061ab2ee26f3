import fs from 'node:fs';
import { Sequelize } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.js';
import { createLogger } from '../../core/logger.js';
import { startBrain, type RunningBrain } from '../../brain/server.js';
import { renameProfileYaml } from '../../core/profile.js';
import { readRegistry } from '../../core/registry.js';
import { updateTenants } from '../../core/shared-registry.js';
import { cli, exampleProfile, makeHome, type TestHome } from '../helpers/home.js';
import { until } from '../helpers/gateway.js';

let t: TestHome;
let brain: RunningBrain;
let url: string;
let adminKey: string;
const lines: string[] = [];
const sink = { write: (line: string) => void lines.push(line) };

beforeAll(async () => {
  t = makeHome();
  await cli(t.env, 'tenant', 'add', 'clinic', '--profile', exampleProfile, '--transport', 'simulator');
  brain = await startBrain(loadConfig(t.env), createLogger('wr-brain', 'info', sink), 0);
  url = `http://127.0.0.1:${brain.port}`;
  adminKey = fs.readFileSync(t.config.paths.adminKey, 'utf8').trim();
});
afterAll(async () => {
  await brain?.close();
  t?.cleanup();
});

const call = (method: string, path: string, body?: unknown) =>
  fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${adminKey}`, 'x-client-id': 'clinic', 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

describe('what the brain logs at info level', () => {
  it('never a whole profile, however broken, and the last good profile keeps serving', async () => {
    const hours = Array.from({ length: 2_000 }, (_, i) => `"bad-range-${i}"`).join(', ');
    const broken = `name: Broken\ntimezone: Europe/Madrid\nhours:\n  mon: [${hours}]\n  tue: ["${'9'.repeat(20_000)}"]\n`;
    expect(Buffer.byteLength(broken)).toBeLessThan(64 * 1024);
    fs.writeFileSync(t.config.paths.profile('clinic'), broken);
    expect((await (await call('GET', '/api/profile')).json()).name).toBe('Sonrisa Dental Clinic');
    const put = await call('PUT', '/api/profile', JSON.parse(JSON.stringify({ name: 'Broken', timezone: 'Europe/Madrid', hours: { mon: Array.from({ length: 2_000 }, (_, i) => `bad-${i}`) } })));
    expect(put.status).toBe(400);
    expect((await (await call('GET', '/api/profile')).json()).name).toBe('Sonrisa Dental Clinic');
    const logged = lines.join('');
    expect(logged).toContain('profile.yaml is invalid; serving the last valid profile');
    expect(logged).not.toContain('bad-range-1999');
    expect(logged).not.toContain('9'.repeat(300));
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(8_000);
    fs.copyFileSync(exampleProfile, t.config.paths.profile('clinic'));
  });

  it('never a customer message, nor SQL with customer data', async () => {
    const res = await call('POST', '/api/chat', { message: 'my secret-text-XYZ please', sender: '+34600111999', senderName: 'Zoe Secretname' });
    expect(res.status).toBe(200);
    expect((await call('GET', '/api/conversations?sender=%00')).status).toBe(400);
    const logged = lines.join('');
    expect(logged).not.toContain('secret-text-XYZ');
    expect(logged).not.toContain('Secretname');
  });
});

describe('renames', () => {
  const RENAMED = "the registry now lists the tenant under its profile's name";
  const file = () => t.config.paths.profile('clinic');
  const listed = () => readRegistry(t.config.paths).find((r) => r.id === 'clinic')?.name;

  it('logs a rename only when the registry changed', async () => {
    const before = fs.readFileSync(file(), 'utf8');
    // The registry already lists the name the hand edit gives (another brain, a PUT): nothing to rename.
    await updateTenants(t.config, (tenants) => ({ tenants: tenants.map((x) => (x.id === 'clinic' ? { ...x, name: 'Sonrisa Norte' } : x)), result: undefined }));
    lines.length = 0;
    fs.writeFileSync(file(), renameProfileYaml(before, 'Sonrisa Norte'));
    expect((await (await call('GET', '/api/profile')).json()).name).toBe('Sonrisa Norte');
    // The rename runs after the answer; a second request waits its turn behind the registry's lock.
    await updateTenants(t.config, (tenants) => ({ tenants, result: undefined }));
    await new Promise((r) => setTimeout(r, 200));
    expect(lines.join('')).not.toContain(RENAMED);
    // A real rename is logged.
    fs.writeFileSync(file(), before);
    expect((await (await call('GET', '/api/profile')).json()).name).toBe('Sonrisa Dental Clinic');
    await until(() => lines.join('').includes(RENAMED), 10_000, 'the rename to be logged');
    expect(listed()).toBe('Sonrisa Dental Clinic');
  });
});

describe('logged errors', () => {
  it('carry no SQL statement or parameters', async () => {
    const out: string[] = [];
    const log = createLogger('t', 'info', { write: (l: string) => void out.push(l) });
    const db = new Sequelize('sqlite::memory:', { logging: false });
    const err = await db.query('INSERT INTO nowhere (text) VALUES (?)', { replacements: ['Ana: my tooth hurts'] }).catch((e: Error) => e);
    await db.close();
    expect((err as { sql?: string }).sql).toContain('my tooth hurts');
    log.error({ err }, 'request failed');
    expect(out.join('')).toContain('no such table: nowhere');
    expect(out.join('')).not.toContain('my tooth hurts');
  });
});
