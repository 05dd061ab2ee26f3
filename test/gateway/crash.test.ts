import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { BufferJSON } from '@whiskeysockets/baileys';
import { afterEach, describe, expect, it } from 'vitest';
import { projectRoot } from '../../core/paths.js';
import { readTenantKey } from '../../core/keys.js';
import { AuthFolder } from '../../gateway/transports/auth-store.js';
import { cli, exampleProfile, freePort, makeHome, type TestHome } from '../helpers/home.js';
import { startTestBrain, type TestBrain } from '../helpers/brain.js';
import { until } from '../helpers/gateway.js';

let t: TestHome;
let brain: TestBrain | undefined;
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const c of children) c.kill('SIGKILL');
  children.length = 0;
  await brain?.close();
  brain = undefined;
  t?.cleanup();
});

function spawnGateway(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(projectRoot, 'dist/gateway/main.js'), 'demo'], { env, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.on('message', (m) => m === 'ready' && resolve(child));
    child.on('exit', (code) => reject(new Error(`gateway exited with ${code}`)));
  });
}

describe('gateway durability', () => {
  it('through a brain outage and a kill -9 of the gateway, 500 messages get exactly 500 replies', async () => {
    t = makeHome();
    const base = t.config.WR_PORT_BASE;
    await cli(t.env, 'tenant', 'add', 'demo', '--profile', exampleProfile, '--transport', 'simulator');
    const brainPort = await freePort();
    const env = {
      ...t.env,
      BRAIN_URL: `http://127.0.0.1:${brainPort}`,
      GATEWAY_SEND_PER_MINUTE: '6000',
      GATEWAY_SEND_BURST: '1000',
      GATEWAY_RETRY_CAP_MS: '300',
    };
    brain = await startTestBrain(t, { BRAIN_RATE_LIMIT: '100000' }, brainPort);
    let gateway = await spawnGateway(env);
    const url = `http://127.0.0.1:${base}`;
    const key = readTenantKey(t.config.paths, 'demo')!;
    const call = (method: string, p: string, body?: unknown) =>
      fetch(`${url}${p}`, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
    expect((await call('POST', '/simulate/pair')).status).toBe(200);

    const inject = async (from: number, to: number) => {
      for (let i = from; i < to; i += 10) {
        await Promise.all(
          Array.from({ length: Math.min(10, to - i) }, async (_, k) => {
            const n = i + k;
            const res = await call('POST', '/simulate/inbound', { from: `+346005${String(n % 50).padStart(5, '0')}`, text: n % 2 ? 'what are your hours?' : 'where are you?', id: `MSG${n}` });
            expect(res.status).toBe(202);
          }),
        );
      }
    };
    await inject(0, 200);
    await brain.close();
    brain = undefined;
    await inject(200, 300);
    gateway.kill('SIGKILL');
    await new Promise((r) => gateway.once('exit', r));
    gateway = await spawnGateway(env);
    brain = await startTestBrain(t, { BRAIN_RATE_LIMIT: '100000' }, brainPort);
    await inject(300, 500);

    const sent = async () => ((await (await call('GET', '/simulate/outbox')).json()).messages as unknown[]).length;
    const db = t.config.paths.gatewayDb('demo');
    const sql = (q: string) => execFileSync('sqlite3', [db, q], { encoding: 'utf8' }).trim();
    await until(async () => (await sent()) >= 500, 60_000, '500 replies').catch((err) => {
      throw new Error(`${err.message}; inbox: ${sql('SELECT status, count(*), max(last_error) FROM inbox GROUP BY status;')}; outbox: ${sql('SELECT status, count(*) FROM outbox GROUP BY status;')}`);
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(await sent()).toBe(500);
    expect(sql("SELECT count(*) FROM inbox WHERE status = 'done';")).toBe('500');
    expect(sql('SELECT count(*), count(DISTINCT inbox_id) FROM outbox;')).toBe('500|500');
    expect(sql('SELECT count(*) FROM sim_outbox;')).toBe('500');
    const { conversations } = await (await brain.call('GET', '/api/conversations?limit=200', { key: brain.keyOf('demo'), tenant: 'demo' })).json();
    expect(conversations).toHaveLength(50);
  }, 120_000);

  it('keeps the WhatsApp session loadable when killed with -9 in the middle of saving it (20 runs)', async () => {
    t = makeHome();
    const dir = t.config.paths.authDir('demo');
    const writer = `
      import { AuthFolder } from ${JSON.stringify(path.join(projectRoot, 'dist/gateway/transports/auth-store.js'))};
      import { BufferJSON } from '@whiskeysockets/baileys';
      const folder = new AuthFolder(${JSON.stringify(dir)}, BufferJSON);
      await folder.ensure();
      for (let n = 0; ; n++) {
        await Promise.all([
          folder.write('creds', { n, noiseKey: { private: Buffer.alloc(32, n % 256), public: Buffer.alloc(32, 7) }, pad: 'x'.repeat(20000 + (n % 5000)) }),
          folder.write('session-34600111222.0', { n, data: Buffer.alloc(2048, n % 256) }),
        ]);
        // Killed before its first save there is rightly nothing to load, and on a busy machine (two test
        // files per core pair) 20 ms after start-up need not hold one: the kill lands among later saves.
        if (n === 0) process.send('go');
      }`;
    let last = -1;
    for (let run = 0; run < 20; run++) {
      const child = spawn(process.execPath, ['--input-type=module', '-e', writer], { cwd: projectRoot, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      children.push(child);
      await new Promise<void>((resolve) => child.once('message', () => resolve()));
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 80));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const folder = new AuthFolder(dir, BufferJSON);
      await folder.ensure();
      const creds = await folder.read<{ n: number; noiseKey: { private: Buffer } }>('creds');
      expect(creds, `run ${run}`).not.toBeNull();
      expect(Buffer.isBuffer(creds!.noiseKey.private)).toBe(true);
      expect(creds!.noiseKey.private[0]).toBe(creds!.n % 256);
      expect(await folder.read('session-34600111222.0')).not.toBeNull();
      last = creds!.n;
    }
    expect(last).toBeGreaterThan(0);
    expect((await import('node:fs')).readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 120_000);
});
