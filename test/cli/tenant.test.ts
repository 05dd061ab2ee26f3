import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayHealth } from '../../core/contracts.js';
import { parseProfileYaml } from '../../core/profile.js';
import { readRegistry } from '../../core/registry.js';
import { registerTenant } from '../../console/ops/tenants.js';
import { cli, cliProcess, exampleProfile, freePort, makeHome, type TestHome } from '../helpers/home.js';

let t: TestHome;
afterEach(() => t?.cleanup());

describe('wr-console tenant', () => {
  it('adds, lists, imports and removes tenants, saying what it did', async () => {
    t = makeHome();
    const port = t.config.WR_PORT_BASE;
    const added = await cli(t.env, 'tenant', 'add', 'clinic-a', '--name', 'Clinic A', '--transport', 'simulator');
    expect(added).toMatchObject({ code: 0, stderr: '' });
    expect(added.stdout).toContain(`added tenant clinic-a "Clinic A": gateway port ${port}, transport simulator`);

    const list = await cli(t.env, 'tenant', 'list', '--json');
    const tenants = JSON.parse(list.stdout);
    expect(tenants).toEqual([{ id: 'clinic-a', name: 'Clinic A', port, transport: 'simulator', createdAt: expect.any(String) }]);
    expect(list.stdout).not.toContain('keyHash');
    expect((await cli(t.env, 'tenant', 'list')).stdout).toMatch(new RegExp(`^ID\\s+NAME\\s+PORT\\s+TRANSPORT\\s+CREATED\\nclinic-a\\s+Clinic A\\s+${port}\\s+simulator`));

    const imported = await cli(t.env, 'tenant', 'import', 'clinic-a', exampleProfile);
    expect(imported.stdout).toBe('imported "Sonrisa Dental Clinic" into clinic-a: 5 services, 5 FAQ entries, timezone Europe/Madrid\nclinic-a is now listed as "Sonrisa Dental Clinic" (was "Clinic A")');
    expect((await cli(t.env, 'tenant', 'list')).stdout).toMatch(new RegExp(`\\nclinic-a\\s+Sonrisa Dental Clinic\\s+${port}`));
    // The same name again changes nothing in the registry.
    expect((await cli(t.env, 'tenant', 'import', 'clinic-a', exampleProfile)).stdout).toBe('imported "Sonrisa Dental Clinic" into clinic-a: 5 services, 5 FAQ entries, timezone Europe/Madrid');
    expect(fs.readFileSync(t.config.paths.profile('clinic-a'), 'utf8')).toBe(fs.readFileSync(exampleProfile, 'utf8'));

    const removed = await cli(t.env, 'tenant', 'remove', 'clinic-a');
    expect(removed.stdout).toContain(`its data is kept in ${t.config.paths.tenantDir('clinic-a')}`);
    expect(fs.existsSync(t.config.paths.profile('clinic-a'))).toBe(true);
    expect(readRegistry(t.config.paths)).toEqual([]);

    // The kept profile is reused, and takes the name the tenant is added with (comments and all else kept):
    // the registry and the profile never disagree about the business's name.
    const again = await cli(t.env, 'tenant', 'add', 'clinic-a', '--name', 'Clinic A');
    expect(again.stdout).toContain('reusing the data kept in');
    expect(fs.readFileSync(t.config.paths.profile('clinic-a'), 'utf8')).toBe(fs.readFileSync(exampleProfile, 'utf8').replace(/^name: .*$/m, 'name: Clinic A'));

    // --purge asks first; with no terminal to ask, it refuses and changes nothing.
    const refused = await cli(t.env, 'tenant', 'remove', 'clinic-a', '--purge');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Refused without a terminal to ask: add --yes to confirm');
    expect(readRegistry(t.config.paths).map((x) => x.id)).toEqual(['clinic-a']);
    expect(fs.existsSync(t.config.paths.tenantDir('clinic-a'))).toBe(true);
    const purged = await cli(t.env, 'tenant', 'remove', 'clinic-a', '--purge', '--yes');
    expect(purged.stdout).toContain('deleted');
    expect(fs.existsSync(t.config.paths.tenantDir('clinic-a'))).toBe(false);

    // Removed without --purge, then purged as the removal says: the kept folder goes.
    await cli(t.env, 'tenant', 'add', 'clinic-a', '--name', 'Clinic A');
    await cli(t.env, 'tenant', 'remove', 'clinic-a');
    // A kept profile.yaml someone made readable to all, reused as it is (same name), is private again.
    fs.chmodSync(t.config.paths.profile('clinic-a'), 0o644);
    const kept = fs.readFileSync(t.config.paths.profile('clinic-a'), 'utf8');
    expect((await cli(t.env, 'tenant', 'add', 'clinic-a', '--name', 'Clinic A')).code).toBe(0);
    expect(fs.readFileSync(t.config.paths.profile('clinic-a'), 'utf8')).toBe(kept);
    expect(fs.statSync(t.config.paths.profile('clinic-a')).mode & 0o777).toBe(0o600);
    await cli(t.env, 'tenant', 'remove', 'clinic-a');
    expect((await cli(t.env, 'tenant', 'remove', 'clinic-a', '--purge')).stderr).toContain('Refused without a terminal to ask');
    expect(fs.existsSync(t.config.paths.tenantDir('clinic-a'))).toBe(true);
    expect(await cli(t.env, 'tenant', 'remove', 'clinic-a', '--purge', '--yes')).toMatchObject({ code: 0, stdout: `deleted ${t.config.paths.tenantDir('clinic-a')}, kept since tenant clinic-a was removed` });
    expect(fs.existsSync(t.config.paths.tenantDir('clinic-a'))).toBe(false);
    expect((await cli(t.env, 'tenant', 'remove', 'clinic-a', '--purge', '--yes')).stderr).toContain('no tenant "clinic-a"');
  });

  it('says a duplicate id is a duplicate, and shows escape codes in names instead of obeying them (issue 16 item 7)', async () => {
    t = makeHome();
    expect((await cli(t.env, 'tenant', 'add', 'shop', '--name', 'Shop', '--transport', 'simulator')).code).toBe(0);
    // A name written before add refused control characters (or by hand) is still shown safely.
    const file = path.join(t.home, 'tenants.json');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"Shop"', JSON.stringify('Evil \u001b[2J\u001b]0;owned\u0007 Shop')));
    const dup = await cli(t.env, 'tenant', 'add', 'shop');
    expect(dup).toMatchObject({ code: 1, stderr: 'wr-console: tenant "shop" already exists' });
    const list = await cli(t.env, 'tenant', 'list');
    expect(list.stdout).not.toContain('\u001b');
    expect(list.stdout).toContain('Evil ^[[2J^[]0;owned\\x07 Shop');
  });

  it('status exits 1 and counts a tenant as failing when everything is down (issue 16 item 6)', async () => {
    t = makeHome();
    await cli(t.env, 'tenant', 'add', 'shop', '--name', 'Shop', '--transport', 'simulator');
    const status = await cli(t.env, 'status');
    expect(status.stdout).toContain('❌ shop: UNREACHABLE');
    expect(status.stdout).toContain('Failures: 1');
    expect(status).toMatchObject({ code: 1, stderr: 'wr-console: not everything is up: not connected: shop; brain down; monitor not running' });
    // The README's other way to ask, the original spec's `connection-watcher.js --status`, agrees.
    const { spawnSync } = await import('node:child_process');
    const { projectRoot } = await import('../../core/paths.js');
    for (const flag of ['--status', '--json']) {
      const watcher = spawnSync(process.execPath, [path.join(projectRoot, 'dist/monitor/main.js'), flag], { env: t.env, encoding: 'utf8' });
      expect({ code: watcher.status, stderr: watcher.stderr.trim() }).toEqual({ code: 1, stderr: 'not everything is up: not connected: shop; brain down; monitor not running' });
    }
  });

  it("never gives a gateway the brain's or the monitor's port", async () => {
    const base = await freePort();
    t = makeHome({ WR_PORT_BASE: String(base), BRAIN_PORT: String(base + 1), MONITOR_PORT: String(base) });
    await cli(t.env, 'tenant', 'add', 'shop', '--name', 'Shop', '--transport', 'simulator');
    expect(readRegistry(t.config.paths)[0]!.port).toBeGreaterThan(base + 1);
    expect((await cli(t.env, 'tenant', 'add', 'cafe', '--name', 'Cafe', '--port', String(base))).stderr).toBe(`wr-console: port ${base} is the monitor's port (MONITOR_PORT)`);
  });

  it('status counts a parked gateway as failing and says why, though its /health answers (issue 16 item 6)', async () => {
    // makeHome picks the three ports together, so no two can be the same.
    t = makeHome();
    await cli(t.env, 'tenant', 'add', 'shop', '--name', 'Shop');
    const port = JSON.parse((await cli(t.env, 'tenant', 'list', '--json')).stdout)[0].port as number;
    const health: GatewayHealth = {
      tenant: 'shop', status: 'parked', handoffMode: false, lastSeen: null, connectedSince: null, reconnects: 12, lastDisconnect: { code: 408, reason: 'WebSocket Error (getaddrinfo ENOTFOUND web.whatsapp.com)', at: new Date().toISOString() },
      parkedReason: 'WhatsApp unreachable 12 times in a row', queue: { pending: 0, failed: 0 }, messagesToday: 0, undecryptableLastHour: 0, storeError: null, authError: null, heldInMemory: 0,
    };
    const http = await import('node:http');
    const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(health)));
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    try {
      const status = await cli(t.env, 'status');
      expect(status.stdout).toContain('❌ shop: PARKED');
      expect(status.stdout).toContain('Failures: 1');
      expect(status.stdout).toContain('Reason: WhatsApp unreachable 12 times in a row');
      expect(status.code).toBe(1);
    } finally {
      server.close();
    }
  });

  it('exits quietly when its reader goes away (| head)', async () => {
    t = makeHome();
    const { spawn } = await import('node:child_process');
    const { projectRoot } = await import('../../core/paths.js');
    const child = spawn(process.execPath, [path.join(projectRoot, 'dist/console/main.js'), '--help'], { env: t.env, stdio: ['ignore', 'pipe', 'pipe'] });
    // The reader is gone before the first line is written.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('takes the name from --profile when --name is absent', async () => {
    t = makeHome();
    const r = await cli(t.env, 'tenant', 'add', 'dent', '--profile', exampleProfile);
    expect(r.code).toBe(0);
    expect(readRegistry(t.config.paths)[0]?.name).toBe('Sonrisa Dental Clinic');
  });

  it('gives the imported profile the --name it is added with, so the list and the profile agree', async () => {
    t = makeHome();
    expect((await cli(t.env, 'tenant', 'add', 'dent', '--name', 'Sonrisa Norte', '--profile', exampleProfile)).code).toBe(0);
    expect(readRegistry(t.config.paths)[0]?.name).toBe('Sonrisa Norte');
    const text = fs.readFileSync(t.config.paths.profile('dent'), 'utf8');
    expect(parseProfileYaml(text).name).toBe('Sonrisa Norte');
    expect(text).toBe(fs.readFileSync(exampleProfile, 'utf8').replace(/^name: .*$/m, 'name: Sonrisa Norte'));
  });

  it.each([
    [['tenant', 'add', '../etc', '--name', 'X'], 1, /^wr-console: invalid tenant id "\.\.\/etc"/],
    [['tenant', 'add', 'a'], 1, /^wr-console: missing --name/],
    [['tenant', 'add', 'a', '--name', 'A', '--transport', 'telegram'], 1, /^wr-console: invalid transport "telegram": use baileys or simulator/],
    [['tenant', 'add', 'a', '--name', 'A', '--port', '80'], 1, /^wr-console: invalid port "80"/],
    [['tenant', 'add', 'a', '--name', 'A', '--port', 'abc'], 1, /^wr-console: invalid port "abc"/],
    [['tenant', 'add', 'a', '--name', 'A', '--profile', '/nonexistent.yaml'], 1, /^wr-console: cannot read profile \/nonexistent\.yaml: ENOENT/],
    [['tenant', 'add', 'a', '--name', 'A', '--bogus'], 2, /^wr-console: Unknown option '--bogus'/],
    [['tenant', 'remove', 'ghost'], 1, /^wr-console: no tenant "ghost"/],
    [['tenant', 'key', 'ghost'], 1, /^wr-console: no tenant "ghost"/],
    [['tenant', 'import', 'ghost', '/x.yaml'], 1, /^wr-console: no tenant "ghost"/],
    [['tenant', 'import', 'ghost'], 2, /^wr-console: missing argument\nusage: wr-console tenant import/],
    [['tenant', 'fly'], 2, /^wr-console: unknown tenant command "fly"/],
    [['fly'], 2, /^wr-console: unknown command "fly"/],
  ])('%j fails with a clear reason', async (argv, code, message) => {
    t = makeHome();
    const r = await cli(t.env, ...(argv as string[]));
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    expect(readRegistry(t.config.paths)).toEqual([]);
  });

  it('refuses a business name with escape codes, NUL or line breaks, and a tenant id with them, in one line', async () => {
    t = makeHome();
    for (const name of ['Evil\u001b]0;pwned\u0007', 'Nul\u0000Shop', 'Two\nLines']) {
      const r = await cli(t.env, 'tenant', 'add', 'evil', '--name', name, '--transport', 'simulator');
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^wr-console: the business name has control characters or line breaks: give it as one line of plain text$/);
      expect(r.stderr).not.toMatch(/[\u0000-\u001f]/);
    }
    const id = await cli(t.env, 'tenant', 'add', 'ev\u001b[2Jil', '--name', 'Evil', '--transport', 'simulator');
    expect(id.code).toBe(1);
    expect(id.stderr).toMatch(/^wr-console: invalid tenant id "ev\\u001b\[2Jil"/);
    expect(readRegistry(t.config.paths)).toEqual([]);
  });

  it('refuses a business name with zero-width or bidi characters at tenant add --name and tenant import, changing nothing', async () => {
    t = makeHome();
    for (const [name, code] of [['Salon\u200bB', 'U+200B'], ['Salon \u202eB', 'U+202E']] as const) {
      const r = await cli(t.env, 'tenant', 'add', 'shop', '--name', name, '--transport', 'simulator');
      expect(r).toMatchObject({ code: 1, stderr: `wr-console: the business name has an invisible or text-direction character (${code}): type the name again as plain text` });
    }
    expect(readRegistry(t.config.paths)).toEqual([]);
    expect(fs.existsSync(t.config.paths.tenantDir('shop'))).toBe(false);
    await cli(t.env, 'tenant', 'add', 'shop', '--name', 'Shop', '--transport', 'simulator');
    const before = fs.readFileSync(t.config.paths.profile('shop'), 'utf8');
    const file = path.join(t.home, 'bidi.yaml');
    fs.writeFileSync(file, 'name: "Shop \u2067Evil\u2069"\ntimezone: UTC\n');
    const imported = await cli(t.env, 'tenant', 'import', 'shop', file);
    expect(imported.code).toBe(1);
    expect(imported.stderr).toContain('name: the business name has an invisible or text-direction character (U+2067): type the name again as plain text');
    expect(fs.readFileSync(t.config.paths.profile('shop'), 'utf8')).toBe(before);
    expect(readRegistry(t.config.paths).map((x) => x.name)).toEqual(['Shop']);
  });

  it("the console's add (registerTenant) refuses an empty or over-long name before it touches a kept profile", async () => {
    t = makeHome();
    const kept = 'name: Kept Shop # theirs\ntimezone: UTC\n';
    fs.mkdirSync(t.config.paths.tenantDir('shop'), { recursive: true });
    fs.writeFileSync(t.config.paths.profile('shop'), kept);
    for (const [name, message] of [['x'.repeat(101), /at most 100 are accepted/], ['', /business name is required/]] as const) {
      await expect(registerTenant(t.config, { id: 'shop', name, transport: 'simulator' })).rejects.toThrow(message);
    }
    expect(await cli(t.env, 'tenant', 'add', 'shop', '--name', 'x'.repeat(101), '--transport', 'simulator')).toMatchObject({ code: 1, stderr: 'wr-console: the business name is 101 characters: at most 100 are accepted' });
    expect(fs.readFileSync(t.config.paths.profile('shop'), 'utf8')).toBe(kept);
    expect(readRegistry(t.config.paths)).toEqual([]);
    const { tenant } = await registerTenant(t.config, { id: 'shop', name: 'x'.repeat(100), transport: 'simulator' });
    expect(parseProfileYaml(fs.readFileSync(t.config.paths.profile('shop'), 'utf8')).name).toBe(tenant.name);
  });

  it('rejects a duplicate id and keeps the first tenant intact', async () => {
    t = makeHome();
    await cli(t.env, 'tenant', 'add', 'a', '--name', 'First');
    const key = (await cli(t.env, 'tenant', 'key', 'a')).stdout;
    const dup = await cli(t.env, 'tenant', 'add', 'a', '--name', 'Second');
    expect(dup).toMatchObject({ code: 1, stderr: 'wr-console: tenant "a" already exists' });
    expect(readRegistry(t.config.paths).map((x) => x.name)).toEqual(['First']);
    expect((await cli(t.env, 'tenant', 'key', 'a')).stdout).toBe(key);
  });

  it('rejects an invalid profile with every problem and its line, changing nothing', async () => {
    t = makeHome();
    await cli(t.env, 'tenant', 'add', 'a', '--name', 'A');
    const before = fs.readFileSync(t.config.paths.profile('a'), 'utf8');
    const bad = path.join(t.home, 'bad.yaml');
    fs.writeFileSync(bad, 'name: X\ntimezone: Mars/Olympus\nservices:\n  - id: a\n    name: A\n    duration: -5\n');
    const r = await cli(t.env, 'tenant', 'import', 'a', bad);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')).toEqual([
      `wr-console: invalid profile ${bad} (2 problems); nothing was changed`,
      `${bad}:2:11: timezone: "Mars/Olympus" is not an IANA timezone like Europe/Madrid`,
      `${bad}:6:15: services[0].duration: at least 5 minutes`,
    ]);
    expect(fs.readFileSync(t.config.paths.profile('a'), 'utf8')).toBe(before);
  });

  it('checks an imported file\'s size before reading it, refuses what is not a regular file, and keeps the last good profile', async () => {
    t = makeHome();
    await cli(t.env, 'tenant', 'add', 'a', '--profile', exampleProfile);
    const before = fs.readFileSync(t.config.paths.profile('a'), 'utf8');
    // A sparse 1 GiB file: read whole, it would take a gigabyte of memory before any check.
    const huge = path.join(t.home, 'huge.yaml');
    fs.writeFileSync(huge, 'name: Huge\n');
    fs.truncateSync(huge, 1024 ** 3);
    const r = await cli(t.env, 'tenant', 'import', 'a', huge);
    expect(r).toMatchObject({ code: 1, stderr: `wr-console: profile not imported: ${huge} is 1073741824 bytes; at most 65536 are accepted; nothing was changed` });
    const dev = await cli(t.env, 'tenant', 'import', 'a', '/dev/zero');
    expect(dev).toMatchObject({ code: 1, stderr: 'wr-console: profile not imported: /dev/zero is not a regular file; nothing was changed' });
    expect(fs.readFileSync(t.config.paths.profile('a'), 'utf8')).toBe(before);
  });

  it('prints help for every command', async () => {
    t = makeHome();
    for (const argv of [['--help'], ['tenant', '--help'], ['tenant', 'add', '--help'], ['tenant', 'list', '-h'], ['tenant', 'remove', '--help'], ['tenant', 'key', '--help'], ['tenant', 'import', '--help']]) {
      const r = await cli(t.env, ...argv);
      expect(r.code, argv.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/usage: wr-console/);
    }
  });

  it('runs as a binary and exits non-zero on a bad configuration value, naming it', async () => {
    t = makeHome();
    const r = await cliProcess({ ...t.env, BRAIN_PORT: 'abc' }, 'tenant', 'list');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('wr-console: invalid configuration: BRAIN_PORT="abc": expected a port number');
  });

  it('refuses a setting exported in the shell that wr.env does not hold, since PM2 processes never see the shell', async () => {
    t = makeHome();
    // A wr.env without makeHome's free ports: the shell alone sets BRAIN_PORT here.
    fs.writeFileSync(t.config.paths.envFile, '', { mode: 0o600 });
    const { BRAIN_PORT: _b, MONITOR_PORT: _m, WR_PORT_BASE: _p, ...shell } = t.env;
    const env = { ...shell, BRAIN_PORT: '3100', TELEGRAM_BOT_TOKEN: '123:secret-token' };
    const r = await cli(env, 'status');
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')).toEqual([
      `wr-console: BRAIN_PORT=3100 is set in your shell, but ${t.config.paths.envFile} does not set it, and the brain, gateways and monitor read only that file: put the value in ${t.config.paths.envFile}, or unset it in the shell`,
      `wr-console: TELEGRAM_BOT_TOKEN=… is set in your shell, but ${t.config.paths.envFile} does not set it, and the brain, gateways and monitor read only that file: put the value in ${t.config.paths.envFile}, or unset it in the shell`,
    ]);
    fs.appendFileSync(t.config.paths.envFile, 'BRAIN_PORT=3000\n');
    expect((await cli({ ...shell, BRAIN_PORT: '3100' }, 'tenant', 'list')).stderr).toContain(`wr-console: BRAIN_PORT=3100 is set in your shell, but ${t.config.paths.envFile} has BRAIN_PORT=3000`);
    // The same value in both places, or only in wr.env, is fine.
    expect((await cli({ ...shell, BRAIN_PORT: '3000' }, 'tenant', 'list')).code).toBe(0);
    expect((await cli(shell, 'tenant', 'list')).code).toBe(0);
  });
});
