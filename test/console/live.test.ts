import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.js';
import type { Pm2Client } from '../../core/pm2/client.js';
import type { LiveBackend } from '../../console/tui/backend.js';
import { until } from '../helpers/gateway.js';
import { makeStack, pm2Processes, type Stack } from '../helpers/stack.js';

/** The console's live backend over a real PM2 daemon (private PM2_HOME), as the TUI uses it. */
let stack: Stack;
let pm2: Pm2Client;
let backend: LiveBackend;

beforeAll(async () => {
  stack = await makeStack();
  // PM2 reads PM2_HOME when first imported: this worker talks to the stack's daemon only.
  process.env.PM2_HOME = stack.home.env.PM2_HOME;
  expect((await stack.wr('tenant', 'add', 'demo', '--profile', 'examples/demo-dental.yaml', '--transport', 'simulator')).code).toBe(0);
  expect((await stack.wr('start')).code).toBe(0);
  const { Pm2Client } = await import('../../core/pm2/client.js');
  const { LiveBackend } = await import('../../console/tui/backend.js');
  pm2 = new Pm2Client();
  await pm2.connect();
  backend = new LiveBackend(loadConfig(stack.home.env), stack.home.env, pm2);
  await backend.open();
}, 60_000);

afterAll(async () => {
  await backend?.close();
  await stack?.stop();
});

const pidOf = (name: string) => pm2Processes(stack.home.env).find((p) => p.name === name)?.pid ?? 0;
const listening = (name: string) => backend.logs(name).filter((l) => l.text.includes('gateway listening')).length;

describe('the console backend over a real PM2', () => {
  it('keeps the live log stream and exit events after adding a tenant with a (issue 16 item 2)', async () => {
    const online = () => until(() => backend.snapshot().rows.find((r) => r.id === 'demo')?.pm2 === 'online' && pidOf('wr-gw-demo') > 0, 20_000, 'demo online');
    /** Kills demo's gateway: PM2's exit event and the restarted gateway's first line reach the console only over a live bus. */
    const killDemo = async (what: string) => {
      await online();
      const crashedBefore = backend.snapshot().crashes['wr-gw-demo']?.at ?? 0;
      const linesBefore = listening('wr-gw-demo');
      process.kill(pidOf('wr-gw-demo'), 'SIGKILL');
      await until(() => (backend.snapshot().crashes['wr-gw-demo']?.at ?? 0) > crashedBefore, 20_000, `the exit event ${what}`);
      await until(() => listening('wr-gw-demo') > linesBefore, 20_000, `demo's start-up line ${what}`);
    };
    await killDemo('before adding a tenant');

    // The same in-process path as the TUI's `a`: it connects to PM2 and lets go again.
    expect(await backend.addTenant({ id: 'shop', name: 'Shop', transport: 'simulator' })).toMatch(/^added shop on port \d+$/);
    await until(() => backend.snapshot().rows.find((r) => r.id === 'shop')?.pm2 === 'online', 20_000, 'shop online');

    await killDemo('after adding a tenant');
    expect(backend.snapshot().crashes['wr-gw-demo']).toMatchObject({ signal: 'SIGKILL', code: null });
  }, 90_000);

  it('does not count a planned restart or stop as a crash (issue 16 item 3)', async () => {
    const before = backend.snapshot().crashes['wr-gw-shop'];
    expect((await stack.wr('restart', 'shop')).stdout).toBe('wr-gw-shop: restarted');
    expect((await stack.wr('stop', 'shop')).stdout).toBe('wr-gw-shop: stopped');
    await until(() => backend.snapshot().rows.find((r) => r.id === 'shop')?.pm2 === 'stopped', 20_000, 'shop stopped');
    // The bus delivers the exit events within a moment; give them time to (wrongly) land.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(backend.snapshot().crashes['wr-gw-shop']).toBe(before);
  }, 90_000);
});
