import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Boom } from '@hapi/boom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../core/logger.js';
import { BaileysTransport, type SocketLike } from '../../gateway/transports/baileys.js';
import { cli, exampleProfile, makeHome, type TestHome } from '../helpers/home.js';
import { startTestBrain, type TestBrain } from '../helpers/brain.js';
import { startTestGateway, until, type TestGateway } from '../helpers/gateway.js';

/** A stand-in for a Baileys socket: the adapter subscribes to `ev`, the test emits Baileys' real event shapes. */
class FakeSocket {
  readonly ev = new EventEmitter();
  readonly sent: { jid: string; content: { text: string }; options: { messageId: string } }[] = [];
  readonly presence: string[] = [];
  readonly pairing: string[] = [];
  ended = false;
  readonly lid = new Map<string, string>();
  readonly signalRepository = { lidMapping: { getPNForLID: async (lid: string) => this.lid.get(lid) ?? null } };
  constructor(readonly config: any) {}
  async end() {
    this.ended = true;
  }
  async sendMessage(jid: string, content: { text: string }, options: { messageId: string }) {
    this.sent.push({ jid, content, options });
    return undefined;
  }
  async sendPresenceUpdate(type: string, jid: string) {
    this.presence.push(`${type}:${jid}`);
  }
  async requestPairingCode(phone: string) {
    this.pairing.push(phone);
    return 'WRPAIR12';
  }
  update(u: object) {
    this.ev.emit('connection.update', u);
  }
  close(statusCode: number, message = 'closed') {
    this.update({ connection: 'close', lastDisconnect: { error: new Boom(message, { statusCode }), date: new Date() } });
  }
  upsert(type: 'notify' | 'append', ...messages: object[]) {
    this.ev.emit('messages.upsert', { messages, type });
  }
}

const text = (id: string, remoteJid: string, body: string, extra: Record<string, unknown> = {}) => ({
  key: { remoteJid, fromMe: false, id, ...extra },
  message: { conversation: body },
  messageTimestamp: Math.floor(Date.now() / 1000),
  pushName: 'Ana',
});

let t: TestHome;
let brain: TestBrain;
let gw: TestGateway;
let sockets: FakeSocket[];
const authDir = () => t.config.paths.authDir('shop');
const sock = () => sockets.at(-1)!;

beforeEach(async () => {
  t = makeHome({ WR_PORT_BASE: '42100' });
  await cli(t.env, 'tenant', 'add', 'shop', '--profile', exampleProfile, '--transport', 'baileys');
  brain = await startTestBrain(t, { BRAIN_RATE_LIMIT: '100000' });
  sockets = [];
  gw = await startTestGateway(t, 'shop', brain.url, {
    transport: (store) =>
      new BaileysTransport({
        authDir: authDir(),
        log: createLogger('baileys-test', 'silent'),
        sentText: (waId) => store.sentText(waId),
        version: [2, 3000, 1027934701],
        makeSocket: (config) => {
          const s = new FakeSocket(config);
          sockets.push(s);
          return s as unknown as SocketLike;
        },
      }),
  });
  await until(() => sockets.length === 1);
});
afterEach(async () => {
  await gw?.close();
  await brain?.close();
  t?.cleanup();
});

const health = async () => (await fetch(`${gw.url}/health`)).json();

async function pairAndOpen() {
  sock().update({ qr: '2@abc,def,ghi' });
  sock().update({ connection: 'open' });
  await until(async () => (await health()).status === 'connected');
}

describe('Baileys adapter', () => {
  it('opens a socket the way wr needs it: stored auth, pinned version, not online, getMessage from our store', () => {
    const cfg = sock().config;
    expect(cfg.markOnlineOnConnect).toBe(false);
    expect(cfg.version).toEqual([2, 3000, 1027934701]);
    expect(cfg.auth.creds.registered).toBe(false);
    expect(typeof cfg.getMessage).toBe('function');
    expect(fs.statSync(authDir()).mode & 0o777).toBe(0o700);
  });

  it('shows the QR (60 s), offers a pairing code, and reports the QR on the bus', async () => {
    sock().update({ qr: '2@first-qr' });
    await until(async () => (await health()).status === 'qr');
    const qr = await (await gw.call('GET', '/qr')).json();
    expect(qr).toMatchObject({ qr: '2@first-qr', status: 'qr' });
    const ttl = Date.parse(qr.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    expect(gw.events.find((e) => e.type === 'wr:qr')?.data).toMatchObject({ tenant: 'shop', qr: '2@first-qr' });
    const pair = await gw.call('POST', '/pair', { phone: '+34 600 111 222' });
    expect(await pair.json()).toEqual({ code: 'WRPAIR12' });
    expect(sock().pairing).toEqual(['34600111222']);
    expect((await gw.call('POST', '/pair', { phone: 'abc' })).status).toBe(400);
  });

  it('saves credentials atomically as 0600 files on creds.update', async () => {
    await pairAndOpen();
    sock().config.auth.creds.me = { id: '34600111222:1@s.whatsapp.net' };
    sock().ev.emit('creds.update', { me: sock().config.auth.creds.me });
    const file = `${authDir()}/creds.json`;
    await until(() => fs.existsSync(file));
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).me.id).toBe('34600111222:1@s.whatsapp.net');
    await sock().config.auth.keys.set({ 'lid-mapping': { '123': '34600111222' }, 'device-list': { '34600111222': ['0', '1'] }, tctoken: { x: { token: Buffer.from('t') } } });
    expect(fs.readdirSync(authDir()).sort()).toEqual(['creds.json', 'device-list-34600111222.json', 'lid-mapping-123.json', 'tctoken-x.json']);
    expect(await sock().config.auth.keys.get('tctoken', ['x'])).toEqual({ x: { token: Buffer.from('t') } });
  });

  it('reconnects at once on 515 with a new socket', async () => {
    await pairAndOpen();
    sock().close(515, 'restart required');
    await until(() => sockets.length === 2);
    expect((await health()).lastDisconnect).toMatchObject({ code: 515 });
  });

  it('goes to logged_out on 401, clears the session, and only a POST /restart brings a new QR', async () => {
    await pairAndOpen();
    fs.writeFileSync(`${authDir()}/creds.json`, '{}');
    sock().close(401, 'Connection Failure');
    await until(async () => (await health()).status === 'logged_out');
    await until(() => fs.readdirSync(authDir()).length === 0);
    await new Promise((r) => setTimeout(r, 300));
    expect(sockets).toHaveLength(1);
    expect((await (await gw.call('POST', '/restart')).json()).status).toBe('connecting');
    expect(sockets).toHaveLength(2);
    sock().update({ qr: '2@new' });
    await until(async () => (await health()).status === 'qr');
  });

  it('parks on 440 and on an expired QR, never reconnecting by itself', async () => {
    await pairAndOpen();
    sock().close(440, 'Stream Errored (conflict)');
    await until(async () => (await health()).status === 'parked');
    expect(await health()).toMatchObject({ parkedReason: expect.stringContaining('another session'), lastDisconnect: { code: 440, reason: 'Stream Errored (conflict)' } });
    await gw.call('POST', '/restart');
    expect(sockets).toHaveLength(2);
    sock().update({ qr: '2@q' });
    await until(async () => (await health()).status === 'qr');
    sock().close(408, 'QR refs attempts ended');
    await until(async () => (await health()).status === 'parked');
    expect((await health()).parkedReason).toBe('QR expired: nobody scanned it');
    await new Promise((r) => setTimeout(r, 300));
    expect(sockets).toHaveLength(2);
    expect(gw.events.filter((e) => e.type === 'wr:state').map((e) => e.data.status)).toContain('parked');
  });

  it('backs off and reconnects after a lost connection (428)', async () => {
    await pairAndOpen();
    sock().close(428, 'Connection Closed');
    await until(async () => (await health()).status === 'disconnected');
    await until(() => sockets.length === 2, 3_000);
  });

  it('answers live and replayed messages once, mapping LID senders to phone numbers', async () => {
    await pairAndOpen();
    sock().upsert('notify', text('M1', '111222333@lid', 'what are your hours?', { remoteJidAlt: '34600111222@s.whatsapp.net' }));
    await until(() => sock().sent.length === 1);
    expect(sock().sent[0]).toMatchObject({ jid: '111222333@lid', content: { text: expect.stringContaining('Our opening hours') }, options: { messageId: expect.stringMatching(/^3EB0[0-9A-F]{18}$/) } });
    expect(sock().presence).toEqual(['composing:111222333@lid']);
    // Baileys replays messages after a reconnect as "append": stored once, answered once.
    sock().lid.set('444@lid', '34600999888:3@s.whatsapp.net');
    sock().upsert('append', text('M1', '111222333@lid', 'what are your hours?', { remoteJidAlt: '34600111222@s.whatsapp.net' }), text('M2', '444@lid', 'where are you?'));
    await until(() => sock().sent.length === 2);
    await new Promise((r) => setTimeout(r, 300));
    expect(sock().sent).toHaveLength(2);
    const { conversations } = await (await brain.call('GET', '/api/conversations', { key: brain.keyOf('shop'), tenant: 'shop' })).json();
    expect(conversations.map((c: { sender: string }) => c.sender).sort()).toEqual(['+34600111222', '+34600999888']);
    // Baileys asks for a sent message's content on retries: it comes from our outbox.
    expect(await sock().config.getMessage({ id: sock().sent[0]!.options.messageId })).toEqual({ conversation: sock().sent[0]!.content.text });
  });

  it('never answers groups, status broadcasts or its own echoes, and hands a chat to staff who write from the phone', async () => {
    await pairAndOpen();
    sock().upsert('notify', text('G1', '1203630@g.us', 'hello group', { participant: '34600111222@s.whatsapp.net' }), text('S1', 'status@broadcast', 'my status'));
    sock().upsert('notify', text('C1', '34600111222@s.whatsapp.net', 'hello'));
    await until(() => sock().sent.length === 1);
    const ours = sock().sent[0]!;
    // Our own reply comes back as fromMe: not a staff message.
    sock().upsert('append', { key: { remoteJid: ours.jid, fromMe: true, id: ours.options.messageId }, message: { conversation: ours.content.text }, messageTimestamp: Math.floor(Date.now() / 1000) });
    sock().upsert('notify', text('C2', '34600111222@s.whatsapp.net', 'where are you?'));
    await until(() => sock().sent.length === 2);
    // Staff answer from the business phone: the bot steps back in that chat.
    sock().upsert('notify', { key: { remoteJid: '34600111222@s.whatsapp.net', fromMe: true, id: 'STAFF1' }, message: { conversation: 'Hi Ana, Dr. Ruiz here' }, messageTimestamp: Math.floor(Date.now() / 1000) });
    await until(async () => (await gw.gateway.chatHandoff('34600111222@s.whatsapp.net')) === true);
    sock().upsert('notify', text('C3', '34600111222@s.whatsapp.net', 'thanks doctor'));
    await until(async () => (await gw.store.inboxMessage('C3'))?.status === 'done');
    expect(sock().sent).toHaveLength(2);
    // "/bot" from staff gives the chat back.
    sock().upsert('notify', { key: { remoteJid: '34600111222@s.whatsapp.net', fromMe: true, id: 'STAFF2' }, message: { conversation: '/bot' }, messageTimestamp: Math.floor(Date.now() / 1000) });
    await until(async () => (await gw.gateway.chatHandoff('34600111222@s.whatsapp.net')) === false);
    sock().upsert('notify', text('C4', '34600111222@s.whatsapp.net', 'what are your hours?'));
    await until(() => sock().sent.length === 3);
    const group = await gw.store.inboxMessage('G1');
    expect(group?.status).toBe('skipped');
  });
});

describe('Baileys adapter, store failures', () => {
  it('keeps a message it could not store (disk full), reports unhealthy, and stores and answers it once space is back', async () => {
    await pairAndOpen();
    // SQLite's own "database or disk is full": the file may not grow past the pages it has.
    const { page_count } = (await gw.store.db.get<{ page_count: number }>('PRAGMA page_count'))!;
    await gw.store.db.run(`PRAGMA max_page_count = ${page_count}`);
    const long = 'what are your hours? '.repeat(190);
    // Baileys has already sent WhatsApp the delivery receipt when it emits these: WhatsApp will not send them again.
    sock().upsert('notify', text('F1', '34600300001@s.whatsapp.net', long), text('F2', '34600300002@s.whatsapp.net', long));
    await until(async () => (await fetch(`${gw.url}/health`)).status === 503);
    expect((await health()).storeError).toMatch(/full/);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await gw.store.inboxMessage('F1')).toBeFalsy();
    expect(sock().sent).toHaveLength(0);
    await gw.store.db.run('PRAGMA max_page_count = 1073741823');
    await until(() => sock().sent.length === 2, 40_000);
    expect(sock().sent.map((s) => s.jid).sort()).toEqual(['34600300001@s.whatsapp.net', '34600300002@s.whatsapp.net']);
    const healthy = await fetch(`${gw.url}/health`);
    expect(healthy.status).toBe(200);
    expect((await healthy.json()).storeError).toBeNull();
  }, 60_000);
});

describe('Baileys adapter, WhatsApp Web version', () => {
  it('gives up on a lookup that hangs, and does not look again on every reconnect', async () => {
    const calls: string[] = [];
    // A black-holed network: the request never answers.
    vi.stubGlobal('fetch', (url: string) => {
      calls.push(String(url));
      return new Promise(() => {});
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wr-baileys-version-'));
    try {
      const configs: any[] = [];
      const transport = new BaileysTransport({
        authDir: dir,
        log: createLogger('baileys-test', 'silent'),
        sentText: async () => undefined,
        versionLookupMs: 50,
        makeSocket: (config) => {
          configs.push(config);
          return new FakeSocket(config) as unknown as SocketLike;
        },
      });
      const events = { qr: () => {}, open: () => {}, close: () => {}, messages: async () => {} };
      await transport.connect(events);
      await transport.disconnect();
      await transport.connect(events);
      expect(configs).toHaveLength(2);
      // No version at all, so Baileys keeps the one it ships with.
      expect(configs.map((c) => 'version' in c)).toEqual([false, false]);
      expect(calls).toEqual(['https://raw.githubusercontent.com/WhiskeySockets/Baileys/master/src/Defaults/index.ts']);
    } finally {
      vi.unstubAllGlobals();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
