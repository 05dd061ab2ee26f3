import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { parseProfileYaml, renameProfileYaml } from '../../core/profile.js';
import { readRegistry } from '../../core/registry.js';
import { cli, makeHome, type TestHome } from '../helpers/home.js';
import { startTestBrain, type TestBrain } from '../helpers/brain.js';

// A registry write that fails for real: tenants.json made immutable (chattr +i, which even root
// cannot replace), while the registry's lock and the tenant's own folder stay writable.
let t: TestHome;
let brain: TestBrain;
const immutable = (on: boolean) => execFileSync('chattr', [on ? '+i' : '-i', t.config.paths.registry]);

beforeEach(async () => {
  t = makeHome();
  await cli(t.env, 'tenant', 'add', 'shop', '--name', 'Shop', '--transport', 'simulator');
  brain = await startTestBrain(t);
});
afterEach(async () => {
  immutable(false);
  await brain?.close();
  t?.cleanup();
});

const listed = () => readRegistry(t.config.paths).find((r) => r.id === 'shop')?.name;
const put = (body: unknown) => brain.call('PUT', '/api/profile', { key: brain.adminKey, tenant: 'shop', body });
const get = async () => (await brain.call('GET', '/api/profile', { key: brain.adminKey, tenant: 'shop' })).json();

it('PUT /api/profile: a registry that cannot take the new name puts the profile back and says so; the same PUT succeeds once it can', async () => {
  const file = t.config.paths.profile('shop');
  const before = fs.readFileSync(file, 'utf8');
  const profile = await get();
  immutable(true);
  const refused = await put({ ...profile, name: 'Shop Nuevo', timezone: 'Europe/London' });
  expect(refused.status).toBe(503);
  expect((await refused.json()).error).toMatch(/^the registry could not be written to list shop as "Shop Nuevo" \(cannot write .*tenants\.json \(EPERM\).*\); the profile was put back as it was, so nothing changed: fix the cause and try again$/);
  // The pair agrees: the profile, the tables the brain answers from, and the registry all keep the old name.
  expect(fs.readFileSync(file, 'utf8')).toBe(before);
  expect(await get()).toEqual(profile);
  expect(listed()).toBe('Shop');
  expect(brain.tenants.registry.get('shop')?.name).toBe('Shop');

  // A change that keeps the name does not need the registry, so it does not fail on it.
  const sameName = await put({ ...profile, timezone: 'Europe/London' });
  expect(sameName.status).toBe(200);
  expect((await get()).timezone).toBe('Europe/London');

  immutable(false);
  expect((await put({ ...profile, name: 'Shop Nuevo' })).status).toBe(200);
  expect(listed()).toBe('Shop Nuevo');
  expect(parseProfileYaml(fs.readFileSync(file, 'utf8')).name).toBe('Shop Nuevo');
});

it('tenant import: a registry that cannot take the new name leaves profile.yaml as it was and says so', async () => {
  const file = t.config.paths.profile('shop');
  const before = fs.readFileSync(file, 'utf8');
  const renamed = path.join(t.home, 'renamed.yaml');
  fs.writeFileSync(renamed, renameProfileYaml(before, 'Shop Importada'));
  immutable(true);
  const r = await cli(t.env, 'tenant', 'import', 'shop', renamed);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/the profile was put back as it was, so nothing changed: fix the cause and try again$/);
  expect(fs.readFileSync(file, 'utf8')).toBe(before);
  expect(listed()).toBe('Shop');
});

it('tenant key --rotate: a registry that cannot take the new hash keeps the old key file, which still works', async () => {
  const old = fs.readFileSync(t.config.paths.secret('shop'), 'utf8');
  immutable(true);
  const r = await cli(t.env, 'tenant', 'key', 'shop', '--rotate');
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/the registry could not store shop's new key \(cannot write .*tenants\.json \(EPERM\).*\); the old key was kept and still works: fix the cause and rotate again$/);
  // Before: the file held the new key, the registry the old hash: nothing accepted the key on disk.
  expect(fs.readFileSync(t.config.paths.secret('shop'), 'utf8')).toBe(old);
  expect(r.stdout).toBe('');
  const chat = await brain.call('POST', '/api/chat', { key: old.trim(), tenant: 'shop', body: { message: 'hello', sender: '+34600700001', messageId: 'k1' } });
  expect(chat.status).toBe(200);
  immutable(false);
  const rotated = await cli(t.env, 'tenant', 'key', 'shop', '--rotate');
  expect(rotated.code).toBe(0);
  expect(fs.readFileSync(t.config.paths.secret('shop'), 'utf8').trim()).toBe(rotated.stdout.trim());
});
