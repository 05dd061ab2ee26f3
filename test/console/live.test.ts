import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config.js';
import type { Pm2Client } from '../../core/pm2/client.js';
import type { LiveBackend } from '../../console/tui/backend.js';
import { until } from '../helpers/gateway.js';
import { readTenantKey } from '../../core/keys.js';
import { makeStack, openLiveBackend, pm2Cli, pm2Processes, type Stack } from '../helpers/stack.js';

/** The console's live backend over a real PM2 daemon (private PM2_HOME), as the TUI uses it. */
let stack: Stack;
let pm2: Pm2Client;
let backend: LiveBackend;

beforeAll(async () => {
  // A bad alert setting: the monitor's first check opens an incident about it (target "monitor").
  stack = await makeStack({ MONITOR_INTERVAL_MS: '1000', TELEGRAM_CHAT_IDS: '111' });
  expect((await stack.wr('tenant', 'add', 'demo', '--profile', 'examples/demo-dental.yaml', '--transport', 'simulator')).code).toBe(0);
  expect((await stack.wr('start')).code).toBe(0);
  ({ pm2, backend } = await openLiveBackend(stack));
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

  it('hands the TUI a new snapshot with every change it announces, log lines included (the same one is no redraw: a followed log moved at 1 Hz)', async () => {
    let last = backend.snapshot();
    let same = 0;
    let calls = 0;
    const off = backend.subscribe(() => {
      calls++;
      if (backend.snapshot() === last) same++;
      last = backend.snapshot();
    });
    try {
      const before = listening('wr-gw-demo');
      expect((await stack.wr('restart', 'demo')).code).toBe(0);
      await until(() => listening('wr-gw-demo') > before, 20_000, 'the restarted gateway logging');
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      off();
    }
    expect(calls).toBeGreaterThan(0);
    expect(same).toBe(0);
  });

  it('does not count a planned restart or stop as a crash (issue 16 item 3)', async () => {
    const before = backend.snapshot().crashes['wr-gw-shop'];
    expect((await stack.wr('restart', 'shop')).stdout).toBe('wr-gw-shop: restarted');
    expect((await stack.wr('stop', 'shop')).stdout).toBe('wr-gw-shop: stopped');
    await until(() => backend.snapshot().rows.find((r) => r.id === 'shop')?.pm2 === 'stopped', 20_000, 'shop stopped');
    // The bus delivers the exit events within a moment; give them time to (wrongly) land.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(backend.snapshot().crashes['wr-gw-shop']).toBe(before);
  }, 90_000);

  it('works an escalation and a conversation through the brain API: who, what, the bot\'s answers, chat handoff, resolve (issue 16 item 4)', async () => {
    const gateway = `http://127.0.0.1:${stack.portBase}`;
    const auth = { authorization: `Bearer ${readTenantKey(stack.home.config.paths, 'demo')}`, 'content-type': 'application/json' };
    await until(() => backend.snapshot().rows.find((r) => r.id === 'demo')?.pm2 === 'online', 20_000, 'demo online');
    await until(async () => (await fetch(`${gateway}/simulate/pair`, { method: 'POST', headers: auth }).catch(() => null))?.ok, 20_000, 'demo paired');
    const say = (text: string) => fetch(`${gateway}/simulate/inbound`, { method: 'POST', headers: auth, body: JSON.stringify({ from: '+34600111222', text }) });
    expect((await say('what are your hours?')).status).toBeLessThan(300);
    expect((await say('I want to talk to a real person please')).status).toBeLessThan(300);

    const escalation = (await until(() => backend.snapshot().escalations.find((e) => e.tenant === 'demo'), 20_000, 'the escalation in the console'))!;
    expect(escalation.summary.toLowerCase()).toContain('person');
    expect(escalation.sender).toContain('34600111222');
    const conversation = (await until(async () => (await backend.conversations('demo')).find((c) => c.messages.some((m) => m.direction === 'out' && m.intent === 'hours')), 20_000, "the bot's answer in the conversation"))!;
    expect(conversation.messages.map((m) => m.direction)).toContain('in');

    expect(await backend.chatHandoff('demo', conversation.sender, true)).toBe(true);
    expect(await backend.chatHandoff('demo', conversation.sender, false)).toBe(false);
    await backend.resolveEscalation('demo', escalation.id);
    expect(backend.snapshot().escalations.filter((e) => e.tenant === 'demo')).toEqual([]);
  }, 90_000);

  it("shows a crash-looping gateway's reason from PM2's log files to a console opened afterwards, and warns when the processes run from another WR_HOME (issue 16 items 1, 6)", async () => {
    expect((await stack.wr('tenant', 'add', 'broken', '--name', 'Broken', '--transport', 'simulator')).code).toBe(0);
    await stack.wr('stop', 'broken');
    const db = stack.home.config.paths.gatewayDb('broken');
    // Without its WAL, which would otherwise still hold a good first page.
    for (const f of [`${db}-wal`, `${db}-shm`]) fs.rmSync(f, { force: true });
    fs.writeFileSync(db, 'this is not a database, it is a text file that is long enough to have a header'.repeat(20));
    await stack.wr('start', 'broken');
    const restarts = () => (pm2Processes(stack.home.env).find((p) => p.name === 'wr-gw-broken') as { pm2_env: { restart_time?: number } } | undefined)?.pm2_env.restart_time ?? 0;
    await until(() => restarts() >= 2, 30_000, 'a crash loop');
    await stack.wr('stop', 'broken');

    const { LiveBackend } = await import('../../console/tui/backend.js');
    const { Pm2Client } = await import('../../core/pm2/client.js');
    // Its own client: a backend lets go of its client when it closes.
    const own = new Pm2Client();
    await own.connect();
    // A console started with another WR_HOME than the processes'.
    const otherHome = fs.mkdtempSync(path.join(os.tmpdir(), 'wr-other-'));
    const late = new LiveBackend(loadConfig({ ...stack.home.env, WR_HOME: otherHome }, { alerts: false }), stack.home.env, own);
    await late.open();
    try {
      expect(late.snapshot().warnings).toEqual([`the processes use WR_HOME=${stack.home.home} but this console reads ${otherHome}: run it with the same WR_HOME`]);
      await until(() => late.logs('wr-gw-broken').some((l) => l.text.includes('SQLITE_NOTADB')), 10_000, 'the crash reason from the log file');
      const { formatLogLine } = await import('../../console/tui/logformat.js');
      const fatal = late.logs('wr-gw-broken').map((l) => formatLogLine(l.text, l.stream)).find((e) => e.level === 'FATAL');
      expect(fatal?.text).toMatch(/^gateway failed to start: .*SQLITE_NOTADB/);
      expect(late.snapshot().lastErrors['wr-gw-broken']).toContain('SQLITE_NOTADB');
    } finally {
      await late.close();
      fs.rmSync(otherHome, { recursive: true, force: true });
    }
  }, 90_000);

  it("gets incidents from the monitor's API, and shows none, with why, while it cannot (issue 12 item 5)", async () => {
    const incident = await until(() => backend.snapshot().incidents.find((i) => i.target === 'monitor'), 20_000, 'the incident over HTTP');
    expect(incident!.title).toContain('alert settings are invalid');
    expect(backend.snapshot().monitorApi).toBeNull();
    expect((await stack.wr('stop', 'monitor')).stdout).toBe('wr-monitor: stopped');
    await until(() => backend.snapshot().monitorApi !== null, 5_000, 'the monitor shown as not reachable');
    expect(backend.snapshot().monitorApi).toMatch(/^monitor not reachable on 127\.0\.0\.1:\d+/);
    expect(backend.snapshot().incidents).toEqual([]);
    const { failures } = await import('../../console/tui/model.js');
    await until(() => failures(backend.snapshot()).some((f) => f.what === 'monitor is stopped: no alerts will be sent; incidents unknown'), 5_000, 'the failure item');
    expect((await stack.wr('start', 'monitor')).code).toBe(0);
    await until(() => backend.snapshot().incidents.some((i) => i.target === 'monitor'), 20_000, 'the incident again');
  }, 60_000);

  it('marks the header down within 3 s of pm2 kill (issue 16 item 6)', async () => {
    expect(backend.snapshot().pm2).toBe('connected');
    pm2Cli(stack.home.env, 'kill');
    const killed = Date.now();
    await until(() => backend.snapshot().pm2 !== 'connected', 5_000, 'PM2 shown as not connected');
    expect(Date.now() - killed).toBeLessThanOrEqual(3_000);
    await until(() => backend.snapshot().pm2 === 'down', 5_000, 'PM2 shown as down');
  }, 30_000);

  it('reconnects the live stream when PM2 comes back, and says so (issue 16 item 1)', async () => {
    await until(() => backend.snapshot().pm2 === 'down', 10_000, 'PM2 down');
    expect(backend.snapshot().bus).toBe('lost');
    expect((await stack.wr('start')).code).toBe(0);
    await until(() => backend.snapshot().pm2 === 'connected', 20_000, 'PM2 connected again');
    await until(() => backend.snapshot().bus === 'reconnected', 10_000, 'the bus reconnected');
    await until(() => backend.snapshot().rows.find((r) => r.id === 'demo')?.pm2 === 'online' && pidOf('wr-gw-demo') > 0, 20_000, 'demo online');
    const before = backend.snapshot().crashes['wr-gw-demo']?.at ?? 0;
    process.kill(pidOf('wr-gw-demo'), 'SIGKILL');
    await until(() => (backend.snapshot().crashes['wr-gw-demo']?.at ?? 0) > before, 20_000, 'an exit event on the new bus');
  }, 90_000);
});
