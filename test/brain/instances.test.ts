import { afterAll, describe, expect, it } from 'vitest';
import { startTestBrain, type TestBrain } from '../helpers/brain.js';
import { cli, exampleProfile, makeHome, type TestHome } from '../helpers/home.js';
import { usePostgres } from '../helpers/postgres.js';

/** Two brain processes' worth of instances (each its own connection pool) on one PostgreSQL server. */

const cluster = usePostgres();
let t: TestHome;
const brains: TestBrain[] = [];
afterAll(async () => {
  for (const b of brains) await b.close();
  t?.cleanup();
});

async function chat(brain: TestBrain, sender: string, message: string, minute: number) {
  const res = await brain.call('POST', '/api/chat', { key: brain.keyOf('clinic'), tenant: 'clinic', body: { message, sender, messageId: `${sender}-${minute}`, timestamp: `2026-03-16T10:${String(minute).padStart(2, '0')}:00Z` } });
  expect(res.status).toBe(200);
  return (await res.json()) as { reply: string; actions: { status: string }[] };
}

describe('two brain instances on PostgreSQL', () => {
  it('serve the same tenants, and two customers confirming the last slot through different instances get one booking', async () => {
    t = makeHome({ WR_DATABASE_URL: await cluster.current.database() });
    await cli(t.env, 'tenant', 'add', 'clinic', '--profile', exampleProfile);
    const [a, b] = [await startTestBrain(t), await startTestBrain(t)];
    brains.push(a!, b!);
    // A conversation started on one instance continues on the other.
    await chat(a!, '+34600800000', 'hello', 0);
    const { conversations } = await (await b!.call('GET', '/api/conversations?sender=%2B34600800000', { key: b!.adminKey, tenant: 'clinic' })).json();
    expect(conversations).toHaveLength(1);

    for (const [i, hour] of ['10am', '11am', '12pm', '1pm'].entries()) {
      const [first, second] = [`+346008001${i}0`, `+346008001${i}1`];
      for (const [sender, brain] of [[first, a!], [second, b!]] as const) {
        await chat(brain, sender, `Can I book a cleaning tomorrow at ${hour}?`, 1);
        await chat(brain, sender, 'Ana Garcia', 2);
      }
      // Both confirm the same slot (capacity 1) at the same moment, one through each instance.
      const outcomes = await Promise.all([chat(a!, first, 'yes', 3), chat(b!, second, 'yes', 3)]);
      expect(outcomes.filter((o) => o.actions.some((x) => x.status === 'booked'))).toHaveLength(1);
    }
    const { bookings } = await (await a!.call('GET', '/api/bookings', { key: a!.adminKey, tenant: 'clinic' })).json();
    expect(bookings).toHaveLength(4);
    expect(new Set(bookings.map((x: { startAt: string }) => x.startAt)).size).toBe(4);
  });
});
