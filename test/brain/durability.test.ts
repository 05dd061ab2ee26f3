import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { projectRoot } from '../../core/paths.js';
import { readTenantKey } from '../../core/keys.js';
import { cli, exampleProfile, freePort, makeHome, type TestHome } from '../helpers/home.js';
import { startTestBrain } from '../helpers/brain.js';
import { engines } from '../helpers/engines.js';

let t: TestHome;
afterEach(() => t?.cleanup());

const sql = (db: string, q: string) => execFileSync('sqlite3', [db, q], { encoding: 'utf8' }).trim();

describe.each(engines())('writes under load on $name', (engine) => {
  it('takes 50 concurrent writers across 5 tenants with no error and nothing lost', async () => {
    t = makeHome({ ...(await engine.settings()) });
    const tenants = ['t1', 't2', 't3', 't4', 't5'];
    for (const id of tenants) await cli(t.env, 'tenant', 'add', id, '--profile', exampleProfile);
    const brain = await startTestBrain(t, { BRAIN_RATE_LIMIT: '100000' });
    try {
      const perWriter = 4;
      const writers = Array.from({ length: 50 }, (_, w) => async () => {
        const tenant = tenants[w % tenants.length]!;
        const statuses: number[] = [];
        for (let i = 0; i < perWriter; i++) {
          const res = await brain.call('POST', '/api/chat', {
            key: brain.keyOf(tenant),
            tenant,
            body: { message: ['hello', 'what are your hours?', 'where are you?', 'do you accept insurance?'][i], sender: `+3460020${String(w).padStart(4, '0')}`, messageId: `w${w}-m${i}` },
          });
          statuses.push(res.status);
          await res.text();
        }
        return statuses;
      });
      const results = (await Promise.all(writers.map((run) => run()))).flat();
      expect(results.filter((s) => s !== 200)).toEqual([]);
      for (const id of tenants) {
        const query = (q: string) => engine.query(t, id, q);
        expect(query('SELECT count(*) FROM processed_messages;')).toBe(String(10 * perWriter));
        expect(query("SELECT count(*) FROM messages WHERE direction = 'in';")).toBe(String(10 * perWriter));
        expect(query('SELECT count(*) FROM conversations;')).toBe('10');
        if (engine.name === 'SQLite') expect(query('PRAGMA integrity_check;')).toBe('ok');
      }
    } finally {
      await brain.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('finishes in-flight requests on SIGTERM and loses no acknowledged write', async () => {
    t = makeHome();
    await cli(t.env, 'tenant', 'add', 'clinic', '--profile', exampleProfile);
    const port = await freePort();
    const child = spawn(process.execPath, [path.join(projectRoot, 'dist/brain/main.js')], {
      env: { ...t.env, BRAIN_PORT: String(port), BRAIN_RATE_LIMIT: '100000' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) => child.on('message', (m) => m === 'ready' && resolve()));
    const key = readTenantKey(t.config.paths, 'clinic')!;
    const acknowledged: string[] = [];
    let refused = 0;
    const send = async (i: number) => {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/chat`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'x-client-id': 'clinic', 'content-type': 'application/json' },
          body: JSON.stringify({ message: 'what are your hours?', sender: `+3460030${String(i % 40).padStart(4, '0')}`, messageId: `m${i}` }),
        });
        if (res.status === 200) {
          await res.json();
          acknowledged.push(`m${i}`);
        }
      } catch {
        refused++;
      }
    };
    const load = Promise.all(
      Array.from({ length: 8 }, async (_, lane) => {
        for (let i = lane; i < 4000; i += 8) await send(i);
      }),
    );
    while (acknowledged.length < 100) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGTERM');
    await load;
    expect(await exited).toBe(0);
    expect(refused).toBeGreaterThan(0);
    const stored = new Set(sql(t.config.paths.tenantDb('clinic'), 'SELECT message_id FROM processed_messages;').split('\n'));
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    expect(acknowledged.length).toBeGreaterThanOrEqual(100);
  });
});
