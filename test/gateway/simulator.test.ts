import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RawDb } from '../../core/sqlite/raw.js';
import { cli, type TestHome } from '../helpers/home.js';
import { startTestBrain, type TestBrain } from '../helpers/brain.js';
import { closeAfterEach, startBrainAndGateway } from '../helpers/brain-gateway.js';
import { startTestGateway, until, type TestGateway } from '../helpers/gateway.js';

let t: TestHome;
let brain: TestBrain | undefined;
let gw: TestGateway | undefined;

closeAfterEach(() => ({ t, gw, brain }), () => (gw = brain = undefined));

async function setup(opts: { brainUp?: boolean } = {}) {
  let brainPort: number;
  ({ t, brain, gw, brainPort } = await startBrainAndGateway({ tenant: 'demo', others: [['other', '--name', 'Other', '--transport', 'simulator']], brainUp: opts.brainUp }));
  return brainPort;
}

const outbox = async () => (await (await gw!.call('GET', '/simulate/outbox')).json()).messages as { id: string; to: string; text: string }[];
const inbound = async (from: string, text: string, extra: object = {}) => {
  const res = await gw!.call('POST', '/simulate/inbound', { from, text, ...extra });
  expect(res.status).toBe(202);
  return res.json();
};
const health = async () => (await fetch(`${gw!.url}/health`)).json();

describe('simulator gateway', () => {
  it('pairs from a QR and answers a customer with the brain’s reply, end to end', async () => {
    await setup();
    expect((await health()).status).toBe('qr');
    const qr = await (await gw!.call('GET', '/qr')).json();
    expect(qr.qr).toMatch(/^2@SIMULATOR/);
    expect((await gw!.call('POST', '/simulate/pair')).status).toBe(200);
    expect((await health()).status).toBe('connected');
    await inbound('+34600111222', 'where are you?', { name: 'Ana' });
    const [reply] = (await until(async () => ((await outbox()).length ? outbox() : undefined)))!;
    expect(reply).toMatchObject({ to: '34600111222@s.whatsapp.net', text: expect.stringContaining('Calle Mayor 12') });
    const { conversations } = await (await brain!.call('GET', '/api/conversations', { key: brain!.keyOf('demo'), tenant: 'demo' })).json();
    expect(conversations[0]).toMatchObject({ sender: '+34600111222', senderName: 'Ana' });
  });

  it('needs the tenant’s own key (or the admin key) for everything but /health', async () => {
    await setup();
    expect((await fetch(`${gw!.url}/qr`)).status).toBe(401);
    expect((await gw!.call('GET', '/qr', undefined, 'wrong')).status).toBe(401);
    expect((await gw!.call('GET', '/qr', undefined, (await cli(t.env, 'tenant', 'key', 'other')).stdout)).status).toBe(403);
    const admin = (await import('node:fs')).readFileSync(t.config.paths.adminKey, 'utf8').trim();
    expect((await gw!.call('GET', '/qr', undefined, admin)).status).toBe(200);
    expect((await gw!.call('POST', '/simulate/inbound', { from: 'nope', text: '' })).status).toBe(400);
    expect((await gw!.call('POST', '/handoff/maybe')).status).toBe(400);
    expect((await gw!.call('POST', '/handoff/chat/not-a-jid/on')).status).toBe(400);
  });

  it('answers repeated failed logins from one address with 429 and Retry-After, never holding back a valid key', async () => {
    await setup();
    const statuses = [];
    for (let i = 0; i < 12; i++) statuses.push((await gw!.call('GET', '/qr', undefined, `guess-${i}`)).status);
    expect(statuses).toEqual([...Array(10).fill(401), 429, 429]);
    const held = await gw!.call('GET', '/qr', undefined, 'guess-x');
    expect(Number(held.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await held.json()).toEqual({ error: 'too many failed logins from this address; retry after the Retry-After seconds' });
    expect((await gw!.call('GET', '/qr')).status).toBe(200);
    expect((await fetch(`${gw!.url}/health`)).status).toBe(200);
  });

  it('answers bad JSON with 400, bodies over 64 KiB with 413, unknown routes with 404, bad escapes with 400', async () => {
    await setup();
    const post = (path: string, body: string) => fetch(`${gw!.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${gw!.key}` }, body });
    const bad = await post('/simulate/inbound', '{"from": ');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'request body is not valid JSON', details: [] });
    expect((await post('/simulate/inbound', JSON.stringify({ from: '+34600111222', text: 'x'.repeat(70_000) }))).status).toBe(413);
    const missing = await gw!.call('GET', '/nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'no route GET /nope' });
    expect((await gw!.call('POST', '/handoff/chat/%E0%A4%A/on')).status).toBe(400);
    expect((await gw!.call('POST', '/handoff/chat/34600111222%40s.whatsapp.net/on')).status).toBe(200);
    expect(await gw!.gateway.chatHandoff('34600111222@s.whatsapp.net')).toBe(true);
  });

  it('queues messages while the brain is down and answers each once when it returns', async () => {
    const brainPort = await setup({ brainUp: false });
    await gw!.call('POST', '/simulate/pair');
    for (let i = 0; i < 5; i++) await inbound(`+3460020000${i}`, 'what are your hours?');
    await until(async () => {
      const c = await gw!.store.inboxCounts();
      return c.pending === 5 && c.retried === 5;
    });
    expect((await health()).queue).toEqual({ pending: 5, failed: 0 });
    brain = await startTestBrain(t, { BRAIN_RATE_LIMIT: '100000' }, brainPort);
    await until(async () => (await outbox()).length === 5);
    await new Promise((r) => setTimeout(r, 400));
    expect(new Set((await outbox()).map((m) => m.to)).size).toBe(5);
    expect((await health()).queue).toEqual({ pending: 0, failed: 0 });
  });

  it('does not acknowledge a message it could not store (disk full), reports unhealthy, and takes it when it comes back', async () => {
    await setup();
    await gw!.call('POST', '/simulate/pair');
    // SQLite's own "database or disk is full": the file may not grow past the pages it has.
    const { page_count } = (await gw!.store.db.get<{ page_count: number }>('PRAGMA page_count'))!;
    await gw!.store.db.run(`PRAGMA max_page_count = ${page_count}`);
    const long = 'what are your hours? '.repeat(190);
    const refused = [];
    for (let i = 0; i < 3; i++) refused.push(await gw!.call('POST', '/simulate/inbound', { from: `+3460030000${i}`, text: long, id: `FULL${i}` }));
    expect(refused.map((r) => r.status)).toEqual([503, 503, 503]);
    expect((await refused[0]!.json()).error).toMatch(/full/);
    const sick = await fetch(`${gw!.url}/health`);
    expect(sick.status).toBe(503);
    expect((await sick.json()).storeError).toMatch(/full/);
    // Space comes back; the sender sends again (as an unacknowledged WhatsApp message is) and nothing is lost.
    await gw!.store.db.run('PRAGMA max_page_count = 1073741823');
    for (let i = 0; i < 3; i++) await inbound(`+3460030000${i}`, long, { id: `FULL${i}` });
    await until(async () => (await outbox()).length === 3);
    const healthy = await fetch(`${gw!.url}/health`);
    expect(healthy.status).toBe(200);
    expect((await healthy.json()).storeError).toBeNull();
  });

  it('picks up a rotated key without a restart: messages refused for auth wait and are answered', async () => {
    await setup();
    await gw!.call('POST', '/simulate/pair');
    const rotated = await cli(t.env, 'tenant', 'key', 'demo', '--rotate');
    expect(rotated.code).toBe(0);
    const newKey = (await cli(t.env, 'tenant', 'key', 'demo')).stdout;
    expect((await gw!.call('POST', '/simulate/inbound', { from: '+34600400001', text: 'what are your hours?' }, newKey)).status).toBe(202);
    await until(async () => (await (await gw!.call('GET', '/simulate/outbox', undefined, newKey)).json()).messages.length === 1);
    expect((await health()).queue).toEqual({ pending: 0, failed: 0 });
  });

  it('reports a key the brain refuses in /health, keeps the messages waiting, and answers them once the key file is right', async () => {
    await setup();
    await gw!.call('POST', '/simulate/pair');
    const oldKey = gw!.key;
    await cli(t.env, 'tenant', 'key', 'demo', '--rotate');
    const newKey = (await cli(t.env, 'tenant', 'key', 'demo')).stdout.trim();
    // A key file that went stale: the gateway re-reads it after each 401 and still gets the old key.
    fs.writeFileSync(t.config.paths.secret('demo'), `${oldKey}\n`);
    expect((await gw!.call('POST', '/simulate/inbound', { from: '+34600400002', text: 'what are your hours?' }, newKey)).status).toBe(202);
    await until(async () => (await health()).authError);
    expect((await health()).authError).toMatch(/^brain answered 401/);
    expect((await health()).queue).toEqual({ pending: 1, failed: 0 });
    fs.writeFileSync(t.config.paths.secret('demo'), `${newKey}\n`);
    await until(async () => (await (await gw!.call('GET', '/simulate/outbox', undefined, newKey)).json()).messages.length === 1);
    expect((await health()).authError).toBeNull();
  });

  it('queues again, at start, messages an older version failed for good on a refused key', async () => {
    await setup();
    await gw!.call('POST', '/simulate/pair');
    await gw!.close();
    const db = await RawDb.open(t.config.paths.gatewayDb('demo'));
    const row = (status: string, error: string, id: string) =>
      db.run(
        "INSERT INTO inbox (chat, participant, message_id, from_me, sender, text, timestamp, status, attempts, next_attempt_at, last_error, created_at) VALUES ('34600400003@s.whatsapp.net', '', ?, 0, '+34600400003', 'what are your hours?', ?, ?, 1, ?, ?, ?)",
        [id, new Date().toISOString(), status, new Date().toISOString(), error, new Date().toISOString()],
      );
    await row('failed', 'brain answered 401: {"error":"unknown key"}', 'OLD401');
    await row('failed', 'brain answered 400: {"error":"bad body"}', 'OLD400');
    await db.close();
    gw = await startTestGateway(t, 'demo', brain!.url);
    await until(async () => (await outbox()).length === 1);
    expect((await gw.store.inboxMessage('OLD401'))?.status).toBe('done');
    expect((await gw.store.inboxMessage('OLD400'))?.status).toBe('failed');
  });

  it('stays silent under tenant-wide handoff (persisted), still recording the messages', async () => {
    await setup();
    await gw!.call('POST', '/simulate/pair');
    expect(await (await gw!.call('POST', '/handoff/on')).json()).toEqual({ handoffMode: true });
    expect((await health()).handoffMode).toBe(true);
    await inbound('+34600300001', 'hello');
    await until(async () => (await gw!.store.inboxCounts()).done === 1);
    expect(await outbox()).toEqual([]);
    const { conversations } = await (await brain!.call('GET', '/api/conversations', { key: brain!.keyOf('demo'), tenant: 'demo' })).json();
    expect(conversations[0].messages).toEqual([expect.objectContaining({ direction: 'in', text: 'hello' })]);
    // Survives a restart of the gateway.
    await gw!.close();
    gw = await startTestGateway(t, 'demo', brain!.url);
    expect((await health()).handoffMode).toBe(true);
    await gw.call('POST', '/handoff/off');
    await inbound('+34600300001', 'where are you?');
    await until(async () => (await outbox()).length === 1);
  });

  it('hands one chat to a person while the others go on', async () => {
    await setup();
    await gw!.call('POST', '/simulate/pair');
    expect(await (await gw!.call('POST', '/handoff/chat/34600400001@s.whatsapp.net/on')).json()).toEqual({ jid: '34600400001@s.whatsapp.net', handoff: true });
    await inbound('+34600400001', 'hello');
    await inbound('+34600400002', 'hello');
    await until(async () => (await outbox()).length === 1);
    await until(async () => (await gw!.store.inboxCounts()).done === 2);
    expect((await outbox())[0]!.to).toBe('34600400002@s.whatsapp.net');
    await gw!.call('POST', '/handoff/chat/34600400001@s.whatsapp.net/off');
    await inbound('+34600400001', 'hello again');
    await until(async () => (await outbox()).length === 2);
  });

  it('sends the replies already queued before it stops', async () => {
    ({ t, brain, gw } = await startBrainAndGateway({ tenant: 'demo', gateway: { governor: { perMinute: 300, burst: 1, jitterMs: 0 } } }));
    await gw.call('POST', '/simulate/pair');
    for (let i = 0; i < 5; i++) await inbound(`+3460050000${i}`, 'hello');
    await until(async () => (await gw!.store.inboxCounts()).done === 5);
    expect((await outbox()).length).toBeLessThan(5);
    const store = gw.store;
    await gw.gateway.stop();
    expect(await store.simulatedSends(100)).toHaveLength(5);
  });

  it('publishes every state change and QR for the console', async () => {
    await setup();
    await gw!.call('POST', '/simulate/pair');
    await gw!.call('POST', '/simulate/disconnect', { code: 440 });
    await until(async () => (await health()).status === 'parked');
    const states = gw!.events.filter((e) => e.type === 'wr:state').map((e) => e.data.status);
    expect(states).toEqual(['connecting', 'qr', 'connected', 'parked']);
    expect(gw!.events.find((e) => e.type === 'wr:qr')?.data).toMatchObject({ tenant: 'demo', qr: expect.stringMatching(/^2@/), expiresAt: expect.any(String) });
    expect((await (await gw!.call('POST', '/restart')).json()).status).toBe('connecting');
    await until(async () => (await health()).status === 'connected');
  });
});
