import { afterAll, describe, expect, it } from 'vitest';
import { startTestBrain, type TestBrain } from '../helpers/brain.js';
import { cli, exampleProfile, makeHome, type TestHome } from '../helpers/home.js';
import { usePostgres } from '../helpers/postgres.js';

/** The brain on PostgreSQL while the server restarts under load: 503 with Retry-After, then every message answered once. */

const cluster = usePostgres();
let t: TestHome;
let brain: TestBrain | undefined;
afterAll(async () => {
  await brain?.close();
  t?.cleanup();
});

describe('PostgreSQL restart under a running brain', () => {
  it('answers 503 with Retry-After while the server is down, and each message exactly once after', async () => {
    t = makeHome({ WR_DATABASE_URL: await cluster.current.database() });
    await cli(t.env, 'tenant', 'add', 'clinic', '--profile', exampleProfile);
    brain = await startTestBrain(t, { BRAIN_RATE_LIMIT: '100000' });
    const send = (i: number) =>
      brain!.call('POST', '/api/chat', { key: brain!.keyOf('clinic'), tenant: 'clinic', body: { message: 'what are your opening hours?', sender: `+3460070${String(i).padStart(4, '0')}`, messageId: `m${i}` } });
    const refusals: { status: number; retryAfter: string | null; error: string }[] = [];
    // A gateway's way: the same message (same id) until it is answered, waiting as asked in between.
    const deliver = async (i: number): Promise<string> => {
      for (;;) {
        const res = await send(i);
        if (res.status === 200) return (await res.json()).reply;
        refusals.push({ status: res.status, retryAfter: res.headers.get('retry-after'), error: (await res.json()).error });
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    expect(await deliver(0)).toContain('open');

    // 40 customers write while the server goes down and comes back.
    const load = Promise.all(Array.from({ length: 40 }, (_, i) => new Promise((r) => setTimeout(r, i * 25)).then(() => deliver(i + 1))));
    await new Promise((r) => setTimeout(r, 200));
    cluster.current.ctl('stop', '-m', 'fast', '-w');
    await new Promise((r) => setTimeout(r, 500));
    cluster.current.ctl('start', '-w');
    const replies = await load;

    expect(replies.every((r) => /open/.test(r))).toBe(true);
    expect(refusals.length).toBeGreaterThan(0);
    for (const r of refusals) {
      expect(r).toMatchObject({ status: 503, retryAfter: '5' });
      expect(r.error).toMatch(/^PostgreSQL (is not reachable|connection failed): .*; retry after the Retry-After seconds$/);
    }
    // A retry of an answered message gets the first answer and records nothing new.
    expect(await deliver(3)).toBe(replies[2]);
    const { conversations } = await (await brain.call('GET', '/api/conversations?limit=100', { key: brain.adminKey, tenant: 'clinic' })).json();
    expect(conversations).toHaveLength(41);
    expect(conversations.every((c: { messages: unknown[] }) => c.messages.length === 2)).toBe(true);
  });
});
