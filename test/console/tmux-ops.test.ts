import fs from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../core/paths.js';
import { readTenantKey } from '../../core/keys.js';
import { until } from '../helpers/gateway.js';
import { freePort } from '../helpers/home.js';
import { makeStack, pm2Processes, type Stack } from '../helpers/stack.js';

/**
 * Issue 16's scenario, worked from the console alone in a real terminal (tmux): six tenants, a
 * gateway killed with -9, one crash-looping on a broken database, a customer asking for a person,
 * a stopped brain, and a Baileys tenant that cannot reach WhatsApp (its socket points at a
 * closed local port: the tests reach nothing but 127.0.0.1).
 */
let stack: Stack;
const session = `wr-ops-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', session);
const key = async (k: string) => {
  tmux('send-keys', '-t', session, k);
  // Escape followed quickly by a key reads as Alt-key: give each key its own moment.
  await new Promise((r) => setTimeout(r, k === 'Escape' ? 400 : 200));
};
const shows = (text: string | RegExp, ms = 20_000) =>
  until(() => (typeof text === 'string' ? screen().includes(text) : text.test(screen())), ms, `${String(text)} in the console`).catch((err: Error) => {
    throw new Error(`${err.message}\n--- screen ---\n${screen()}`);
  });

beforeAll(async () => {
  stack = await makeStack({ WA_WEBSOCKET_URL: `ws://127.0.0.1:${await freePort()}/ws/chat` });
  expect((await stack.wr('tenant', 'add', 'clinic', '--profile', 'examples/demo-dental.yaml', '--transport', 'simulator')).code).toBe(0);
  for (const id of ['bakery', 'florist', 'gym', 'broken']) expect((await stack.wr('tenant', 'add', id, '--name', `The ${id}`, '--transport', 'simulator')).code).toBe(0);
  // A real WhatsApp (Baileys) tenant, the default transport.
  expect((await stack.wr('tenant', 'add', 'corner', '--name', 'The corner')).code).toBe(0);
  // A gateway database that is not a database: that gateway crash-loops from its first start.
  fs.writeFileSync(stack.home.config.paths.gatewayDb('broken'), 'not a database '.repeat(100));
  expect((await stack.wr('start')).code).toBe(0);

  const gateway = `http://127.0.0.1:${stack.portBase}`;
  const auth = { authorization: `Bearer ${readTenantKey(stack.home.config.paths, 'clinic')}`, 'content-type': 'application/json' };
  await until(async () => (await fetch(`${gateway}/simulate/pair`, { method: 'POST', headers: auth }).catch(() => null))?.ok, 30_000, 'clinic paired');
  for (const text of ['what are your hours?', 'I want to talk to a real person please']) {
    expect((await fetch(`${gateway}/simulate/inbound`, { method: 'POST', headers: auth, body: JSON.stringify({ from: '+34600111222', text }) })).status).toBeLessThan(300);
  }
  const env = Object.entries(stack.home.env).map(([k, v]) => `'${k}=${v}'`);
  const command = `env -u CI ${env.join(' ')} ${process.execPath} ${path.join(projectRoot, 'dist/console/main.js')}; echo WR_EXITED=$?; sleep 60`;
  spawnSync('tmux', ['new-session', '-d', '-s', session, '-x', '160', '-y', '45', command]);
}, 90_000);

afterAll(async () => {
  spawnSync('tmux', ['kill-session', '-t', session]);
  await stack?.stop();
});

describe('wr-console: a day of operations in a terminal', () => {
  it('works a kill -9, a crash loop, an offline Baileys tenant, an escalation and a stopped brain without curl or sqlite3', async () => {
    await shows('PM2 connected');
    await shows('1 waiting for a person');

    // The faults that happen to the operator.
    process.kill(pm2Processes(stack.home.env).find((p) => p.name === 'wr-gw-gym')!.pid, 'SIGKILL');
    expect((await stack.wr('stop', 'brain')).code).toBe(0);

    await key('F');
    await shows('▶ brain is stopped: no tenant gets answers');
    await shows('wr-gw-gym killed by SIGKILL at');
    await shows(/broken \(The broken\): gateway crash-looping .*SQLITE_NOTADB/);
    // The Baileys tenant that cannot reach WhatsApp says why, in the failures view.
    await shows(/corner \(The corner\): WhatsApp disconnected \(\d+ .*ECONNREFUSED/);
    // The brain first: S on the item starts it.
    await key('S');
    await shows('Start wr-brain? y/n');
    await key('y');
    await shows('wr-brain started');
    await until(() => !screen().includes('brain is stopped'), 20_000, 'the brain item gone').catch((err: Error) => {
      throw new Error(`${err.message}\n${screen()}`);
    });

    // The brain is a row of the table too: online and serving again.
    await key('Escape');
    await shows(/^ brain\b.* online +serving/m);

    // The crash loop's log, from the failures view: the reason in plain words.
    await key('Escape');
    await key('F');
    await shows('▶ broken (The broken): gateway crash-looping');
    await key('Enter');
    await shows('log wr-gw-broken');
    await shows(/FATAL gateway failed to start: .*SQLITE_NOTADB/);
    await key('Escape');

    // The customer waiting: who, what they asked, what the bot told them; then resolved.
    await key('E');
    await shows(/clinic · \+?34600111222 · waiting/);
    await shows('I want to talk to a real person please');
    await key('Enter');
    await shows(/\d\d:\d\d bot {6}\S/);
    await shows(/^ {15}Wednesday: 09:00/m);
    await key('Escape');
    await key('r');
    await shows('resolved? y/n');
    await key('y');
    await shows('Nobody is waiting.');

    await key('Escape');
    await key('Escape');
    await key('q');
    await shows('WR_EXITED=0');
  }, 150_000);
});
