import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { integrityCheck, RawDb, rowCounts } from '../../core/sqlite/raw.js';
import { cli, cliProcess, exampleProfile, freePort, makeHome, type TestHome } from '../helpers/home.js';
import { startTestBrain, type TestBrain } from '../helpers/brain.js';
import { startTestGateway, until, type TestGateway } from '../helpers/gateway.js';
import { SpillFile } from '../../gateway/spill.js';
import type { InboundMessage } from '../../gateway/transports/transport.js';

let homes: TestHome[] = [];
let brains: TestBrain[] = [];
let gateways: TestGateway[] = [];
afterEach(async () => {
  for (const g of gateways) await g.close();
  gateways = [];
  for (const b of brains) await b.close();
  for (const h of homes) h.cleanup();
  homes = [];
  brains = [];
});

async function system() {
  const t = makeHome();
  homes.push(t);
  for (const id of ['clinic', 'salon']) await cli(t.env, 'tenant', 'add', id, '--profile', exampleProfile, '--transport', 'simulator');
  const brain = await startTestBrain(t, { BRAIN_RATE_LIMIT: '100000' });
  brains.push(brain);
  return { t, brain };
}

describe('backup and restore', () => {
  it('backs up consistently under write load, and a restore gives identical row counts', async () => {
    const { t, brain } = await system();
    let writing = true;
    let sent = 0;
    let answered = 0;
    const load = Promise.all(
      ['clinic', 'salon'].flatMap((tenant) =>
        Array.from({ length: 4 }, async (_, w) => {
          while (writing) {
            await brain.call('POST', '/api/chat', { key: brain.keyOf(tenant), tenant, body: { message: 'what are your hours?', sender: `+346009${w}${String(sent).padStart(5, '0')}`, messageId: `m${sent++}` } }).then((r) => r.text());
            answered++;
          }
        }),
      ),
    );
    while (answered < 40) await new Promise((r) => setTimeout(r, 20));
    // A photo a customer sent, kept by the gateway.
    fs.mkdirSync(t.config.paths.mediaDir('clinic'), { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(t.config.paths.mediaDir('clinic'), '2026-03-16-ABC.jpg'), 'JFIF', { mode: 0o600 });
    const dir = path.join(t.home, 'bk');
    const backup = await cli(t.env, 'backup', '--out', dir);
    writing = false;
    await load;
    expect(backup.stderr).toBe('');
    expect(backup.stdout).toMatch(/tenants\/clinic\/tenant\.db: \d+ rows, integrity ok/);
    expect(backup.stdout).toContain(`backup of 2 tenant(s) written to ${dir}`);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    for (const f of ['tenants.json', 'admin.key', 'tenants/clinic/tenant.db', 'tenants/clinic/secret', 'tenants/salon/profile.yaml', 'tenants/clinic/media/2026-03-16-ABC.jpg']) expect(fs.statSync(path.join(dir, f)).mode & 0o777, f).toBe(0o600);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.databases['tenants/clinic/tenant.db'].rows.messages).toBeGreaterThan(0);

    const fresh = makeHome();
    homes.push(fresh);
    const restored = await cli(fresh.env, 'restore', dir);
    expect(restored.stderr).toBe('');
    expect(restored.stdout).toContain('restored 2 tenant(s)');
    expect(fs.readFileSync(path.join(fresh.config.paths.mediaDir('clinic'), '2026-03-16-ABC.jpg'), 'utf8')).toBe('JFIF');
    for (const [rel, { rows }] of Object.entries(manifest.databases) as [string, { rows: Record<string, number> }][]) {
      const file = path.join(fresh.home, rel);
      expect(await integrityCheck(file)).toBe('ok');
      expect(await rowCounts(file), rel).toEqual(rows);
    }
    // The restored installation works: same tenants, same keys.
    const again = await startTestBrain(fresh);
    brains.push(again);
    const res = await again.call('GET', '/api/conversations?limit=200', { key: brain.keyOf('clinic'), tenant: 'clinic' });
    expect(res.status).toBe(200);
    expect((await res.json()).conversations.length).toBe(manifest.databases['tenants/clinic/tenant.db'].rows.conversations);
  });

  it('refuses to overwrite existing data without --force, and restores one tenant with it', async () => {
    const { t, brain } = await system();
    const dir = path.join(t.home, 'bk');
    // The brain opens (and so creates) every tenant's database when it starts.
    await until(() => fs.existsSync(t.config.paths.tenantDb('salon')));
    await cli(t.env, 'backup', '--out', dir);
    await brain.call('POST', '/api/chat', { key: brain.keyOf('clinic'), tenant: 'clinic', body: { message: 'hello', sender: '+34600777777' } });
    await brain.close();
    brains = [];
    const refused = await cli(t.env, 'restore', dir);
    expect(refused).toMatchObject({ code: 1, stderr: 'wr-console: restoring would replace the current data of clinic, salon; add --force to replace it (take a backup first)' });
    const one = await cli(t.env, 'restore', dir, '--tenant', 'clinic', '--force');
    expect(one.stdout).toContain('restored 1 tenant(s)');
    expect(await rowCounts(t.config.paths.tenantDb('clinic'))).toMatchObject({ conversations: 0 });
    expect((await cli(t.env, 'restore', dir, '--tenant', 'ghost')).stderr).toBe('wr-console: the backup has no tenant "ghost" (it has: clinic, salon)');
    expect((await cli(t.env, 'restore', '/nonexistent')).stderr).toBe('wr-console: /nonexistent is not a wr backup (manifest.json: ENOENT)');
    expect((await cli(t.env, 'backup', '--out', dir)).stderr).toBe(`wr-console: ${dir} is not empty: choose another --out`);
    // A file there (wr.env, say): one line, the file untouched, not a stack trace.
    const settings = fs.readFileSync(t.config.paths.envFile, 'utf8');
    expect(await cli(t.env, 'backup', '--out', t.config.paths.envFile)).toMatchObject({ code: 1, stderr: `wr-console: ${t.config.paths.envFile} is a file, not a folder: choose another --out` });
    expect(fs.readFileSync(t.config.paths.envFile, 'utf8')).toBe(settings);
  });

  it('carries the messages a gateway acknowledged but could not store (its spill file) to the restored gateway, after any waiting there', async () => {
    const t = makeHome();
    homes.push(t);
    await cli(t.env, 'tenant', 'add', 'clinic', '--profile', exampleProfile, '--transport', 'simulator');
    const message = (id: string): InboundMessage => ({ chat: '34600111222@s.whatsapp.net', address: '34600111222@s.whatsapp.net', participant: '', id, fromMe: false, sender: '+34600111222', senderName: 'Ana', kind: 'text', text: `message ${id}`, timestamp: new Date('2026-03-16T09:00:00Z') });
    const spillFile = t.config.paths.inboundSpill('clinic');
    const spill = await SpillFile.open(spillFile, 64 * 1024);
    expect(await spill.put([message('A'), message('B')])).toEqual([]);

    const dir = path.join(t.home, 'bk');
    const backup = await cli(t.env, 'backup', '--out', dir);
    expect(backup.stdout).toContain('tenants/clinic/inbound.spill: 2 received messages not yet stored');
    const copy = fs.statSync(path.join(dir, 'tenants/clinic/inbound.spill'));
    expect(copy.mode & 0o777).toBe(0o600);
    // Only the records travel, not the reserve of zeros.
    expect(copy.size).toBeLessThan(1024);

    const fresh = makeHome();
    homes.push(fresh);
    const restored = await cli(fresh.env, 'restore', dir);
    expect(restored.stdout).toContain('tenants/clinic/inbound.spill: 2 received messages, stored when the gateway starts');
    expect((await SpillFile.open(fresh.config.paths.inboundSpill('clinic'))).recovered.map((m) => [m.id, m.text, m.timestamp.toISOString()])).toEqual([
      ['A', 'message A', '2026-03-16T09:00:00.000Z'],
      ['B', 'message B', '2026-03-16T09:00:00.000Z'],
    ]);

    // Restored over a gateway that holds a message of its own: that one is kept, first.
    await spill.resetIf(() => true);
    await spill.put([message('C')]);
    expect((await cli(t.env, 'restore', dir, '--tenant', 'clinic', '--force')).code).toBe(0);
    expect((await SpillFile.open(spillFile)).recovered.map((m) => m.id)).toEqual(['C', 'A', 'B']);
  });

  it('a backup under load holds, in the brain’s copy, every turn the gateway’s copy counts as answered', async () => {
    const t = makeHome({ BRAIN_RATE_LIMIT: '100000' });
    homes.push(t);
    await cli(t.env, 'tenant', 'add', 'clinic', '--profile', exampleProfile, '--transport', 'simulator');
    // A tenant.db with history: its copy takes long enough for the gateway to answer customers meanwhile.
    const tenantDb = t.config.paths.tenantDb('clinic');
    fs.mkdirSync(path.dirname(tenantDb), { recursive: true });
    const filler = await RawDb.open(tenantDb, { create: true });
    await filler.exec("PRAGMA journal_mode=WAL; CREATE TABLE history_filler (b BLOB); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6000) INSERT INTO history_filler SELECT randomblob(8192) FROM n;");
    await filler.close();
    const brain = await startTestBrain(t);
    brains.push(brain);
    const gw = await startTestGateway(t, 'clinic', brain.url, { autoPairMs: 0 });
    gateways.push(gw);
    let writing = true;
    let n = 0;
    const load = Promise.all(
      Array.from({ length: 4 }, async () => {
        while (writing) await gw.call('POST', '/simulate/inbound', { from: `+3460055${String(n % 50).padStart(4, '0')}`, text: 'what are your hours?', id: `L${n++}` }).then((r) => r.text());
      }),
    );
    await until(async () => (await rowCounts(t.config.paths.gatewayDb('clinic'))).outbox! > 20, 20_000, 'answers before the backup');
    const dir = path.join(t.home, 'bk');
    const backup = await cliProcess(t.env, 'backup', '--out', dir);
    writing = false;
    await load;
    expect(backup.stderr).toBe('');
    const gdb = await RawDb.open(path.join(dir, 'tenants/clinic/gateway.db'), true);
    const tdb = await RawDb.open(path.join(dir, 'tenants/clinic/tenant.db'), true);
    try {
      const answered = await gdb.all<{ id: string }>("SELECT substr(chat || '/' || participant || '/' || message_id, 1, 110) AS id FROM inbox WHERE from_me = 0 AND status = 'done'");
      const inBrain = new Set((await tdb.all<{ message_id: string }>('SELECT message_id FROM processed_messages')).map((r) => r.message_id));
      expect(answered.length).toBeGreaterThan(20);
      // Restored, a turn missing here would be a reply (a booking) the brain never made, never retried.
      expect(answered.filter((r) => !inBrain.has(r.id))).toEqual([]);
    } finally {
      await gdb.close();
      await tdb.close();
    }
  }, 60_000);

  it('copies a WhatsApp auth folder while the gateway removes keys from it, leaving out what is gone', async () => {
    const t = makeHome();
    homes.push(t);
    await cli(t.env, 'tenant', 'add', 'shop', '--name', 'Shop', '--transport', 'baileys');
    const auth = t.config.paths.authDir('shop');
    fs.mkdirSync(auth, { recursive: true, mode: 0o700 });
    for (let i = 0; i < 1500; i++) fs.writeFileSync(path.join(auth, `pre-key-${i}.json`), '{"public":"x"}', { mode: 0o600 });
    // Baileys using up pre-keys, from another process, in the opposite order to the copy's, once the copy has begun.
    const dir = path.join(t.home, 'bk');
    const remover = spawn(process.execPath, ['-e', `const fs = require('fs'); const auth = ${JSON.stringify(auth)}; while (!fs.existsSync(${JSON.stringify(path.join(dir, 'tenants/shop/auth'))})); for (const f of fs.readdirSync(auth).reverse()) fs.rmSync(auth + '/' + f, { force: true });`], { stdio: 'ignore' });
    await new Promise((r) => remover.once('spawn', r));
    await new Promise((r) => setTimeout(r, 150));
    const backup = await cli(t.env, 'backup', '--out', dir);
    await new Promise((r) => remover.on('close', r));
    expect(backup).toMatchObject({ code: 0, stderr: '' });
    const copied = fs.readdirSync(path.join(dir, 'tenants/shop/auth'));
    expect(copied.every((f) => fs.readFileSync(path.join(dir, 'tenants/shop/auth', f), 'utf8') === '{"public":"x"}')).toBe(true);
  });

  it('restores one tenant while the shared brain runs: the brain serves the restored data at once, and the other tenants throughout (issue 16 item 7)', async () => {
    const port = await freePort();
    const t = makeHome({ BRAIN_PORT: String(port) });
    homes.push(t);
    for (const id of ['clinic', 'salon']) await cli(t.env, 'tenant', 'add', id, '--profile', exampleProfile, '--transport', 'simulator');
    const brain = await startTestBrain(t, {}, port);
    brains.push(brain);
    const chat = (tenant: string, message: string, sender: string) => brain.call('POST', '/api/chat', { key: brain.keyOf(tenant), tenant, body: { message, sender } });
    const conversations = async (tenant: string) => ((await (await brain.call('GET', '/api/conversations?limit=200', { key: brain.keyOf(tenant), tenant })).json()) as { conversations: unknown[] }).conversations.length;
    expect((await chat('clinic', 'hello', '+34600000001')).status).toBe(200);
    const dir = path.join(t.home, 'bk');
    expect((await cli(t.env, 'backup', '--out', dir)).code).toBe(0);
    for (const n of [2, 3, 4]) expect((await chat('clinic', 'hello', `+3460000000${n}`)).status).toBe(200);
    expect(await conversations('clinic')).toBe(4);

    // salon is asked all through the restore: it never waits for clinic's.
    let asking = true;
    const salonStatuses: number[] = [];
    const salon = (async () => {
      for (let i = 0; asking; i++) salonStatuses.push((await chat('salon', 'what are your hours?', `+3461000${String(i).padStart(4, '0')}`)).status);
    })();
    const restored = await cli(t.env, 'restore', dir, '--tenant', 'clinic', '--force');
    asking = false;
    await salon;
    expect(restored.stderr).toBe('');
    expect(restored.stdout).toContain('the brain serves clinic from the restored data');
    expect(restored.stdout).not.toContain('stopped wr-brain');
    // The same brain process, no restart: the restored file is what it serves now.
    expect(await conversations('clinic')).toBe(1);
    expect((await chat('clinic', 'hello again', '+34600000009')).status).toBe(200);
    expect(await conversations('clinic')).toBe(2);
    expect(salonStatuses.length).toBeGreaterThan(0);
    expect(new Set(salonStatuses)).toEqual(new Set([200]));
  });

  it("suspends one tenant in the brain on the admin key only: 503 with Retry-After until resumed", async () => {
    const { brain } = await system();
    const act = (action: string, key: string) => brain.call('POST', `/admin/tenants/clinic/${action}`, { key });
    expect((await act('suspend', brain.keyOf('clinic'))).status).toBe(401);
    expect((await act('pause', brain.adminKey)).status).toBe(400);
    expect(await (await act('suspend', brain.adminKey)).json()).toEqual({ tenant: 'clinic', suspended: true });
    const refused = await brain.call('POST', '/api/chat', { key: brain.keyOf('clinic'), tenant: 'clinic', body: { message: 'hello', sender: '+34600000001' } });
    expect([refused.status, refused.headers.get('retry-after')]).toEqual([503, '2']);
    expect((await brain.call('POST', '/api/chat', { key: brain.keyOf('salon'), tenant: 'salon', body: { message: 'hello', sender: '+34600000001' } })).status).toBe(200);
    expect((await act('resume', brain.adminKey)).status).toBe(200);
    expect((await brain.call('POST', '/api/chat', { key: brain.keyOf('clinic'), tenant: 'clinic', body: { message: 'hello', sender: '+34600000001' } })).status).toBe(200);
  });
});
