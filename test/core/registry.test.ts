import fs from 'node:fs';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { hashKey, keyMatchesHash, loadOrCreateAdminKey } from '../../core/keys.js';
import { readRegistry, RegistryView } from '../../core/registry.js';
import { cli, cliProcess, makeHome, type TestHome } from '../helpers/home.js';

let t: TestHome;
afterEach(() => t?.cleanup());

describe('tenant registry', () => {
  it('gives concurrent `tenant add` processes distinct ports and loses none of them', async () => {
    t = makeHome();
    const ids = Array.from({ length: 8 }, (_, i) => `shop-${i}`);
    const results = await Promise.all(ids.map((id) => cliProcess(t.env, 'tenant', 'add', id, '--name', `Shop ${id}`, '--transport', 'simulator')));
    for (const r of results) expect(r.stderr).toBe('');
    expect(results.map((r) => r.code)).toEqual(ids.map(() => 0));
    const tenants = readRegistry(t.config.paths);
    expect(tenants.map((x) => x.id).sort()).toEqual(ids);
    expect(new Set(tenants.map((x) => x.port)).size).toBe(ids.length);
    for (const x of tenants) expect(x.port).toBeGreaterThanOrEqual(t.config.WR_PORT_BASE);
  });

  it('skips ports in use and ports already assigned', async () => {
    t = makeHome();
    const base = t.config.WR_PORT_BASE;
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(base, '127.0.0.1', r));
    try {
      expect((await cli(t.env, 'tenant', 'add', 'a', '--name', 'A')).code).toBe(0);
      expect((await cli(t.env, 'tenant', 'add', 'b', '--name', 'B')).code).toBe(0);
      const ports = Object.fromEntries(readRegistry(t.config.paths).map((x) => [x.id, x.port]));
      expect(ports.a).toBeGreaterThan(base);
      expect(ports.b).toBeGreaterThan(ports.a!);
      const busy = await cli(t.env, 'tenant', 'add', 'c', '--name', 'C', '--port', String(base));
      expect(busy.code).toBe(1);
      expect(busy.stderr).toBe(`wr-console: port ${base} is in use by another program`);
    } finally {
      blocker.close();
    }
  });

  it('refuses to work on a corrupt tenants.json and never overwrites it', async () => {
    t = makeHome();
    fs.mkdirSync(t.home, { recursive: true });
    fs.writeFileSync(t.config.paths.registry, '{"version":1,"tenants":[{"id":"a"');
    const before = fs.readFileSync(t.config.paths.registry, 'utf8');
    const r = await cli(t.env, 'tenant', 'add', 'x', '--name', 'X');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/tenants\.json is not valid JSON .*left untouched: repair it or restore it from a backup/);
    expect(r.stderr.split('\n')).toHaveLength(1);
    expect(fs.readFileSync(t.config.paths.registry, 'utf8')).toBe(before);
    expect((await cli(t.env, 'tenant', 'list')).stderr).toMatch(/not valid JSON/);
  });

  it('reports a well-formed file that is not a registry', () => {
    t = makeHome();
    fs.writeFileSync(t.config.paths.registry, JSON.stringify({ version: 1, tenants: [{ id: 'UPPER' }] }));
    expect(() => readRegistry(t.config.paths)).toThrow(/not a wr registry \(tenants\.0\.id/);
  });

  it('lets a running process see changes at once and keep the last good copy through corruption', async () => {
    t = makeHome();
    const errors: string[] = [];
    const view = new RegistryView(t.config.paths, (e) => errors.push(e.message));
    expect(view.list()).toEqual([]);
    await cli(t.env, 'tenant', 'add', 'a', '--name', 'A');
    expect(view.get('a')?.name).toBe('A');
    fs.writeFileSync(t.config.paths.registry, 'garbage');
    expect(view.get('a')?.name).toBe('A');
    expect(errors).toHaveLength(1);
  });
});

describe('keys', () => {
  it('stores tenant keys 0600 and only their sha256 in the registry', async () => {
    t = makeHome();
    await cli(t.env, 'tenant', 'add', 'a', '--name', 'A');
    const key = (await cli(t.env, 'tenant', 'key', 'a')).stdout;
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fs.statSync(t.config.paths.secret('a')).mode & 0o777).toBe(0o600);
    const registryText = fs.readFileSync(t.config.paths.registry, 'utf8');
    expect(registryText).not.toContain(key);
    expect(registryText).toContain(hashKey(key));
    expect(keyMatchesHash(key, readRegistry(t.config.paths)[0]!.keyHash)).toBe(true);
    expect(keyMatchesHash(`${key}x`, readRegistry(t.config.paths)[0]!.keyHash)).toBe(false);
  });

  it('creates one admin key, 0600, even when asked twice', () => {
    t = makeHome();
    const first = loadOrCreateAdminKey(t.config.paths);
    expect(loadOrCreateAdminKey(t.config.paths)).toBe(first);
    expect(fs.statSync(t.config.paths.adminKey).mode & 0o777).toBe(0o600);
  });

  it('rotates a key: the new one works, the old one no longer matches', async () => {
    t = makeHome();
    await cli(t.env, 'tenant', 'add', 'a', '--name', 'A');
    const old = (await cli(t.env, 'tenant', 'key', 'a')).stdout;
    const fresh = (await cli(t.env, 'tenant', 'key', 'a', '--rotate')).stdout;
    expect(fresh).not.toBe(old);
    expect((await cli(t.env, 'tenant', 'key', 'a')).stdout).toBe(fresh);
    const hash = readRegistry(t.config.paths)[0]!.keyHash;
    expect(keyMatchesHash(fresh, hash)).toBe(true);
    expect(keyMatchesHash(old, hash)).toBe(false);
  });
});
