import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Boom } from '@hapi/boom';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../core/logger.js';
import { RawDb } from '../../core/sqlite/raw.js';
import { assertMediaContent, BufferJSON, getUrlFromDirectPath, proto, type WAMessage } from '@whiskeysockets/baileys';
import type { GatewayStore } from '../../gateway/store.js';
import { BaileysTransport, readContent, type SocketLike } from '../../gateway/transports/baileys.js';
import { gatewayWords, OTHER_LABELS } from '../../gateway/words.js';
import { exampleProfile, makeHome, type TestHome } from '../helpers/home.js';
import { FakeHttpServer } from '../helpers/fake-http.js';
import type { TestBrain } from '../helpers/brain.js';
import { closeAfterEach, startBrainAndGateway } from '../helpers/brain-gateway.js';
import { startTestGateway, until, type TestGateway } from '../helpers/gateway.js';
import { encryptMedia, FakeMediaCdn, mediaFields } from '../helpers/wa-media.js';

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
  /** Set to make sendMessage fail, as it does when the socket drops mid-send. */
  failSends = false;
  readonly rejected: { id: string; from: string }[] = [];
  async sendMessage(jid: string, content: { text: string }, options: { messageId: string }) {
    if (this.failSends) throw new Boom('Connection Closed', { statusCode: 428 });
    this.sent.push({ jid, content, options });
    return undefined;
  }
  async rejectCall(id: string, from: string) {
    this.rejected.push({ id, from });
  }
  /** Re-uploads the phone will do: message id → the new directPath (as the phone's media-retry answer carries). */
  readonly reuploads = new Map<string, string>();
  readonly reuploadAsked: string[] = [];
  /** As Baileys does once the phone answers the media retry request: the content gets the new directPath and URL. */
  async updateMediaMessage(m: any) {
    this.reuploadAsked.push(m.key.id);
    const directPath = this.reuploads.get(m.key.id);
    if (!directPath) throw new Boom('Media re-upload failed by device (NOT_FOUND)', { statusCode: 404 });
    const content = assertMediaContent(m.message);
    content.directPath = directPath;
    content.url = getUrlFromDirectPath(directPath);
    return m;
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
  upsert(type: 'notify' | 'append', ...messages: any[]) {
    // As Baileys does on decrypting: a stanza's alternate addressing becomes a stored LID mapping.
    for (const { key } of messages) {
      if (key.remoteJidAlt?.endsWith('@s.whatsapp.net') && key.remoteJid.endsWith('@lid')) this.lid.set(key.remoteJid, key.remoteJidAlt);
      if (key.remoteJidAlt?.endsWith('@lid')) this.lid.set(key.remoteJidAlt, key.remoteJid);
    }
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
/** WhatsApp's media servers: Baileys' own download code fetches and decrypts from it. */
let cdn: FakeMediaCdn;
const baileysFor = (store: GatewayStore, spillBytes?: number) =>
  new BaileysTransport({
    authDir: authDir(),
    spillFile: t.config.paths.inboundSpill('shop'),
    spillBytes,
    media: { fetch: { dispatcher: cdn.dispatcher } as never, timeoutMs: 1_500 },
    log: createLogger('baileys-test', 'silent'),
    sentText: (waId) => store.sentText(waId),
    version: [2, 3000, 1027934701],
    makeSocket: (config) => {
      const s = new FakeSocket(config);
      sockets.push(s);
      return s as unknown as SocketLike;
    },
  });
const sock = () => sockets.at(-1)!;

beforeEach(async () => {
  // The transport's auth folder and spill file are in this home: made before the gateway starts.
  t = makeHome();
  sockets = [];
  cdn = await FakeMediaCdn.start();
  const started = await startBrainAndGateway({ home: t, tenant: 'shop', add: ['--profile', exampleProfile, '--transport', 'baileys'], gateway: { transport: baileysFor } });
  brain = started.brain!;
  gw = started.gw;
  await until(() => sockets.length === 1);
});
closeAfterEach(() => ({ t, gw, brain, others: [cdn] }), () => {});

const health = async () => (await fetch(`${gw.url}/health`)).json();

/** Baileys' order: connecting, a QR, open, then (after any buffered offline messages) receivedPendingNotifications. */
async function pairAndOpen() {
  sock().update({ connection: 'connecting', receivedPendingNotifications: false, qr: undefined });
  sock().update({ qr: '2@abc,def,ghi' });
  sock().update({ connection: 'open' });
  sock().update({ receivedPendingNotifications: true });
  await until(async () => (await health()).status === 'connected');
}

describe('Baileys adapter', () => {
  it('opens a socket the way wr needs it: stored auth, pinned version, not online, getMessage from our store', () => {
    const cfg = sock().config;
    expect(cfg.markOnlineOnConnect).toBe(false);
    expect(cfg.version).toEqual([2, 3000, 1027934701]);
    expect(cfg.auth.creds.registered).toBe(false);
    expect(typeof cfg.getMessage).toBe('function');
    expect([cfg.shouldIgnoreJid('1203630@g.us'), cfg.shouldIgnoreJid('status@broadcast'), cfg.shouldIgnoreJid('1203@newsletter'), cfg.shouldIgnoreJid('34600111222@s.whatsapp.net'), cfg.shouldIgnoreJid('111@lid')]).toEqual([true, true, true, false, false]);
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
    // "typing…" before the reply, and stopped once it is out.
    await until(() => sock().presence.length === 2);
    expect(sock().presence).toEqual(['composing:111222333@lid', 'paused:111222333@lid']);
    // Baileys replays messages after a reconnect as "append": stored once, answered once.
    sock().lid.set('444@lid', '34600999888:3@s.whatsapp.net');
    sock().upsert('append', text('M1', '111222333@lid', 'what are your hours?', { remoteJidAlt: '34600111222@s.whatsapp.net' }), text('M2', '444@lid', 'where are you?'));
    await until(() => sock().sent.length === 2);
    await new Promise((r) => setTimeout(r, 300));
    expect(sock().sent).toHaveLength(2);
    const { conversations } = await (await brain.call('GET', '/api/conversations', { key: brain.keyOf('shop'), tenant: 'shop' })).json();
    expect(conversations.map((c: { sender: string }) => c.sender).sort()).toEqual(['+34600111222', '+34600999888']);
    // Baileys asks for a sent message's content on retries: it comes from our outbox.
    // sendMessage({text}) goes out as an extendedTextMessage; the retry must be the same shape.
    expect(await sock().config.getMessage({ id: sock().sent[0]!.options.messageId })).toEqual({ extendedTextMessage: { text: sock().sent[0]!.content.text } });
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
    // Group and status traffic is ignored (shouldIgnoreJid), not stored or counted as customers.
    expect(await gw.store.inboxMessage('G1')).toBeUndefined();
    expect(await gw.store.inboxMessage('S1')).toBeUndefined();
    expect((await health()).messagesToday).toBe(4);
  });
});

const staff = (id: string, remoteJid: string, body: string, extra: Record<string, unknown> = {}) => ({
  key: { remoteJid, fromMe: true, id, ...extra },
  message: { conversation: body },
  messageTimestamp: Math.floor(Date.now() / 1000),
});

describe('Baileys adapter: one customer, two chat ids', () => {
  it('keys a LID chat by its phone number: a staff reply typed on the phone (PN form) silences the LID chat', async () => {
    await pairAndOpen();
    sock().upsert('notify', text('L1', '111222333@lid', 'what are your hours?', { remoteJidAlt: '34600111222@s.whatsapp.net' }));
    await until(() => sock().sent.length === 1);
    expect(sock().sent[0]!.jid).toBe('111222333@lid'); // replies go to the address the customer used
    const row = await gw.store.inboxMessage('L1');
    expect(row).toMatchObject({ chat: '34600111222@s.whatsapp.net', address: '111222333@lid', sender: '+34600111222' });
    // Staff answer from the business phone; Baileys reports that chat by phone number, the LID only in remoteJidAlt.
    sock().upsert('notify', staff('STAFF1', '34600111222@s.whatsapp.net', 'Hi, Ana here', { remoteJidAlt: '111222333@lid' }));
    await until(async () => (await gw.gateway.chatHandoff('111222333@lid')) === true);
    sock().upsert('notify', text('L2', '111222333@lid', 'where are you?', { remoteJidAlt: '34600111222@s.whatsapp.net' }));
    await until(async () => (await gw.store.inboxMessage('L2'))?.status === 'done');
    expect(sock().sent).toHaveLength(1);
  });

  it('handoff/chat/<phone>@s.whatsapp.net/on silences a chat WhatsApp addresses by LID (mapping from lidMapping)', async () => {
    await pairAndOpen();
    sock().lid.set('555@lid', '34600555000:2@s.whatsapp.net');
    const on = await gw.call('POST', '/handoff/chat/34600555000@s.whatsapp.net/on');
    expect(await on.json()).toEqual({ jid: '34600555000@s.whatsapp.net', handoff: true });
    sock().upsert('notify', text('P1', '555@lid', 'hello?'));
    await until(async () => (await gw.store.inboxMessage('P1'))?.status === 'done');
    await new Promise((r) => setTimeout(r, 200));
    expect(sock().sent).toHaveLength(0);
    // The operator may also name the chat by its LID: the same chat.
    await gw.call('POST', '/handoff/chat/555@lid/off');
    expect(await gw.gateway.chatHandoff('34600555000@s.whatsapp.net')).toBe(false);
    sock().upsert('notify', text('P2', '555@lid', 'what are your hours?'));
    await until(() => sock().sent.length === 1);
  });
});

describe('Baileys adapter under real conditions', () => {
  it('holds queued replies until the offline backlog is in: a staff reply in the backlog cancels the stale one', async () => {
    await pairAndOpen();
    sock().failSends = true; // the connection drops while the reply is being sent
    sock().upsert('notify', text('B1', '777@lid', 'can I book?', { remoteJidAlt: '34600777000@s.whatsapp.net' }));
    await until(async () => (await gw.store.dueOutbox(new Date(Date.now() + 60_000), 5)).some((r) => r.attempts > 0));
    sock().close(428, 'Connection Closed');
    await until(() => sockets.length === 2, 5_000);
    // Reconnected, logged in: Baileys buffers the offline messages and opens.
    sock().update({ connection: 'connecting', receivedPendingNotifications: false, qr: undefined });
    sock().update({ connection: 'open' });
    await until(async () => (await health()).status === 'connected');
    await new Promise((r) => setTimeout(r, 400));
    expect(sock().sent).toHaveLength(0); // before the fix the stale reply went out here
    // The buffer is flushed (staff answered from the phone meanwhile), then the notice.
    sock().upsert('append', staff('STAFF9', '34600777000@s.whatsapp.net', 'I will call you', { remoteJidAlt: '777@lid' }));
    sock().update({ receivedPendingNotifications: true });
    await until(async () => (await gw.store.queueCounts()).pending === 0);
    await new Promise((r) => setTimeout(r, 200));
    expect(sock().sent).toHaveLength(0);
    const cancelled = await gw.store.db.get<{ n: number }>("SELECT count(*) AS n FROM outbox WHERE status = 'cancelled'");
    expect(cancelled?.n).toBe(1);
  });

  it('a restart racing a connect leaves exactly one live socket; the ended one cannot write credentials', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wr-baileys-race-'));
    try {
      const made: FakeSocket[] = [];
      const transport = new BaileysTransport({
        authDir: dir,
        log: createLogger('baileys-test', 'silent'),
        sentText: async () => undefined,
        version: [2, 3000, 1027934701],
        makeSocket: (config) => {
          const s = new FakeSocket(config);
          made.push(s);
          return s as unknown as SocketLike;
        },
      });
      const events = { qr: () => {}, open: () => {}, ready: () => {}, close: () => {}, messages: async () => {} };
      // start() is still loading the auth state when /restart arrives (disconnect, then connect).
      const first = transport.connect(events);
      const restart = transport.disconnect().then(() => transport.connect(events));
      await Promise.all([first, restart]);
      expect(made).toHaveLength(2);
      expect(made.map((s) => s.ended)).toEqual([true, false]);
      made[0]!.config.auth.creds.nextPreKeyId = 999;
      made[0]!.ev.emit('creds.update', { nextPreKeyId: 999 });
      await new Promise((r) => setTimeout(r, 100));
      expect(fs.existsSync(path.join(dir, 'creds.json'))).toBe(false);
      made[1]!.ev.emit('creds.update', {});
      await until(() => fs.existsSync(path.join(dir, 'creds.json')));
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'creds.json'), 'utf8')).nextPreKeyId).not.toBe(999);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('starts a new pairing over an abandoned pairing code (me set, no account) instead of logging in unpaired', async () => {
    await gw.close();
    fs.writeFileSync(`${authDir()}/creds.json`, JSON.stringify({ ...sock().config.auth.creds, me: { id: '34600111222@s.whatsapp.net', name: '~' }, pairingCode: 'ABCD1234' }, BufferJSON.replacer));
    fs.chmodSync(`${authDir()}/creds.json`, 0o600);
    gw = await startTestGateway(t, 'shop', brain.url, { transport: baileysFor });
    await until(() => sockets.length === 2);
    expect(sock().config.auth.creds.me).toBeUndefined();
    expect(sock().config.auth.creds.pairingCode).toBeUndefined();
  });

  it('rides out an outage of 408s (keep-alive timeouts) through the adapter without parking; other failures still hit the brake', async () => {
    await gw.close();
    // Jitter at 0: each reconnect is immediate, so a long outage's worth of closes happens in moments.
    gw = await startTestGateway(t, 'shop', brain.url, { transport: baileysFor, random: () => 0 });
    await until(() => sockets.length === 2);
    await pairAndOpen();
    for (let i = 0; i < 40; i++) {
      const before = sockets.length;
      sock().update({ connection: 'connecting', receivedPendingNotifications: false, qr: undefined });
      sock().close(i % 4 === 3 ? 428 : 408, i % 4 === 3 ? 'Connection Closed' : 'Connection was lost');
      await until(() => sockets.length === before + 1, 3_000);
      expect((await health()).status).not.toBe('parked');
    }
    sock().update({ connection: 'open' });
    sock().update({ receivedPendingNotifications: true });
    await until(async () => (await health()).status === 'connected');
    expect((await health()).reconnects).toBe(40);
    // Ten failures that are not an ordinary outage do park it.
    for (let i = 0; i < 10; i++) {
      const before = sockets.length;
      sock().close(411, 'multidevice mismatch');
      if (i < 9) await until(() => sockets.length === before + 1, 3_000);
    }
    await until(async () => (await health()).status === 'parked');
    expect((await health()).parkedReason).toMatch(/10 failures in 15 minutes: stopped retrying; trying again in 15 minutes/);
  });

  it('a parked session (440) tries again slowly by itself; an unscanned QR waits for a person', async () => {
    await gw.close();
    gw = await startTestGateway(t, 'shop', brain.url, { transport: baileysFor, parkedRetryMs: 300 });
    await until(() => sockets.length === 2);
    await pairAndOpen();
    sock().close(440, 'Stream Errored (conflict)');
    await until(async () => (await health()).status === 'parked');
    await until(() => sockets.length === 3, 3_000);
    sock().update({ qr: '2@q' });
    sock().close(408, 'QR refs attempts ended');
    await until(async () => (await health()).status === 'parked');
    await new Promise((r) => setTimeout(r, 600));
    expect(sockets).toHaveLength(3);
  });

  it('keeps the session on 411 and reconnects; a keep-alive 408 while a QR is shown is not an expired QR', async () => {
    await pairAndOpen();
    fs.writeFileSync(`${authDir()}/creds.json`, '{}');
    sock().close(411, 'multidevice mismatch');
    await until(async () => (await health()).status === 'disconnected');
    await until(() => sockets.length === 2, 5_000);
    expect(fs.existsSync(`${authDir()}/creds.json`)).toBe(true);
    sock().update({ qr: '2@q' });
    await until(async () => (await health()).status === 'qr');
    sock().close(408, 'Connection was lost');
    await until(async () => (await health()).status === 'disconnected');
    await until(() => sockets.length === 3, 5_000);
  });
});

const now = () => Math.floor(Date.now() / 1000);
const from = (id: string, message: object, remoteJid = '34600333444@s.whatsapp.net') => ({ key: { remoteJid, fromMe: false, id }, message, messageTimestamp: now(), pushName: 'Luis' });
const pending = async () => (await (await brain.call('GET', '/api/escalations?status=pending', { key: brain.keyOf('shop'), tenant: 'shop' })).json()).escalations as { summary: string }[];
const records = async (sender: string) => {
  const { conversations } = await (await brain.call('GET', `/api/conversations?sender=${encodeURIComponent(sender)}`, { key: brain.keyOf('shop'), tenant: 'shop' })).json();
  return conversations[0]?.messages as { direction: string; text: string }[] | undefined;
};

describe('Baileys adapter: every kind a customer sends', () => {
  it('a voice note (ptt) without transcription gets a reply asking to type, a record, and a staff notice', async () => {
    await pairAndOpen();
    sock().upsert('notify', from('V1', { audioMessage: { url: 'https://mmg.whatsapp.net/v/t62.7117-24/x.enc', mimetype: 'audio/ogg; codecs=opus', fileLength: 5120, seconds: 14, ptt: true, mediaKey: Buffer.alloc(32, 1), directPath: '/v/t62.7117-24/x.enc' } }));
    await until(() => sock().sent.length === 1);
    expect(sock().sent[0]!.content.text).toMatch(/can't listen to voice notes.*type/i);
    expect(await gw.store.inboxMessage('V1')).toMatchObject({ kind: 'audio', status: 'done', media: { seconds: 14, voiceNote: true } });
    expect((await pending()).map((e) => e.summary)).toEqual([expect.stringContaining('[voice note 0:14]')]);
  });

  it('photos (kept under the tenant, caption answered), documents with caption, locations, contact cards, stickers and reactions', async () => {
    await pairAndOpen();
    const photo = Buffer.from('\xff\xd8\xff\xe0 JFIF a photo of the tooth');
    const enc = await encryptMedia(photo, 'image');
    cdn.put('/v/t62.7118-24/I1.enc?ccb=11-4&oh=01&oe=68', enc.body);
    sock().upsert('notify', from('I1', { imageMessage: { ...mediaFields(enc, '/v/t62.7118-24/I1.enc?ccb=11-4&oh=01&oe=68'), mimetype: 'image/jpeg', height: 640, width: 480, jpegThumbnail: Buffer.from('thumb') } }, '111@lid'));
    await until(() => sock().sent.length === 1);
    expect(sock().sent[0]).toMatchObject({ jid: '111@lid', content: { text: expect.stringMatching(/received your photo/) } });
    // Baileys chose the URL itself: WhatsApp's media host and the message's directPath.
    expect(cdn.requests).toEqual([{ host: 'mmg.whatsapp.net', path: '/v/t62.7118-24/I1.enc?ccb=11-4&oh=01&oe=68', origin: 'https://web.whatsapp.com' }]);
    const kept = (await gw.store.inboxMessage('I1'))!.prepared!.saved!;
    expect(kept.startsWith(t.config.paths.mediaDir('shop'))).toBe(true);
    expect(fs.readFileSync(kept)).toEqual(photo); // decrypted by Baileys from the stored message's media key
    expect(fs.statSync(kept).mode & 0o777).toBe(0o600);

    sock().upsert('notify', from('I2', { imageMessage: { mimetype: 'image/jpeg', caption: 'what are your hours?' } }));
    await until(() => sock().sent.length === 2);
    expect(sock().sent[1]!.content.text).toContain('Our opening hours');
    sock().upsert('notify', from('D1', { documentWithCaptionMessage: { message: { documentMessage: { fileName: 'quote.pdf', mimetype: 'application/pdf', caption: 'where are you?' } } } }));
    await until(() => sock().sent.length === 3);
    expect(sock().sent[2]!.content.text).toContain('Calle Mayor 12');
    sock().upsert('notify', from('G1', { locationMessage: { degreesLatitude: 40.4168, degreesLongitude: -3.7038, name: 'Puerta del Sol' } }));
    await until(() => sock().sent.length === 4);
    expect(sock().sent[3]!.content.text).toMatch(/location/i);
    sock().upsert('notify', from('K1', { contactMessage: { displayName: 'Marta', vcard: 'BEGIN:VCARD\nVERSION:3.0\nFN:Marta\nTEL;type=CELL;waid=34600222333:+34 600 22 23 33\nEND:VCARD' } }));
    await until(() => sock().sent.length === 5);
    expect(sock().sent[4]!.content.text).toMatch(/received your contact card/);
    sock().upsert('notify', from('S1', { stickerMessage: { mimetype: 'image/webp' } }));
    await until(() => sock().sent.length === 6);
    sock().upsert('notify', from('VID1', { videoMessage: { mimetype: 'video/mp4', seconds: 7, fileLength: 4096 } }, '222@lid'));
    await until(() => sock().sent.length === 7);
    expect(sock().sent[6]!.content.text).toMatch(/received your video/);
    expect((await records('222@lid'))!.map((m) => m.text)[0]).toBe('[video 0:07]');
    // The others carry no media key or link: asked for nothing, and still answered.
    expect(cdn.requests).toHaveLength(1);
    expect((await gw.store.inboxMessage('VID1'))!.prepared!.note).toBe('not kept: the message carries no link or key for its file');
    sock().upsert('notify', from('R1', { reactionMessage: { key: { id: sock().sent[0]!.options.messageId, fromMe: true, remoteJid: '34600333444@s.whatsapp.net' }, text: '👍' } }));
    await until(async () => (await gw.store.inboxMessage('R1'))?.status === 'done');
    await new Promise((r) => setTimeout(r, 200));
    expect(sock().sent).toHaveLength(7); // a reaction is recorded, not answered
    const texts = (await records('+34600333444'))!.filter((m) => m.direction === 'in').map((m) => m.text);
    expect(texts.slice(-5)).toEqual(['[document quote.pdf: "where are you?"]', '[location 40.41680,-3.70380 Puerta del Sol]', '[contact card: Marta +34600222333]', '[sticker]', '[reaction 👍]']);
    expect((await records('111@lid'))!.map((m) => m.text)[0]).toBe('[photo]');
    // Staff hear of the files and the card (one pending escalation per customer holds them).
    expect((await pending()).length).toBeGreaterThan(0);
  });

  it('content wr cannot open (a poll, an event, a group invite) is recorded, answered and shown to staff; a poll vote stays protocol noise', async () => {
    await pairAndOpen();
    sock().upsert('notify', from('PO1', { pollCreationMessageV3: { name: 'Which day suits you?', options: [{ optionName: 'Mon' }, { optionName: 'Tue' }], selectableOptionsCount: 1 } }));
    await until(() => sock().sent.length === 1);
    expect(sock().sent[0]!.content.text).toMatch(/can't open that kind of message/);
    sock().upsert('notify', from('EV1', { eventMessage: { name: 'Birthday', startTime: 1790000000 } }));
    sock().upsert('notify', from('GI1', { groupInviteMessage: { groupJid: '1203@g.us', inviteCode: 'abc', groupName: 'Family' } }));
    await until(() => sock().sent.length === 3);
    sock().upsert('notify', from('PV1', { pollUpdateMessage: { pollCreationMessageKey: { id: 'PO1', remoteJid: '34600333444@s.whatsapp.net' }, vote: { encPayload: Buffer.from('x'), encIv: Buffer.from('y') } } }));
    await new Promise((r) => setTimeout(r, 300));
    expect(sock().sent).toHaveLength(3);
    expect(await gw.store.inboxMessage('PV1')).toBeFalsy();
    const texts = (await records('+34600333444'))!.filter((m) => m.direction === 'in').map((m) => m.text);
    expect(texts).toEqual(['[poll: "Which day suits you?"]', '[event: "Birthday"]', '[group invite]']);
    expect((await pending()).map((e) => e.summary).join('\n')).toContain('which the bot cannot open');
  });

  it("every WAProto message type wr cannot open has its words in English and Spanish, and each of those words is used", () => {
    // Every content field of a WhatsApp message (the fields Baileys' getContentType can name).
    const fields = Object.keys(proto.Message.prototype).filter((k) => k.includes('Message') && k !== 'senderKeyDistributionMessage');
    expect(fields.length).toBeGreaterThan(60);
    const labels = new Map<string, string[]>();
    for (const field of fields) {
      const read = readContent({ key: { remoteJid: '34600333444@s.whatsapp.net', id: field }, message: { [field]: {} } } as WAMessage);
      if (read?.kind === 'other' && read.media?.name) labels.set(read.media.name, [...(labels.get(read.media.name) ?? []), field]);
    }
    for (const [label, from] of labels) {
      expect(OTHER_LABELS, `${from.join(', ')} → ${label}`).toContain(label);
      expect(gatewayWords('es').others[label as (typeof OTHER_LABELS)[number]], label).not.toBe(label);
    }
    expect([...labels.keys()].sort()).toEqual([...OTHER_LABELS].sort());
  });

  it("labels rare content in Spanish for a Spanish business: a sticker pack, a payment, a channel invite, poll results; an animated sticker is a sticker", async () => {
    const profile = await (await brain.call('GET', '/api/profile', { key: brain.adminKey, tenant: 'shop' })).json();
    expect((await brain.call('PUT', '/api/profile', { key: brain.adminKey, tenant: 'shop', body: { ...profile, language: 'es' } })).status).toBe(200);
    await pairAndOpen();
    sock().upsert('notify', from('RS1', { stickerPackMessage: { name: 'Gatos', stickerPackId: 'p1' } }));
    sock().upsert('notify', from('RS2', { requestPaymentMessage: { currencyCodeIso4217: 'EUR', amount1000: 20000 } }));
    sock().upsert('notify', from('RS3', { newsletterAdminInviteMessage: { newsletterJid: '1@newsletter', newsletterName: 'Ofertas' } }));
    sock().upsert('notify', from('RS4', { pollResultSnapshotMessage: { name: '¿Martes?' } }));
    sock().upsert('notify', from('RS5', { lottieStickerMessage: { message: { stickerMessage: { mimetype: 'application/was' } } } }));
    await until(async () => ((await records('+34600333444')) ?? []).filter((m) => m.direction === 'in').length === 5, 10_000, 'five records');
    const texts = (await records('+34600333444'))!.filter((m) => m.direction === 'in').map((m) => m.text);
    expect(texts).toEqual(['[paquete de stickers]', '[pago]', '[invitación a un canal]', '[resultados de una encuesta]', '[sticker]']);
  });

  it('a video note (ptvMessage) is a video: fetched, kept and acknowledged', async () => {
    await pairAndOpen();
    const clip = Buffer.from('ftypisom a round video note');
    const enc = await encryptMedia(clip, 'ptv');
    cdn.put('/v/t62.7161-24/P1.enc?oh=3', enc.body);
    sock().upsert('notify', from('P1', { ptvMessage: { ...mediaFields(enc, '/v/t62.7161-24/P1.enc?oh=3'), mimetype: 'video/mp4', seconds: 5 } }));
    await until(() => sock().sent.length === 1);
    expect(sock().sent[0]!.content.text).toMatch(/received your video/);
    expect(fs.readFileSync((await gw.store.inboxMessage('P1'))!.prepared!.saved!)).toEqual(clip);
    expect((await records('+34600333444'))![0]!.text).toBe('[video 0:05]');
  });

  it('declines a call (offer, then terminate) and sends one message per caller per window', async () => {
    await pairAndOpen();
    const call = (id: string, status: string) => ({ chatId: '888@lid', from: '888@lid', callerPn: '34600888000@s.whatsapp.net', id, date: new Date(), offline: false, status, isVideo: false, isGroup: false });
    sock().ev.emit('call', [call('CALL1', 'offer')]);
    sock().ev.emit('call', [call('CALL1', 'terminate')]);
    await until(() => sock().sent.length === 1);
    expect(sock().rejected).toEqual([{ id: 'CALL1', from: '888@lid' }]);
    expect(sock().sent[0]).toMatchObject({ jid: '888@lid', content: { text: expect.stringMatching(/can't take calls on WhatsApp.*\+34910000000/) } });
    // The customer redials at once: declined again, but no second message.
    sock().ev.emit('call', [call('CALL2', 'offer')]);
    await until(async () => (await gw.store.inboxMessage('CALL2'))?.status === 'done');
    await new Promise((r) => setTimeout(r, 200));
    expect(sock().rejected.map((c) => c.id)).toEqual(['CALL1', 'CALL2']);
    expect(sock().sent).toHaveLength(1);
    expect((await gw.store.inboxMessage('CALL1'))).toMatchObject({ kind: 'call', chat: '34600888000@s.whatsapp.net' });
    // The business phone calling out is not a customer calling in.
    (sock() as any).user = { id: '34911222333:4@s.whatsapp.net', lid: '999000:4@lid' };
    sock().ev.emit('call', [{ ...call('OUT1', 'offer'), from: '34911222333@s.whatsapp.net', chatId: '34600888000@s.whatsapp.net' }]);
    await new Promise((r) => setTimeout(r, 200));
    expect(await gw.store.inboxMessage('OUT1')).toBeUndefined();
    expect(sock().rejected).toHaveLength(2);
  });

  it('an undecryptable stub waits for Baileys\' retry: the real content under the same id replaces it and is answered once', async () => {
    await gw.close();
    gw = await startTestGateway(t, 'shop', brain.url, { transport: baileysFor, undecryptableGraceMs: 500 });
    await until(() => sockets.length === 2);
    await pairAndOpen();
    const stub = (id: string) => ({ key: { remoteJid: '34600333444@s.whatsapp.net', fromMe: false, id }, messageStubType: 2, messageStubParameters: ['No session found to decrypt message'], messageTimestamp: now() });
    sock().upsert('notify', stub('U1'));
    sock().upsert('notify', from('U1', { conversation: 'what are your hours?' }));
    await until(() => sock().sent.length === 1);
    expect(sock().sent[0]!.content.text).toContain('Our opening hours');
    // One that never recovers is answered after the grace: the customer is asked to send it again.
    sock().upsert('notify', stub('U2'));
    await until(() => sock().sent.length === 2, 5_000);
    expect(sock().sent[1]!.content.text).toMatch(/didn't reach us/);
    expect((await health()).undecryptableLastHour).toBe(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(sock().sent).toHaveLength(2);
  });

  it('sends the business location as a WhatsApp location message, after the text', async () => {
    await pairAndOpen();
    const profile = await (await brain.call('GET', '/api/profile', { key: brain.keyOf('shop'), tenant: 'shop' })).json();
    expect((await brain.call('PUT', '/api/profile', { key: brain.adminKey, tenant: 'shop', body: { ...profile, location: { latitude: 40.4153, longitude: -3.7074 } } })).status).toBe(200);
    sock().upsert('notify', from('W1', { conversation: 'where are you?' }, '111@lid'));
    await until(() => sock().sent.length === 2);
    const [text, pin] = sock().sent as any[];
    expect(text.content.text).toContain('Calle Mayor 12');
    expect(pin).toMatchObject({ jid: '111@lid', content: { location: { degreesLatitude: 40.4153, degreesLongitude: -3.7074, name: 'Sonrisa Dental Clinic', address: expect.stringContaining('Calle Mayor 12') } } });
    expect(pin.options.messageId).toMatch(/^3EB0[0-9A-F]{18}$/);
    expect(pin.options.messageId).not.toBe(text.options.messageId);
  });

  it('reads edits, button and list replies; a customer\'s correction arrives', async () => {
    await pairAndOpen();
    sock().upsert('notify', from('E1', { protocolMessage: { key: { id: 'E0', remoteJid: '34600333444@s.whatsapp.net' }, type: 14, editedMessage: { conversation: 'where are you?' }, timestampMs: Date.now() } }));
    await until(() => sock().sent.length === 1);
    expect(sock().sent[0]!.content.text).toContain('Calle Mayor 12');
    sock().upsert('notify', from('B1', { buttonsResponseMessage: { selectedButtonId: 'hours', selectedDisplayText: 'what are your hours?' } }));
    sock().upsert('notify', from('B2', { listResponseMessage: { title: 'what are your hours?', singleSelectReply: { selectedRowId: 'hours' } } }));
    await until(() => sock().sent.length === 3);
    expect(sock().sent.slice(1).every((m) => m.content.text.includes('Our opening hours'))).toBe(true);
    // Protocol noise (a revoke) is neither stored nor answered.
    sock().upsert('notify', from('X1', { protocolMessage: { key: { id: 'B1' }, type: 0 } }));
    await new Promise((r) => setTimeout(r, 200));
    expect(await gw.store.inboxMessage('X1')).toBeUndefined();
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

  it('tries once more to store the messages it holds when the gateway stops', async () => {
    await pairAndOpen();
    const { page_count } = (await gw.store.db.get<{ page_count: number }>('PRAGMA page_count'))!;
    await gw.store.db.run(`PRAGMA max_page_count = ${page_count}`);
    sock().upsert('notify', text('S1', '34600300003@s.whatsapp.net', 'what are your hours? '.repeat(190)));
    await until(async () => (await fetch(`${gw.url}/health`)).status === 503);
    // Space comes back and PM2 stops the gateway at once, before the held message's next try.
    await gw.store.db.run('PRAGMA max_page_count = 1073741823');
    await gw.close();
    const db = await RawDb.open(t.config.paths.gatewayDb('shop'), true);
    expect(await db.all("SELECT status FROM inbox WHERE message_id = 'S1'")).toEqual([{ status: 'pending' }]);
    await db.close();
    gw = undefined as never;
  });
});

describe('Baileys adapter: files downloaded through Baileys from WhatsApp\'s media servers', () => {
  const admin = () => ({ key: brain.keyOf('shop'), tenant: 'shop' });
  const setQuota = async (quotaMB: number) => {
    const profile = await (await brain.call('GET', '/api/profile', admin())).json();
    expect((await brain.call('PUT', '/api/profile', { key: brain.adminKey, tenant: 'shop', body: { ...profile, media: { ...profile.media, quotaMB } } })).status).toBe(200);
  };
  const photo = async (id: string, plain: Buffer, body: (enc: Buffer) => Buffer = (b) => b, sender = '34600333444@s.whatsapp.net') => {
    const enc = await encryptMedia(plain, 'image');
    const directPath = `/v/t62.7118-24/${id}.enc?ccb=11-4&oh=01`;
    cdn.put(directPath, body(enc.body));
    return { directPath, body: enc.body, message: <any>from(id, { imageMessage: { ...mediaFields(enc, directPath), mimetype: 'image/jpeg' } }, sender) };
  };
  const escalated = async (sender: string) => (await (await brain.call('GET', '/api/escalations?status=pending', admin())).json()).escalations.find((e: { sender: string }) => e.sender === sender)?.summary as string | undefined;
  const doneRow = async (id: string) => (await until(async () => {
    const row = await gw.store.inboxMessage(id);
    return row?.status === 'done' ? row : undefined;
  }, 10_000, `${id} answered`))!;

  it('a voice note is fetched, decrypted and transcribed; the customer hears what was understood', async () => {
    const whisper = await FakeHttpServer.start();
    try {
      whisper.respond([() => ({ body: { text: 'what are your hours?' } })]);
      await gw.close();
      gw = await startTestGateway({ ...t, env: { ...t.env, TRANSCRIBE_BASE_URL: `${whisper.url}/v1` } }, 'shop', brain.url, { transport: baileysFor });
      await until(() => sockets.length === 2);
      await pairAndOpen();
      const audio = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(3000, 7), Buffer.from('end of the recording')]);
      const enc = await encryptMedia(audio, 'audio');
      cdn.put('/v/t62.7117-24/V2.enc?oh=1', enc.body);
      sock().upsert('notify', from('V2', { audioMessage: { ...mediaFields(enc, '/v/t62.7117-24/V2.enc?oh=1'), mimetype: 'audio/ogg; codecs=opus', seconds: 4, ptt: true } }));
      await until(() => sock().sent.length === 1);
      expect(sock().sent[0]!.content.text).toMatch(/^You said: "what are your hours\?"\n.*opening hours/s);
      // The plaintext reached the transcription server: Baileys' media key and AES-CBC did the work.
      expect(whisper.requests).toHaveLength(1);
      expect(whisper.requests[0]!.body).toContain('end of the recording');
      expect(cdn.requests.map((r) => r.host)).toEqual(['mmg.whatsapp.net']);
    } finally {
      await whisper.close();
    }
  });

  it("writes a Spanish business's file notes in Spanish: the record line, where the file was kept, and why one was not", async () => {
    const profile = await (await brain.call('GET', '/api/profile', admin())).json();
    const put = await brain.call('PUT', '/api/profile', { key: brain.adminKey, tenant: 'shop', body: { ...profile, language: 'es', media: { ...profile.media, quotaMB: 1 } } });
    expect(put.status).toBe(200);
    await pairAndOpen();
    const shot = await photo('ES1', Buffer.from('JFIF una foto del diente'), undefined, '34600777888@s.whatsapp.net');
    sock().upsert('notify', shot.message);
    const kept = path.basename((await doneRow('ES1')).prepared!.saved!);
    expect((await records('+34600777888'))!.find((m) => m.direction === 'in')!.text).toBe('[foto]');
    expect(await escalated('+34600777888')).toBe(`Ha enviado [foto] (guardado como ${kept}).`);

    // A document over the 1 MB quota: not downloaded, and staff told why, in Spanish too.
    const pdf = await encryptMedia(Buffer.concat([Buffer.from('%PDF-1.4 '), Buffer.alloc(1200 * 1024, 1)]), 'document');
    cdn.put('/v/t62.7119-24/ES2.enc?oh=3', pdf.body);
    sock().upsert('notify', from('ES2', { documentMessage: { ...mediaFields(pdf, '/v/t62.7119-24/ES2.enc?oh=3'), mimetype: 'application/pdf', fileName: 'presupuesto.pdf', caption: 'mirad esto' } }, '34600777999@s.whatsapp.net'));
    await doneRow('ES2');
    expect(cdn.requests.map((r) => r.path)).toEqual([shot.directPath]);
    expect((await records('+34600777999'))!.find((m) => m.direction === 'in')!.text).toBe('[documento presupuesto.pdf: "mirad esto"]');
    expect(await escalated('+34600777999')).toBe('Ha enviado [documento presupuesto.pdf: "mirad esto"] (no guardado: la cuota de 1 MB para archivos está llena).');

    // A damaged file: WhatsApp's own (English) reason stays in the gateway's log, staff read Spanish.
    const bad = await photo('ES3', Buffer.alloc(4096, 'foto '), (b) => Buffer.concat([b.subarray(0, 100), Buffer.from([b[100]! ^ 0xff]), b.subarray(101)]), '34600777666@s.whatsapp.net');
    sock().upsert('notify', bad.message);
    await doneRow('ES3');
    expect(await escalated('+34600777666')).toBe('Ha enviado [foto] (no guardado: no se ha podido descargar ni guardar; el detalle está en el registro del gateway).');
  });

  it('an expired link (410) asks the phone to upload the file again, then keeps it; a phone that cannot still gets the photo acknowledged and staff told', async () => {
    await pairAndOpen();
    const plain = Buffer.from('JFIF an old photo');
    const old = await photo('OLD1', plain);
    cdn.expire(old.directPath);
    // The phone uploads the same encrypted file again, to a new path.
    cdn.put('/v/t62.7118-24/OLD1-again.enc?oh=2', old.body);
    sock().reuploads.set('OLD1', '/v/t62.7118-24/OLD1-again.enc?oh=2');
    sock().upsert('notify', old.message);
    const row = await doneRow('OLD1');
    expect(sock().reuploadAsked).toEqual(['OLD1']);
    expect(cdn.requests.map((r) => r.path)).toEqual([old.directPath, '/v/t62.7118-24/OLD1-again.enc?oh=2']);
    expect(fs.readFileSync(row.prepared!.saved!)).toEqual(plain);

    const gone = await photo('OLD2', plain, undefined, '34600555666@s.whatsapp.net');
    cdn.expire(gone.directPath, 404);
    sock().upsert('notify', gone.message);
    const failed = await doneRow('OLD2');
    expect(sock().reuploadAsked).toEqual(['OLD1', 'OLD2']);
    expect(failed.prepared).toEqual({ note: 'not kept: the link expired and the phone could not upload the file again: Media re-upload failed by device (NOT_FOUND)' });
    expect(sock().sent.map((m) => m.content.text)).toEqual([expect.stringMatching(/received your photo/), expect.stringMatching(/received your photo/)]);
    expect(await escalated('+34600555666')).toMatch(/^Sent \[photo\]/);
  });

  it('a damaged file (altered or cut short) is not kept; the customer still gets the reply and staff are told', async () => {
    await pairAndOpen();
    const plain = Buffer.alloc(4096, 'photo bytes ');
    // One byte changed mid-file: AES-CBC still decrypts it, only the MAC tells.
    const altered = await photo('BAD1', plain, (b) => Buffer.concat([b.subarray(0, 100), Buffer.from([b[100]! ^ 0xff]), b.subarray(101)]), '34600000001@s.whatsapp.net');
    sock().upsert('notify', altered.message);
    expect((await doneRow('BAD1')).prepared).toEqual({ note: 'not kept: the file arrived damaged: its MAC does not match' });
    // Cut short: the last block and the MAC are missing.
    const cut = await photo('BAD2', plain, (b) => b.subarray(0, b.length - 26), '34600000002@s.whatsapp.net');
    sock().upsert('notify', cut.message);
    expect((await doneRow('BAD2')).prepared).toEqual({ note: 'not kept: the file arrived damaged: its MAC does not match' });
    expect(sock().sent.map((m) => m.content.text)).toEqual([expect.stringMatching(/received your photo/), expect.stringMatching(/received your photo/)]);
    expect(await escalated('+34600000001')).toMatch(/^Sent \[photo\]/);
    expect(await escalated('+34600000002')).toMatch(/^Sent \[photo\]/);
    expect(fs.existsSync(t.config.paths.mediaDir('shop')) ? fs.readdirSync(t.config.paths.mediaDir('shop')) : []).toEqual([]);
  });

  it('the quota refuses a file too big: by its declared size without downloading, and mid-download when it is bigger than it said', async () => {
    await pairAndOpen();
    await setQuota(1);
    const big = Buffer.alloc(1_500_000, 3);
    const declared = await photo('BIG1', big, undefined, '34600000003@s.whatsapp.net');
    sock().upsert('notify', declared.message);
    expect((await doneRow('BIG1')).prepared).toEqual({ note: 'not kept: the 1 MB media quota is full' });
    expect(cdn.requests).toEqual([]); // never fetched
    const lying = await photo('BIG2', big, undefined, '34600000004@s.whatsapp.net');
    lying.message.message.imageMessage.fileLength = 2048;
    sock().upsert('notify', lying.message);
    expect((await doneRow('BIG2')).prepared).toEqual({ note: 'not kept: the 1 MB media quota is full' });
    expect(cdn.requests.map((r) => r.path)).toEqual([lying.directPath]);
    expect(sock().sent.map((m) => m.content.text)).toEqual([expect.stringMatching(/received your photo/), expect.stringMatching(/received your photo/)]);
    expect(await escalated('+34600000004')).toMatch(/^Sent \[photo\]/);
  });

  it('a media server that never sends the file, or drops the connection mid-file, costs the file and nothing else', async () => {
    await pairAndOpen();
    const slow = await photo('SLOW1', Buffer.from('JFIF'));
    cdn.stall(slow.directPath);
    sock().upsert('notify', slow.message);
    expect((await doneRow('SLOW1')).prepared).toEqual({ note: "not kept: no file from WhatsApp's media server within 1500 ms" });
    // Baileys' own download pipes this stream unguarded: the process would die of an uncaught "terminated".
    const dropped = await photo('DROP1', Buffer.alloc(200_000, 1), undefined, '34600000005@s.whatsapp.net');
    cdn.drop(dropped.directPath);
    sock().upsert('notify', dropped.message);
    expect((await doneRow('DROP1')).prepared!.note).toMatch(/^not kept: the file could not be downloaded: terminated/);
    // Answered only after the gateway gave up, then dropped: that late stream's error must not go unheard either.
    const late = await photo('LATE1', Buffer.alloc(200_000, 2), undefined, '34600000006@s.whatsapp.net');
    cdn.drop(late.directPath, 1_700);
    sock().upsert('notify', late.message);
    expect((await doneRow('LATE1')).prepared).toEqual({ note: "not kept: no file from WhatsApp's media server within 1500 ms" });
    await new Promise((r) => setTimeout(r, 500));
    expect(sock().sent).toHaveLength(3);
  });
});

describe('Baileys adapter, a crash while the disk is full', () => {
  it('writes a message it could not store to the reserved spill file, and the next run stores and answers it once', async () => {
    await pairAndOpen();
    const { page_count } = (await gw.store.db.get<{ page_count: number }>('PRAGMA page_count'))!;
    await gw.store.db.run(`PRAGMA max_page_count = ${page_count}`);
    const spill = t.config.paths.inboundSpill('shop');
    const blocks = fs.statSync(spill).blocks;
    // Receipted by Baileys before it reaches us: WhatsApp will never deliver these again.
    sock().upsert('notify', text('K1', '34600300011@s.whatsapp.net', 'what are your hours? '.repeat(190)), text('K2', '34600300012@s.whatsapp.net', 'where are you?'));
    await until(async () => (await fetch(`${gw.url}/health`)).status === 503);
    expect((await health()).heldInMemory).toBe(0);
    // The crash: the process ends with gateway.db still full, so the held messages are gone from memory.
    await gw.close();
    expect(fs.statSync(spill).blocks).toBe(blocks);
    const db = await RawDb.open(t.config.paths.gatewayDb('shop'), true);
    expect(await db.all("SELECT message_id FROM inbox WHERE message_id IN ('K1', 'K2')")).toEqual([]);
    await db.close();
    // PM2 starts it again; space is back.
    gw = await startTestGateway(t, 'shop', brain.url, { transport: baileysFor });
    await until(() => sockets.length === 2);
    await pairAndOpen();
    await until(() => sock().sent.length === 2, 20_000);
    expect(sock().sent.map((s) => s.jid).sort()).toEqual(['34600300011@s.whatsapp.net', '34600300012@s.whatsapp.net']);
    expect((await gw.store.inboxMessage('K1'))?.text).toContain('what are your hours?');
    // Stored now, so the spill file is empty again: a third run offers nothing.
    await until(() => !fs.readFileSync(spill).some((b) => b !== 0));
    await new Promise((r) => setTimeout(r, 500));
    expect(sock().sent).toHaveLength(2);
  }, 60_000);

  it('says in /health how many held messages did not fit in the spill file', async () => {
    await gw.close();
    fs.rmSync(t.config.paths.inboundSpill('shop'));
    gw = await startTestGateway(t, 'shop', brain.url, { transport: (store) => baileysFor(store, 4096) });
    await until(() => sockets.length === 2);
    await pairAndOpen();
    const { page_count } = (await gw.store.db.get<{ page_count: number }>('PRAGMA page_count'))!;
    await gw.store.db.run(`PRAGMA max_page_count = ${page_count}`);
    const long = 'what are your hours? '.repeat(100);
    sock().upsert('notify', text('H1', '34600300021@s.whatsapp.net', long), text('H2', '34600300022@s.whatsapp.net', long), text('H3', '34600300023@s.whatsapp.net', long));
    await until(async () => (await health()).heldInMemory === 2);
    await gw.store.db.run('PRAGMA max_page_count = 1073741823');
    await until(async () => (await health()).heldInMemory === 0 && sock().sent.length === 3, 40_000);
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
      const events = { qr: () => {}, open: () => {}, ready: () => {}, close: () => {}, messages: async () => {} };
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
