import { afterAll, describe, expect, it } from 'vitest';
import { readTenantKey } from '../../core/keys.js';
import { until } from '../helpers/gateway.js';
import { exampleProfile } from '../helpers/home.js';
import { usePostgres } from '../helpers/postgres.js';
import { makeStack, pm2Processes, type Stack } from '../helpers/stack.js';

/** The brain under PM2 in cluster mode (BRAIN_INSTANCES=2) on PostgreSQL, with one instance killed -9 under load. */

const cluster = usePostgres();
let stack: Stack | undefined;
afterAll(() => stack?.stop());

describe('brain in PM2 cluster mode', () => {
  it('runs BRAIN_INSTANCES processes on one port and answers every message once through a kill -9 of one', { timeout: 120_000 }, async () => {
    stack = await makeStack({ WR_DATABASE_URL: await cluster.current.database(), BRAIN_INSTANCES: '2' });
    expect((await stack.wr('tenant', 'add', 'clinic', '--profile', exampleProfile)).code).toBe(0);
    const started = await stack.wr('start', 'brain');
    expect(started.stdout).toBe('wr-brain: started');
    const brains = () => pm2Processes(stack!.home.env).filter((p) => p.name === 'wr-brain' && p.pm2_env.status === 'online');
    await until(() => brains().length === 2, 30_000, 'two brain processes online').catch((e) => {
      throw new Error(`${e.message}: ${JSON.stringify(pm2Processes(stack!.home.env).map((p) => [p.name, p.pm2_env.status]))}`);
    });
    const key = readTenantKey(stack.home.config.paths, 'clinic')!;
    // A gateway's way: each message until answered, keyed by its id, so a retry is never a second message.
    const deliver = async (i: number): Promise<string> => {
      let last = '';
      for (let attempt = 0; attempt < 50; attempt++) {
        try {
          const res = await fetch(`http://127.0.0.1:${stack!.brainPort}/api/chat`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'x-client-id': 'clinic', 'content-type': 'application/json' },
            body: JSON.stringify({ message: 'what are your opening hours?', sender: `+3460060${String(i).padStart(4, '0')}`, messageId: `c${i}` }),
            // As the gateway's client does: a connection handed to the process being killed may never answer.
            signal: AbortSignal.timeout(10_000),
          });
          last = `${res.status} ${await res.clone().text()}`;
          if (res.status === 200) return (await res.json()).reply;
        } catch (err) {
          // The connection went down with the killed process: retry.
          last = (err as Error).message;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`message ${i} never answered: ${last}`);
    };
    const victim = brains()[0]!.pid;
    const load = Promise.all(Array.from({ length: 60 }, (_, i) => new Promise((r) => setTimeout(r, i * 20)).then(() => deliver(i))));
    await new Promise((r) => setTimeout(r, 400));
    process.kill(victim, 'SIGKILL');
    const replies = await load;
    expect(replies.every((r) => typeof r === 'string' && r.length > 0)).toBe(true);
    await until(() => brains().length === 2 && !brains().some((p) => p.pid === victim), 30_000, 'PM2 restarted the killed instance');
    const res = await fetch(`http://127.0.0.1:${stack.brainPort}/api/conversations?limit=100`, { headers: { authorization: `Bearer ${key}`, 'x-client-id': 'clinic' } });
    const { conversations } = await res.json();
    // Every message stored once: 60 conversations, each one question and one answer.
    expect(conversations).toHaveLength(60);
    expect(conversations.every((c: { messages: unknown[] }) => c.messages.length === 2)).toBe(true);
  });
});
