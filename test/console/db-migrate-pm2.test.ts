import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { readTenantKey } from '../../core/keys.js';
import { engines } from '../helpers/engines.js';
import { exampleProfile } from '../helpers/home.js';
import { makeStack, pm2Processes, type Stack } from '../helpers/stack.js';

/** wr-console db migrate against a brain that PM2 runs: copied while it serves, then switched over with nothing lost. */

const [sqlite, postgres] = engines();
let stack: Stack | undefined;
afterAll(() => stack?.stop());

describe('db migrate with the brain under PM2', () => {
  it('copies while the brain serves, stops it for the final copy, and starts it on PostgreSQL', { timeout: 120_000 }, async () => {
    stack = await makeStack();
    expect((await stack.wr('tenant', 'add', 'clinic', '--profile', exampleProfile)).code).toBe(0);
    expect((await stack.wr('start', 'brain')).stdout).toBe('wr-brain: started');
    const key = readTenantKey(stack.home.config.paths, 'clinic')!;
    const chat = async (sender: string) => {
      const res = await fetch(`http://127.0.0.1:${stack!.brainPort}/api/chat`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'x-client-id': 'clinic', 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'hello', sender, messageId: `${sender}-1` }),
      });
      expect(res.status).toBe(200);
    };
    for (let i = 0; i < 5; i++) await chat(`+3460050000${i}`);

    fs.appendFileSync(stack.home.config.paths.envFile, `WR_DATABASE_URL=${JSON.stringify((await postgres!.settings()).WR_DATABASE_URL)}\n`);
    const migrated = await stack.wr('db', 'migrate', 'all');
    expect(migrated.stderr).toBe('');
    expect(migrated.code).toBe(0);
    const lines = migrated.stdout.split('\n');
    expect(lines.filter((l) => l.startsWith('clinic: ') && l.includes('row counts match'))).toHaveLength(2);
    expect(lines).toContain('wr-brain: stopped for the final copy (gateways queue messages meanwhile)');
    expect(lines).toContain('wr-brain: started');
    expect(lines.at(-1)).toBe('done: clinic served from PostgreSQL; each tenant.db stays as it was, as a backup');
    expect(pm2Processes(stack.home.env).filter((p) => p.name === 'wr-brain' && p.pm2_env.status === 'online')).toHaveLength(1);

    // The restarted brain writes to PostgreSQL; tenant.db keeps what it had.
    await chat('+34600500009');
    expect(postgres!.query(stack.home, 'clinic', 'SELECT count(*) FROM conversations;')).toBe('6');
    expect(sqlite!.query(stack.home, 'clinic', 'SELECT count(*) FROM conversations;')).toBe('5');
  });
});
