import { afterAll, describe, expect, it } from 'vitest';
import { startTestBrain, type TestBrain } from '../helpers/brain.js';
import { cli, exampleProfile, makeHome, type TestHome } from '../helpers/home.js';
import { usePostgres } from '../helpers/postgres.js';

/** The brain on PostgreSQL while the server restarts: 503 with Retry-After, then every message answered once. */

const cluster = usePostgres();
let t: TestHome;
let brain: TestBrain | undefined;
afterAll(async () => {
  await brain?.close();
  t?.cleanup();
});

describe('PostgreSQL restart under a running brain', () => {
  it('answers 503 with Retry-After while the server is down, and each message exactly once after', async () => {
    t = makeHome({ WR_PORT_BASE: '42600', WR_DATABASE_URL: await cluster.current.database() });
    await cli(t.env, 'tenant', 'add', 'clinic', '--profile', exampleProfile);
    brain = await startTestBrain(t);
    const send = (i: number) =>
      brain!.call('POST', '/api/chat', { key: brain!.keyOf('clinic'), tenant: 'clinic', body: { message: 'what are your opening hours?', sender: `+3460070${String(i).padStart(4, '0')}`, messageId: `m${i}` } });
    expect((await send(0)).status).toBe(200);

    cluster.current.ctl('stop', '-m', 'fast', '-w');
    const down = await send(1);
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
    expect((await down.json()).error).toMatch(/^PostgreSQL (is not reachable|connection failed): .*; retry after the Retry-After seconds$/);

    cluster.current.ctl('start', '-w');
    // The gateway's retries: the refused message again, then more, each answered once.
    const replies: string[] = [];
    for (let i = 1; i <= 5; i++) {
      const res = await send(i);
      expect(res.status).toBe(200);
      replies.push((await res.json()).reply);
    }
    expect(replies.every((r) => /open/.test(r))).toBe(true);
    // A retry of an answered message gets the first answer and records nothing new.
    expect((await (await send(3)).json()).reply).toBe(replies[2]);
    const { conversations } = await (await brain.call('GET', '/api/conversations?limit=50', { key: brain.adminKey, tenant: 'clinic' })).json();
    expect(conversations).toHaveLength(6);
    expect(conversations.every((c: { messages: unknown[] }) => c.messages.length === 2)).toBe(true);
  });
});
