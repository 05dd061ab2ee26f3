import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, exampleProfile, makeHome, type TestHome } from '../helpers/home.js';
import { startTestBrain } from '../helpers/brain.js';
import { locksHeldOn } from '../helpers/locks.js';

let t: TestHome;
afterEach(() => t?.cleanup());

const sql = (db: string, q: string) => execFileSync('sqlite3', [db, q], { encoding: 'utf8' }).trim();

describe('SQLite locks of a running brain', () => {
  it('keeps its POSIX locks on tenant.db, so an outside sqlite3 reader never removes the live WAL', async () => {
    t = makeHome();
    await cli(t.env, 'tenant', 'add', 'clinic', '--profile', exampleProfile);
    const brain = await startTestBrain(t, { BRAIN_RATE_LIMIT: '100000' });
    const db = t.config.paths.tenantDb('clinic');
    const chat = async (i: number) => {
      const res = await brain.call('POST', '/api/chat', { key: brain.keyOf('clinic'), tenant: 'clinic', body: { message: 'what are your hours?', sender: '+34600000001', messageId: `m${i}` } });
      expect(res.status).toBe(200);
      await res.text();
    };
    try {
      for (let i = 0; i < 5; i++) await chat(i);
      expect(locksHeldOn(db, process.pid)).toBeGreaterThan(0);
      // The README's own inspection command, while the brain runs.
      expect(sql(db, "SELECT count(*) FROM messages WHERE direction = 'in';")).toBe('5');
      expect(fs.existsSync(`${db}-wal`)).toBe(true);
      expect(fs.existsSync(`${db}-shm`)).toBe(true);
      expect(locksHeldOn(db, process.pid)).toBeGreaterThan(0);
      for (let i = 5; i < 10; i++) await chat(i);
      // Every acknowledged write is in the file an outside reader sees.
      expect(sql(db, "SELECT count(*) FROM messages WHERE direction = 'in';")).toBe('10');
    } finally {
      await brain.close();
    }
    expect(sql(db, "SELECT count(*) FROM messages WHERE direction = 'in';")).toBe('10');
    expect(sql(db, 'PRAGMA integrity_check;')).toBe('ok');
  });
});
