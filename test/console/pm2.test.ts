import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/home.js';
import { until } from '../helpers/gateway.js';
import { makeStack, pm2Cli, type Stack } from '../helpers/stack.js';
import type { Pm2Client } from '../../core/pm2/client.js';

let stack: Stack;
let pm2: Pm2Client;

beforeAll(async () => {
  stack = await makeStack();
  // PM2 reads PM2_HOME when first imported: this worker talks to the stack's daemon only.
  process.env.PM2_HOME = stack.home.env.PM2_HOME;
  expect((await cli(stack.home.env, 'tenant', 'add', 'demo', '--profile', 'examples/demo-dental.yaml', '--transport', 'simulator')).stdout).toContain('PM2 is not running; start the gateway with: wr-console start demo');
}, 60_000);
afterAll(async () => {
  pm2?.disconnect();
  await stack?.stop();
});

const list = async () => Object.fromEntries((await pm2.list()).map((p) => [p.name, p]));

describe('wr-console over a real PM2 daemon', () => {
  it('says PM2 is not running instead of starting one for stop/restart', async () => {
    const r = await stack.wr('stop');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('wr-console: PM2 is not running, so nothing is: start the system with wr-console start');
    expect(fs.existsSync(`${stack.home.env.PM2_HOME}/rpc.sock`)).toBe(false);
  });

  it('starts everything, and a simulator tenant answers wr-console chat', async () => {
    const started = await cliWithDemo('start');
    expect(started.stdout.split('\n')).toEqual(['wr-brain: started', 'wr-monitor: started', 'wr-gw-demo: started']);
    const { Pm2Client } = await import('../../core/pm2/client.js');
    pm2 = new Pm2Client();
    await pm2.connect();
    await until(async () => (await list())['wr-gw-demo']?.status === 'online', 20_000);
    await until(async () => (await fetch(`http://127.0.0.1:${stack.portBase}/health`).then((r) => r.json(), () => ({}))).status === 'connected', 20_000);
    const chat = await stack.wr('chat', 'demo', 'what are your hours?');
    expect(chat.stderr).toBe('');
    expect(chat.stdout).toContain('Our opening hours:');
    // The demo shows what other kinds of message get, too.
    const voice = await stack.wr('chat', 'demo', '--kind', 'audio', '--seconds', '14', '--from', '+15550100002');
    expect(voice.stdout).toBe("Sorry, I can't listen to voice notes. Could you type your message, please?");
    expect((await stack.wr('chat', 'demo', '--kind', 'hologram')).stderr).toMatch(/--kind must be one of: text, audio/);
    expect((await stack.wr('start')).stdout).toBe('wr-brain: already running\nwr-monitor: already running\nwr-gw-demo: already running');
  });

  it('goes on past a PM2 error on one app and reports each, as restart all does (issue 16)', async () => {
    const { controlApps } = await import('../../console/ops/processes.js');
    // An app PM2 does not know, and cannot start: it fails with PM2's own error.
    const apps = [{ name: 'wr-gw-ghost' }, { name: 'wr-monitor' }] as import('../../core/apps.js').AppSpec[];
    const { lines, failed } = await controlApps(pm2, 'restart', apps);
    expect(failed).toEqual(['wr-gw-ghost']);
    expect(lines[0]).toMatch(/^wr-gw-ghost: FAILED: /);
    expect(lines[1]).toBe('wr-monitor: restarted');
  });

  it('keeps secrets out of the processes and out of dump.pm2', async () => {
    pm2Cli({ ...stack.home.env, TWILIO_AUTH_TOKEN: 'do-not-leak' }, 'save');
    const dump = fs.readFileSync(`${stack.home.env.PM2_HOME}/dump.pm2`, 'utf8');
    expect(dump).not.toContain('do-not-leak');
    const apps = JSON.parse(dump) as { name: string; env: Record<string, string>; node_args: string[] }[];
    expect(apps.find((a) => a.name === 'wr-gw-demo')?.node_args).toEqual(['--max-semi-space-size=1']);
    for (const app of apps) {
      const demo = app.name === 'wr-gw-demo' ? ['WR_DEMO'] : [];
      expect(Object.keys(app.env).filter((k) => !['wr-brain', 'wr-monitor', 'wr-gw-demo', 'unique_id'].includes(k)).sort()).toEqual(['NODE_ENV', 'PATH', 'PM2_HOME', ...demo, 'WR_HOME']);
    }
  });

  it('streams process logs on the bus, and stops and restarts one gateway', async () => {
    const bus = await pm2.launchBus();
    const lines: string[] = [];
    bus.on('log:out', (pkt: { process: { name: string }; data: string }) => lines.push(`${pkt.process.name} ${pkt.data}`));
    const stopped = await stack.wr('stop', 'demo');
    expect(stopped.stdout).toBe('wr-gw-demo: stopped');
    expect((await list())['wr-gw-demo']?.status).toBe('stopped');
    expect((await list())['wr-brain']?.status).toBe('online');
    expect((await stack.wr('restart', 'demo')).stdout).toBe('wr-gw-demo: restarted');
    await until(() => lines.some((l) => l.startsWith('wr-gw-demo') && l.includes('gateway listening on 127.0.0.1')), 20_000);
  });

  it('shows a gateway that cannot start as crash-looping, not online', async () => {
    // Adding a tenant while PM2 runs starts its gateway.
    // (The binary, not the in-process CLI: PM2's module is one connection per process.)
    expect((await stack.wr('tenant', 'add', 'broken', '--name', 'Broken', '--transport', 'simulator')).stdout).toContain('wr-gw-broken: started');
    fs.rmSync(stack.home.config.paths.secret('broken'));
    await stack.wr('restart', 'broken');
    await until(async () => ['waiting restart', 'errored'].includes((await list())['wr-gw-broken']?.status ?? '') && ((await list())['wr-gw-broken']?.restarts ?? 0) >= 1, 30_000);
    const removed = await stack.wr('tenant', 'remove', 'broken', '--purge', '--yes');
    expect(removed.stdout).toContain('wr-gw-broken: stopped and removed from PM2');
    expect((await list())['wr-gw-broken']).toBeUndefined();
  });

  it('a whole restore stops the gateway of a tenant added since (no longer registered), keeping its data, and starts the gateway of one it brings back', async () => {
    expect((await stack.wr('tenant', 'add', 'extra', '--name', 'Extra', '--transport', 'simulator')).stdout).toContain('wr-gw-extra: started');
    const out = `${stack.home.home}/backup-extra`;
    expect((await stack.wr('backup', '--out', out)).code).toBe(0);
    expect((await stack.wr('tenant', 'remove', 'extra')).stdout).toContain('wr-gw-extra: stopped and removed from PM2');
    expect((await stack.wr('tenant', 'add', 'late', '--name', 'Late', '--transport', 'simulator')).stdout).toContain('wr-gw-late: started');
    const restored = await stack.wr('restore', out, '--force');
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain('wr-gw-late: stopped and removed from PM2');
    expect(restored.stdout).toContain(`late is not in the backup, so it is no longer registered; its data is kept in ${stack.home.config.paths.tenantDir('late')} (adding "late" again reuses it)`);
    expect(restored.stdout).toContain('wr-gw-extra: started');
    expect((await list())['wr-gw-late']).toBeUndefined();
    await until(async () => (await list())['wr-gw-extra']?.status === 'online', 20_000);
    expect(fs.existsSync(stack.home.config.paths.secret('late'))).toBe(true);
    const { readRegistry } = await import('../../core/registry.js');
    expect(readRegistry(stack.home.config.paths).map((t) => t.id)).toEqual(['demo', 'extra']);
  }, 120_000);
});

function cliWithDemo(...argv: string[]) {
  return import('../helpers/home.js').then(({ cliProcess }) => cliProcess({ ...stack.home.env, WR_DEMO: '1' }, ...argv));
}
