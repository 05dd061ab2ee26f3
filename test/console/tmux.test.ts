import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../core/paths.js';
import { readTenantKey } from '../../core/keys.js';
import { until } from '../helpers/gateway.js';
import { makeStack, pm2Processes, type Stack } from '../helpers/stack.js';

/**
 * End to end: the demo stack under a private PM2, and the real wr-console in a real terminal
 * (tmux), driven by keys as an operator would.
 */
let stack: Stack;
const session = `wr-e2e-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', session);
const key = async (k: string) => {
  tmux('send-keys', '-t', session, k);
  // Escape followed quickly by a key reads as Alt-key: give each key its own moment.
  await new Promise((r) => setTimeout(r, k === 'Escape' ? 400 : 150));
};
const shows = (text: string, ms = 20_000) => until(() => screen().includes(text), ms, `"${text}" in the console`).catch((err) => {
  throw new Error(`${err.message}\n--- screen ---\n${screen()}`);
});

beforeAll(async () => {
  stack = await makeStack();
  expect((await stack.wr('tenant', 'add', 'demo', '--profile', 'examples/demo-dental.yaml', '--transport', 'simulator')).code).toBe(0);
  expect((await stack.wr('start')).code).toBe(0);
  const env = Object.entries(stack.home.env).map(([k, v]) => `${k}=${v}`);
  const command = `env -u CI ${env.map((e) => `'${e}'`).join(' ')} ${process.execPath} ${path.join(projectRoot, 'dist/console/main.js')}; echo WR_EXITED=$?; sleep 60`;
  spawnSync('tmux', ['new-session', '-d', '-s', session, '-x', '130', '-y', '45', command]);
}, 60_000);

afterAll(async () => {
  spawnSync('tmux', ['kill-session', '-t', session]);
  await stack?.stop();
});

describe('wr-console in a terminal', () => {
  it('shows the demo tenant, draws its QR, toggles handoff, flags a killed gateway, and restores the terminal on q', async () => {
    await shows('PM2 connected');
    await shows('qr');
    await key('p');
    await shows('scan with WhatsApp');
    expect(screen()).toMatch(/[▄▀█]{10}/);
    expect(screen()).toMatch(/expires in \d+s/);

    const gateway = `http://127.0.0.1:${stack.portBase}`;
    const auth = { authorization: `Bearer ${readTenantKey(stack.home.config.paths, 'demo')}` };
    expect((await fetch(`${gateway}/simulate/pair`, { method: 'POST', headers: auth })).status).toBe(200);
    await shows('demo is connected to WhatsApp: nothing to scan');
    await key('Escape');

    await key('h');
    await shows('Turn handoff ON for demo');
    await key('y');
    await shows('demo: handoff ON (confirmed by the gateway)');
    expect((await (await fetch(`${gateway}/health`)).json()).handoffMode).toBe(true);

    const pid = pm2Processes(stack.home.env).find((p) => p.name === 'wr-gw-demo')!.pid;
    process.kill(pid, 'SIGKILL');
    await key('F');
    await shows('wr-gw-demo killed by SIGKILL at');

    await key('Escape');
    // The brain and the monitor are rows of the table.
    expect(screen()).toMatch(/^ brain\b.* online +serving/m);
    expect(screen()).toMatch(/^ monitor\b.* online +watching/m);

    // A paste in the terminal (tmux brackets it, as the console asked): text, its line break no Enter.
    await key(':');
    tmux('set-buffer', '-b', session, 'restart demo\nq');
    tmux('paste-buffer', '-p', '-d', '-b', session, '-t', session);
    await shows(':restart demo q▏');
    expect(screen()).not.toContain('Restart wr-gw-demo?');
    await key('Escape');
    await key('q');
    await shows('WR_EXITED=0');
    expect(screen()).not.toContain('PM2 connected');
  }, 120_000);
});
