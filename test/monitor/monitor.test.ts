import fs from 'node:fs';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { channelsFromConfig } from '../../core/alerts.js';
import { loadConfig } from '../../core/config.js';
import type { GatewayHealth } from '../../core/contracts.js';
import { createLogger } from '../../core/logger.js';
import { hashKey, loadOrCreateAdminKey } from '../../core/keys.js';
import { readMonitor } from '../../core/monitor-api.js';
import { RawDb } from '../../core/sqlite/raw.js';
import { startMonitorApi, storeStatus } from '../../monitor/http.js';
import { Monitor } from '../../monitor/monitor.js';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../../monitor/rules.js';
import { MonitorStore } from '../../monitor/store.js';
import { FakeHttpServer, type Received } from '../helpers/fake-http.js';
import { cli, exampleProfile, freePort, makeHome, type TestHome } from '../helpers/home.js';
import { startTestBrain, type TestBrain } from '../helpers/brain.js';
import { startTestGateway, until, type TestGateway } from '../helpers/gateway.js';
import { engines } from '../helpers/engines.js';

const TOKEN = '123456:TEST-token';
const SID = `AC${'0'.repeat(32)}`;

let t: TestHome;
let telegram: FakeHttpServer;
let twilio: FakeHttpServer;
let brain: TestBrain | undefined;
let gateways: TestGateway[] = [];
let monitors: { monitor: Monitor; store: MonitorStore }[] = [];
/** The data engine's settings (WR_DATABASE_URL on PostgreSQL) for the next setup(). */
let database: Record<string, string> = {};

afterEach(async () => {
  for (const m of monitors) {
    await m.monitor.stop();
    await m.store.close();
  }
  for (const g of gateways) await g.close().catch(() => {});
  await brain?.close();
  await telegram?.close();
  await twilio?.close();
  monitors = [];
  gateways = [];
  brain = undefined;
  t?.cleanup();
});

const telegramOk = (req: Received) => ({ body: { ok: true, result: { message_id: 1, date: 0, chat: { id: Number(new URLSearchParams(req.body).get('chat_id') ?? 0), type: 'private' }, text: 'x' } } });
const twilioOk = () => ({ status: 201, body: { sid: 'SM0123', status: 'queued', to: '+34600111222', from: '+15005550006', body: 'x', account_sid: SID } });
const sent = () => telegram.requests.map((r) => r.json() as { chat_id: string; text: string });
const sms = () => twilio.requests.map((r) => Object.fromEntries(new URLSearchParams(r.body)) as { To: string; From: string; Body: string });

async function setup(extra: Record<string, string> = {}) {
  telegram = await FakeHttpServer.start();
  twilio = await FakeHttpServer.start();
  telegram.respond([], telegramOk);
  twilio.respond([], twilioOk);
  const brainPort = await freePort();
  t = makeHome({
    BRAIN_PORT: String(brainPort),
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_CHAT_IDS: '111,222',
    TELEGRAM_API_ROOT: telegram.url,
    SMS_ENABLED: 'true',
    SMS_RECIPIENTS: '+34699000001',
    TWILIO_ACCOUNT_SID: SID,
    TWILIO_AUTH_TOKEN: 'twilio-secret',
    TWILIO_FROM: '+15005550006',
    TWILIO_API_BASE: twilio.url,
    MONITOR_PORT: String(await freePort()),
    ...database,
    ...extra,
  });
  await cli(t.env, 'tenant', 'add', 'clinic', '--profile', exampleProfile, '--transport', 'simulator');
  brain = await startTestBrain(t, { BRAIN_RATE_LIMIT: '100000' }, brainPort);
  const tenant = JSON.parse((await cli(t.env, 'tenant', 'list', '--json')).stdout)[0];
  const gw = await startTestGateway(t, 'clinic', brain.url, { port: tenant.port });
  gateways.push(gw);
  await gw.call('POST', '/simulate/pair');
  return { port: tenant.port as number };
}

async function startMonitor(thresholds?: Thresholds) {
  const config = loadConfig(t.env);
  const store = await MonitorStore.open(config.paths.monitorDb, config.WR_DATABASE_URL);
  const monitor = new Monitor({ config, store, channels: channelsFromConfig(config), log: createLogger('monitor-test', 'silent'), intervalMs: 150, retryCapMs: 300, thresholds });
  const events: unknown[] = [];
  monitor.on('incident', (e) => events.push(e));
  monitor.start();
  monitors.push({ monitor, store });
  return { monitor, store, events };
}

const texts = () => sent().map((m) => `${m.chat_id} ${m.text}`);

/** The gateway's /health contract on the tenant's port, served by a plain HTTP server whose fields the test sets. */
async function fakeGatewayHealth(port: number, initial: Partial<GatewayHealth>) {
  let over = initial;
  const health = (): GatewayHealth => ({
    tenant: 'clinic', status: 'connected', handoffMode: false, lastSeen: null, connectedSince: null, reconnects: 1, lastDisconnect: null, parkedReason: null,
    queue: { pending: 0, failed: 0 }, messagesToday: 0, undecryptableLastHour: 0, storeError: null, authError: null, heldInMemory: 0, ...over,
  });
  const http = await import('node:http');
  const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(health())));
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { set: (next: Partial<GatewayHealth>) => (over = next), close: () => new Promise((r) => server.close(r)) };
}

describe.each(engines())('monitor and alerts on $name', (engine) => {
  beforeEach(async () => {
    database = await engine.settings();
  });
  afterAll(() => {
    database = {};
  });
  /** The notices' statuses, read as the operator would (sqlite3 or psql). */
  const outbox = () => engine.query(t, 'clinic', 'SELECT status FROM escalation_outbox ORDER BY id;');

  it('alerts once when a gateway goes down and once when it comes back, by name, on Telegram and SMS', async () => {
    const { port } = await setup();
    const { events } = await startMonitor();
    await new Promise((r) => setTimeout(r, 600));
    expect(sent()).toEqual([]);
    const started = Date.now();
    await gateways.pop()!.close();
    await until(() => sent().length === 2 && sms().length === 1, 30_000);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(texts()).toEqual([
      '111 🔴 [clinic] Sonrisa Dental Clinic: gateway does not answer (3 checks in a row). Next: wr-console restart clinic',
      '222 🔴 [clinic] Sonrisa Dental Clinic: gateway does not answer (3 checks in a row). Next: wr-console restart clinic',
    ]);
    const req = telegram.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe(`/bot${TOKEN}/sendMessage`);
    const twilioReq = twilio.requests[0]!;
    expect(twilioReq.path).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`);
    expect(twilioReq.headers.authorization).toBe(`Basic ${Buffer.from(`${SID}:twilio-secret`).toString('base64')}`);
    expect(sms()[0]).toMatchObject({ To: '+34699000001', From: '+15005550006', Body: expect.stringContaining('[clinic] Sonrisa Dental Clinic') });
    await new Promise((r) => setTimeout(r, 800));
    expect(sent()).toHaveLength(2);

    gateways.push(await startTestGateway(t, 'clinic', brain!.url, { port }));
    await until(() => sent().length === 4, 30_000);
    expect(texts()[2]).toMatch(/^111 ✅ \[clinic\] Sonrisa Dental Clinic: resolved after 1 min — gateway does not answer/);
    await new Promise((r) => setTimeout(r, 800));
    expect(sent()).toHaveLength(4);
    expect(sms()).toHaveLength(2);
    expect(events).toEqual([expect.objectContaining({ type: 'opened' }), expect.objectContaining({ type: 'resolved' })]);
  });

  it('raises an incident when the brain refuses a gateway\'s key and when a gateway cannot store messages, and resolves each once fixed', async () => {
    await setup({ TELEGRAM_CHAT_IDS: '111', SMS_ENABLED: 'false' });
    const gw = gateways[0]!;
    await startMonitor();
    const oldKey = gw.key;
    await cli(t.env, 'tenant', 'key', 'clinic', '--rotate');
    const newKey = (await cli(t.env, 'tenant', 'key', 'clinic')).stdout.trim();
    fs.writeFileSync(t.config.paths.secret('clinic'), `${oldKey}\n`);
    await gw.call('POST', '/simulate/inbound', { from: '+34600400009', text: 'hello' }, newKey);
    await until(() => texts().some((x) => x.includes("the brain refuses this gateway's key, messages wait: brain answered 401")), 30_000);
    expect(texts().at(-1)).toContain('Next: wr-console tenant key clinic --rotate, then wr-console restart clinic');
    fs.writeFileSync(t.config.paths.secret('clinic'), `${newKey}\n`);
    await until(() => texts().some((x) => x.includes('resolved') && x.includes('refuses')), 30_000);

    const { page_count } = (await gw.store.db.get<{ page_count: number }>('PRAGMA page_count'))!;
    await gw.store.db.run(`PRAGMA max_page_count = ${page_count}`);
    const long = 'what are your hours? '.repeat(190);
    const refused = [];
    for (let i = 0; i < 3; i++) refused.push((await gw.call('POST', '/simulate/inbound', { from: `+3460040001${i}`, text: long, id: `FULL${i}` }, newKey)).status);
    expect(refused).toContain(503);
    await until(() => texts().some((x) => x.includes('the gateway cannot store incoming messages')), 30_000);
    expect(texts().some((x) => x.includes('does not answer'))).toBe(false);
    expect((await cli(t.env, 'status')).stdout).toMatch(/clinic: CONNECTED\n.*\n.*\n\s+Problem: cannot store messages: .*full/);
    await gw.store.db.run('PRAGMA max_page_count = 1073741823');
    for (let i = 0; i < 3; i++) await gw.call('POST', '/simulate/inbound', { from: `+3460040001${i}`, text: long, id: `FULL${i}` }, newKey);
    await until(() => texts().some((x) => x.includes('resolved') && x.includes('cannot store')), 30_000);
  });

  it('alerts again when an open incident gets worse (disconnected, then parked), once, and resolves it when WhatsApp is back', async () => {
    const { port } = await setup({ TELEGRAM_CHAT_IDS: '111', SMS_ENABLED: 'false' });
    await gateways.pop()!.close();
    const fake = await fakeGatewayHealth(port, { status: 'disconnected', lastDisconnect: { code: 428, reason: 'Connection Closed', at: new Date().toISOString() }, parkedReason: null });
    try {
      await startMonitor({ ...DEFAULT_THRESHOLDS, downForMs: 0 });
      await until(() => sent().length === 1, 30_000);
      expect(texts()[0]).toMatch(/^111 🔴 \[clinic\] Sonrisa Dental Clinic: WhatsApp disconnected \(428 Connection Closed\)/);
      fake.set({ status: 'parked', parkedReason: '10 failures in 15 minutes: stopped retrying', lastDisconnect: { code: 428, reason: 'Connection Closed', at: new Date().toISOString() } });
      await until(() => sent().length === 2, 30_000);
      expect(texts()[1]).toMatch(/^111 🔺 \[clinic\] Sonrisa Dental Clinic: worse — WhatsApp parked: 10 failures in 15 minutes: stopped retrying for 0 min\. Next: fix the cause, then wr-console restart clinic$/);
      await new Promise((r) => setTimeout(r, 800));
      expect(sent()).toHaveLength(2);
      fake.set({ status: 'connected', parkedReason: null });
      await until(() => sent().length === 3, 30_000);
      expect(texts()[2]).toMatch(/✅ \[clinic\] Sonrisa Dental Clinic: resolved after 1 min — WhatsApp parked/);
    } finally {
      await fake.close();
    }
  });

  it('alerts again, on Telegram and SMS, when messages no longer fit on disk, or a queue or the undecryptable messages grow tenfold, and not when they merely change', async () => {
    const { port } = await setup({ TELEGRAM_CHAT_IDS: '111' });
    await gateways.pop()!.close();
    const fake = await fakeGatewayHealth(port, { queue: { pending: 60, failed: 0 }, undecryptableLastHour: 6 });
    try {
      await startMonitor();
      await until(() => sent().length === 2 && sms().length === 2, 30_000);
      expect(texts().sort()).toEqual([
        "111 🔴 [clinic] Sonrisa Dental Clinic: 60 messages waiting in the gateway's queue. Next: is the brain up? wr-console status",
        "111 🔴 [clinic] Sonrisa Dental Clinic: connected but 6 messages in the last hour could not be decrypted. Next: the session's keys are out of step: wr-console restart clinic; if it goes on, log out on the phone and pair again",
      ]);
      // Changes within the same tenfold: no new alert.
      fake.set({ queue: { pending: 400, failed: 0 }, undecryptableLastHour: 40 });
      await new Promise((r) => setTimeout(r, 800));
      expect(sent()).toHaveLength(2);
      fake.set({ queue: { pending: 700, failed: 0 }, undecryptableLastHour: 40 });
      await until(() => sent().length === 3 && sms().length === 3, 30_000);
      expect(texts()[2]).toBe("111 🔺 [clinic] Sonrisa Dental Clinic: worse — 700 messages waiting in the gateway's queue. Next: is the brain up? wr-console status");
      expect(sms()[2]!.Body).toBe("🔺 [clinic] Sonrisa Dental Clinic: worse — 700 messages waiting in the gateway's queue. Next: is the brain up? wr-console status");
      fake.set({ queue: { pending: 650, failed: 0 }, undecryptableLastHour: 55 });
      await until(() => sent().length === 4 && sms().length === 4, 30_000);
      expect(texts()[3]).toMatch(/^111 🔺 \[clinic\] Sonrisa Dental Clinic: worse — connected but 55 messages in the last hour could not be decrypted\./);
      // Back down and up again to the same level: already said.
      fake.set({ queue: { pending: 60, failed: 0 }, undecryptableLastHour: 6 });
      await new Promise((r) => setTimeout(r, 500));
      fake.set({ queue: { pending: 900, failed: 0 }, undecryptableLastHour: 60 });
      await new Promise((r) => setTimeout(r, 800));
      expect(sent()).toHaveLength(4);
      // The disk fills: held messages go to the spill file, then past its room into memory only.
      fake.set({ queue: { pending: 60, failed: 0 }, undecryptableLastHour: 6, storeError: 'SQLITE_FULL: database or disk is full' });
      await until(() => sent().length === 5, 30_000);
      expect(texts()[4]).toBe('111 🔴 [clinic] Sonrisa Dental Clinic: the gateway cannot store incoming messages: SQLITE_FULL: database or disk is full. Next: free disk space under WR_HOME; held messages are stored as soon as it works');
      fake.set({ queue: { pending: 60, failed: 0 }, undecryptableLastHour: 6, storeError: 'SQLITE_FULL: database or disk is full', heldInMemory: 3 });
      await until(() => sent().length === 6 && sms().length === 6, 30_000);
      expect(texts()[5]).toBe('111 🔺 [clinic] Sonrisa Dental Clinic: worse — the gateway cannot store incoming messages: SQLITE_FULL: database or disk is full; 3 held in memory only, lost if it stops. Next: free disk space under WR_HOME now, and do not restart the gateway before; held messages are stored as soon as it works');
      fake.set({ queue: { pending: 0, failed: 0 }, undecryptableLastHour: 0 });
      await until(() => sent().length === 9, 30_000);
      expect(texts().slice(6).every((x) => x.startsWith('111 ✅'))).toBe(true);
    } finally {
      await fake.close();
    }
  });

  it('honours Telegram 429 retry_after and retries 500s until delivered', async () => {
    await setup({ TELEGRAM_CHAT_IDS: '111', SMS_ENABLED: 'false' });
    const fails = [() => ({ status: 429, body: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } } }), () => ({ status: 500, body: { ok: false, error_code: 500, description: 'Internal Server Error' } })];
    telegram.respond(fails, telegramOk);
    await startMonitor();
    await gateways.pop()!.close();
    await until(() => telegram.requests.length >= 3, 30_000);
    const times = telegram.requests.map((r) => r.at);
    // The 429 asked for a second's wait; the 500 was retried too; the third try got through.
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(1000);
    expect(telegram.requests.map((r) => r.json().chat_id)).toEqual(['111', '111', '111']);
  });

  it('neither repeats nor forgets an incident across a monitor restart', async () => {
    const { port } = await setup({ TELEGRAM_CHAT_IDS: '111', SMS_ENABLED: 'false' });
    const first = await startMonitor();
    await gateways.pop()!.close();
    await until(() => sent().length === 1, 30_000);
    await first.monitor.stop();
    await first.store.close();
    monitors = [];
    await startMonitor();
    await new Promise((r) => setTimeout(r, 1000));
    expect(sent()).toHaveLength(1);
    gateways.push(await startTestGateway(t, 'clinic', brain!.url, { port }));
    await until(() => sent().length === 2, 30_000);
    expect(sent()[1]!.text).toContain('resolved');
  });

  it('watches a tenant added while it runs', async () => {
    await setup({ TELEGRAM_CHAT_IDS: '111', SMS_ENABLED: 'false' });
    await startMonitor();
    await new Promise((r) => setTimeout(r, 400));
    await cli(t.env, 'tenant', 'add', 'late', '--name', 'Late Bakery', '--transport', 'simulator');
    await until(() => sent().some((m) => m.text.includes('[late] Late Bakery: gateway does not answer')), 30_000);
  });

  it("delivers a customer's escalation to the tenant's contacts exactly once", async () => {
    await setup({ TELEGRAM_CHAT_IDS: '111' });
    await brain!.call('POST', '/api/chat', { key: brain!.keyOf('clinic'), tenant: 'clinic', body: { message: 'I want to talk to a person', sender: '+34600555444', senderName: 'Ana' } });
    await startMonitor();
    await until(() => sent().some((m) => m.chat_id === '100200300') && sms().some((m) => m.To === '+34600111222'), 30_000);
    await new Promise((r) => setTimeout(r, 800));
    const toContact = sent().filter((m) => m.chat_id === '100200300');
    expect(toContact).toHaveLength(1);
    expect(toContact[0]!.text).toBe('🙋 [clinic] Sonrisa Dental Clinic: Ana (+34600555444) needs a person. Customer asked for a person: "I want to talk to a person"');
    expect(sms().filter((m) => m.To === '+34600111222')).toHaveLength(1);
    expect(outbox()).toBe('delivered');
  });

  it('takes escalations through the brain’s API: none while the brain is down, each once when it is back', async () => {
    await setup({ TELEGRAM_CHAT_IDS: '111' });
    await brain!.call('POST', '/api/chat', { key: brain!.keyOf('clinic'), tenant: 'clinic', body: { message: 'I want to talk to a person', sender: '+34600555461', senderName: 'Ana' } });
    await brain!.close();
    brain = undefined;
    await startMonitor();
    await new Promise((r) => setTimeout(r, 1_000));
    expect(sent().filter((m) => m.chat_id === '100200300')).toEqual([]);
    brain = await startTestBrain(t, { BRAIN_RATE_LIMIT: '100000' }, loadConfig(t.env).BRAIN_PORT);
    await until(() => sent().some((m) => m.chat_id === '100200300'), 30_000, 'the escalation delivered');
    await until(() => outbox() === 'delivered', 10_000, 'the notice marked delivered');
    expect(sent().filter((m) => m.chat_id === '100200300')).toHaveLength(1);
  });

  it('delivers an escalation whose stored text has NUL and control characters, and the clean ones after it', async () => {
    await setup({ TELEGRAM_CHAT_IDS: '111' });
    await brain!.call('POST', '/api/chat', { key: brain!.keyOf('clinic'), tenant: 'clinic', body: { message: 'I want to talk to a person', sender: '+34600555401', senderName: 'Ana' } });
    // As a row written before the brain stripped control characters at its boundary.
    if (engine.name === 'SQLite') {
      const rw = await RawDb.open(t.config.paths.tenantDb('clinic'));
      await rw.run('UPDATE escalation_outbox SET text = ?', ['Ana\u0000\u001b[2J needs a person']);
      await rw.close();
    } else {
      // PostgreSQL text cannot hold NUL at all; the escape sequence is still there to strip.
      engine.query(t, 'clinic', "UPDATE escalation_outbox SET text = E'Ana\\x1b[2J needs a person';");
    }
    await brain!.call('POST', '/api/chat', { key: brain!.keyOf('clinic'), tenant: 'clinic', body: { message: 'I want to talk to a person', sender: '+34600555402', senderName: 'Bea' } });
    await startMonitor();
    await until(() => sent().filter((m) => m.chat_id === '100200300').length === 2, 30_000);
    expect(sent().filter((m) => m.chat_id === '100200300').map((m) => m.text)).toContain('🙋 Ana[2J needs a person');
    // The monitor marks a notification delivered after the send returns: wait for the mark, not just the send.
    await until(() => outbox() === 'delivered\ndelivered', 10_000, 'both notifications marked delivered');
  });
});

describe('bad alert settings', () => {
  it('do not stop the monitor: it turns that channel off, raises an incident on the others, and keeps watching', async () => {
    await setup({ TELEGRAM_CHAT_IDS: '111', SMS_ENABLED: 'true', TWILIO_ACCOUNT_SID: '', MONITOR_INTERVAL_MS: '500' });
    const { spawn } = await import('node:child_process');
    const path = await import('node:path');
    const { projectRoot } = await import('../../core/paths.js');
    const child = spawn(process.execPath, [path.join(projectRoot, 'dist/monitor/main.js')], { env: { ...t.env, TWILIO_ACCOUNT_SID: '' }, stdio: 'ignore' });
    const exited = new Promise((r) => child.once('exit', r));
    try {
      await until(() => child.exitCode !== null || texts().some((x) => x.includes('alert settings are invalid')), 20_000, 'config incident');
      expect(child.exitCode).toBeNull();
      expect(texts()[0]).toBe(
        '111 🔴 [wr monitor]: alert settings are invalid, so those channels are off: invalid configuration: TWILIO_ACCOUNT_SID: required when SMS_ENABLED=true. Next: fix them in wr.env (wr-console alert test checks them), then wr-console restart monitor',
      );
      await gateways.pop()!.close();
      await until(() => child.exitCode !== null || texts().some((x) => x.includes('gateway does not answer')), 20_000, 'gateway incident');
      expect(child.exitCode).toBeNull();
      expect(twilio.requests).toEqual([]);
      const status = await cli(t.env, 'alert', 'test');
      expect(status.code).toBe(1);
      expect(status.stdout.split('\n')[0]).toBe('invalid configuration: TWILIO_ACCOUNT_SID: required when SMS_ENABLED=true');
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});

describe('status and alert test', () => {
  it('prints the connection status summary and sends a test alert through every channel', async () => {
    await setup({ TELEGRAM_CHAT_IDS: '111' });
    const status = await cli(t.env, 'status');
    expect(status.stdout).toContain('CONNECTION STATUS SUMMARY');
    expect(status.stdout).toContain('✅ clinic: CONNECTED');
    expect(status.stdout).toContain('✅ brain: UP');
    expect(status.stdout).toContain('❌ monitor: NOT RUNNING');
    // Not everything is up (the monitor): scripts see it in the exit code.
    expect(status).toMatchObject({ code: 1, stderr: 'wr-console: not everything is up: monitor not running' });
    expect(JSON.parse((await cli(t.env, 'status', '--json')).stdout).tenants[0]).toMatchObject({ id: 'clinic', connected: true, failures: 0 });
    const ok = await cli(t.env, 'alert', 'test');
    expect(ok.stdout.split('\n')).toEqual(['telegram → 111: sent', 'sms → +34699000001: sent']);
    telegram.respond([], () => ({ status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } }));
    const bad = await cli(t.env, 'alert', 'test');
    expect(bad.code).toBe(1);
    expect(bad.stdout.split('\n')[0]).toBe('telegram → 111: FAILED: Telegram 401: Unauthorized');
    expect(fs.existsSync(t.config.paths.monitorDb)).toBe(false);
  });
});

describe("the monitor's HTTP API (issue 12 item 5: the console gets incidents from the monitor, not from monitor.db)", () => {
  it('serves open incidents and watch state to the admin key only; status reads them there, and says so when it cannot', async () => {
    await setup({ TELEGRAM_CHAT_IDS: '111', SMS_ENABLED: 'false' });
    const { store } = await startMonitor();
    const config = loadConfig(t.env);
    const api = await startMonitorApi(config.MONITOR_PORT, { status: () => storeStatus(store), adminKeyHash: hashKey(loadOrCreateAdminKey(config.paths)), log: createLogger('monitor-test', 'silent') });
    try {
      const base = `http://127.0.0.1:${config.MONITOR_PORT}`;
      expect(api.address()).toMatchObject({ address: '127.0.0.1' });
      await gateways.pop()!.close();
      const withIncident = async () => {
        const r = await readMonitor(config);
        return r.status?.incidents.length ? r : undefined;
      };
      const reading = await until(withIncident, 30_000, 'the incident over HTTP');
      expect(reading!.status!.incidents).toEqual([expect.objectContaining({ target: 'clinic', kind: expect.any(String), status: 'open', title: expect.stringContaining('gateway does not answer'), resolvedAt: null })]);
      expect(reading!.status!.watch.find((w) => w.target === 'clinic')!.failures).toBeGreaterThanOrEqual(3);

      expect((await fetch(`${base}/api/status`)).status).toBe(401);
      const wrong = await fetch(`${base}/api/status`, { headers: { authorization: 'Bearer not-the-key' } });
      expect([wrong.status, ((await wrong.json()) as { error: string }).error]).toEqual([401, 'unknown key: the monitor answers the admin key only']);
      // A tenant's key is not the operator's.
      const tenantKey = fs.readFileSync(config.paths.secret('clinic'), 'utf8').trim();
      expect((await fetch(`${base}/api/status`, { headers: { authorization: `Bearer ${tenantKey}` } })).status).toBe(401);
      expect((await fetch(`${base}/api/status`, { method: 'POST', headers: { authorization: `Bearer ${loadOrCreateAdminKey(config.paths)}` } })).status).toBe(405);
      expect(await (await fetch(`${base}/health`)).json()).toMatchObject({ ok: true, lastCheck: expect.any(String) });

      const status = await cli(t.env, 'status');
      expect(status.stdout).toContain('✅ monitor: RUNNING');
      expect(status.stdout).toMatch(/incident since .*: \[clinic\] gateway does not answer/);
      expect(JSON.parse((await cli(t.env, 'status', '--json')).stdout).monitor).toMatchObject({ running: true, openIncidents: 1, incidents: [expect.objectContaining({ target: 'clinic' })] });
    } finally {
      await new Promise((r) => api.close(r));
    }
    // The monitor's API gone: nothing old is shown as live, and it says why.
    const gone = await readMonitor(config);
    expect(gone).toEqual({ status: null, problem: `monitor not reachable on 127.0.0.1:${config.MONITOR_PORT} (nothing listens there): wr-console start monitor` });
    const status = await cli(t.env, 'status');
    expect(status.stdout).toContain('❌ monitor: NOT RUNNING');
    expect(status.stdout).toContain('incidents unknown');
    expect(status.stdout).not.toContain('[clinic] gateway does not answer');
    expect(JSON.parse((await cli(t.env, 'status', '--json')).stdout).monitor).toMatchObject({ running: false, openIncidents: null, incidents: [] });
  });
});
