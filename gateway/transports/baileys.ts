import type { Boom } from '@hapi/boom';
import {
  BufferJSON,
  initAuthCreds,
  isJidBroadcast,
  isJidGroup,
  isJidStatusBroadcast,
  isLidUser,
  jidNormalizedUser,
  makeCacheableSignalKeyStore,
  normalizeMessageContent,
  proto,
  type AuthenticationCreds,
  type SignalDataTypeMap,
  type SignalKeyStore,
  type UserFacingSocketConfig,
  type WAMessage,
  type WASocket,
  type WAVersion,
} from '@whiskeysockets/baileys';
import type { Logger } from '../../core/logger.js';
import { fullJitter } from '../../core/backoff.js';
import { AuthFolder } from './auth-store.js';
import type { InboundMessage, Transport, TransportEvents } from './transport.js';

/** The part of a Baileys socket the adapter uses; tests inject a fake that emits Baileys' real events. */
export type SocketLike = Pick<WASocket, 'ev' | 'end' | 'sendMessage' | 'sendPresenceUpdate' | 'requestPairingCode'> & {
  signalRepository?: { lidMapping?: { getPNForLID(lid: string): Promise<string | null> } };
};
export type SocketFactory = (config: UserFacingSocketConfig) => SocketLike;

export interface BaileysOptions {
  authDir: string;
  log: Logger;
  /** The text of a message this gateway sent, for Baileys' retry requests (getMessage). */
  sentText(waId: string): Promise<string | undefined>;
  makeSocket?: SocketFactory;
  /** The WhatsApp Web version; looked up online (fetchLatestBaileysVersion) when absent. */
  version?: WAVersion;
  /** How long that lookup may take before the version Baileys ships with is used. */
  versionLookupMs?: number;
}

const MEDIA_KEYS = ['imageMessage', 'videoMessage', 'audioMessage', 'documentMessage', 'stickerMessage', 'locationMessage', 'contactMessage'] as const;

function textOf(content: proto.IMessage | undefined): string | null {
  if (!content) return null;
  return (
    content.conversation ??
    content.extendedTextMessage?.text ??
    content.imageMessage?.caption ??
    content.videoMessage?.caption ??
    content.buttonsResponseMessage?.selectedDisplayText ??
    content.listResponseMessage?.title ??
    null
  );
}

/** Opens the auth folder as a Baileys auth state. */
export async function loadAuthState(folder: AuthFolder, log: Logger) {
  await folder.ensure();
  const creds: AuthenticationCreds = (await folder.read<AuthenticationCreds>('creds')) ?? initAuthCreds();
  const keys: SignalKeyStore = {
    async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      const out: { [id: string]: SignalDataTypeMap[T] } = {};
      await Promise.all(
        ids.map(async (id) => {
          let value = await folder.read<SignalDataTypeMap[T]>(`${type}-${id}`);
          if (type === 'app-state-sync-key' && value) value = proto.Message.AppStateSyncKeyData.fromObject(value as object) as unknown as SignalDataTypeMap[T];
          if (value !== null) out[id] = value;
        }),
      );
      return out;
    },
    async set(data) {
      const tasks: Promise<void>[] = [];
      for (const [type, entries] of Object.entries(data)) {
        for (const [id, value] of Object.entries(entries ?? {})) tasks.push(value ? folder.write(`${type}-${id}`, value) : folder.remove(`${type}-${id}`));
      }
      await Promise.all(tasks);
      await folder.syncDir();
    },
  };
  return {
    state: { creds, keys: makeCacheableSignalKeyStore(keys, log as never) },
    saveCreds: async () => {
      await folder.write('creds', creds);
      await folder.syncDir();
    },
  };
}

/**
 * The Baileys transport: one socket at a time, driven as Baileys' example does (events, no
 * automatic reconnect: the gateway's state machine decides), with atomic auth state and
 * getMessage served from the gateway's own outbox.
 */
export class BaileysTransport implements Transport {
  readonly name = 'baileys';
  private socket: SocketLike | undefined;
  private readonly folder: AuthFolder;
  private latest: { version: WAVersion | undefined; until: number } | undefined;
  private events: TransportEvents | undefined;
  /**
   * Messages the gateway could not store. Baileys sends WhatsApp the delivery receipt before it
   * emits messages.upsert, so WhatsApp will not deliver these again: they are kept here and
   * offered again (as a replay) until storing works, while the gateway reports itself unhealthy.
   */
  private readonly held = new Map<string, InboundMessage>();
  private heldAttempt = 0;
  private heldTimer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: BaileysOptions) {
    this.folder = new AuthFolder(opts.authDir, BufferJSON);
  }

  /**
   * The WhatsApp Web version, looked up once a day (once an hour after a failed lookup) rather
   * than on every reconnect: a reconnect storm must not become a storm of lookups too.
   */
  private async version(): Promise<WAVersion | undefined> {
    if (this.opts.version) return this.opts.version;
    if (this.latest && Date.now() < this.latest.until) return this.latest.version;
    const { fetchLatestBaileysVersion } = await import('@whiskeysockets/baileys');
    // Baileys 7 takes no abort signal here, and fetch on a black-holed network waits minutes.
    const ms = this.opts.versionLookupMs ?? 5_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<{ version: undefined; error: string }>((resolve) => {
      timer = setTimeout(() => resolve({ version: undefined, error: `no answer within ${ms} ms` }), ms);
    });
    const { version, error } = await Promise.race([fetchLatestBaileysVersion(), timedOut]).finally(() => clearTimeout(timer));
    if (error) this.opts.log.warn({ err: String(error) }, 'could not fetch the latest WhatsApp Web version; using the bundled one');
    this.latest = { version, until: Date.now() + (error ? 3_600_000 : 86_400_000) };
    return version;
  }

  async connect(events: TransportEvents): Promise<void> {
    const { state, saveCreds } = await loadAuthState(this.folder, this.opts.log);
    const makeSocket = this.opts.makeSocket ?? (await import('@whiskeysockets/baileys')).default;
    const version = await this.version();
    const sock = makeSocket({
      auth: state,
      // Spread over Baileys' defaults: an undefined version would replace the one it ships with.
      ...(version ? { version } : {}),
      logger: this.opts.log.child({ module: 'baileys' }, { level: 'warn' }) as never,
      markOnlineOnConnect: false,
      syncFullHistory: false,
      getMessage: async (key) => {
        const text = key.id ? await this.opts.sentText(key.id) : undefined;
        return text === undefined ? undefined : { conversation: text };
      },
    } as UserFacingSocketConfig);
    this.socket = sock;
    sock.ev.on('creds.update', () => void saveCreds().catch((err) => this.opts.log.error({ err }, 'could not save WhatsApp credentials')));
    sock.ev.on('connection.update', (u) => {
      if (this.socket !== sock) return;
      if (u.qr) events.qr(u.qr);
      if (u.connection === 'open') events.open();
      if (u.connection === 'close') {
        const err = u.lastDisconnect?.error as Boom | Error | undefined;
        const code = (err as Boom | undefined)?.output?.statusCode ?? null;
        this.socket = undefined;
        events.close(code, err?.message ?? 'connection closed');
      }
    });
    this.events = events;
    sock.ev.on('messages.upsert', ({ messages, type }) => {
      void Promise.all(messages.map((m) => this.normalize(sock, m)))
        .then((list) => this.deliver(list.filter((x): x is InboundMessage => x !== null), type))
        .catch((err) => this.opts.log.error({ err }, 'could not read incoming messages'));
    });
  }

  /** Hands messages to the gateway; what it cannot store is held and offered again later. */
  private async deliver(list: InboundMessage[], type: 'notify' | 'append'): Promise<void> {
    if (list.length === 0 || !this.events) return;
    try {
      await this.events.messages(list, type);
    } catch {
      for (const m of list) this.held.set(`${m.chat}/${m.participant}/${m.id}`, m);
      this.opts.log.error({ held: this.held.size }, 'incoming messages not stored: holding them until storing works again');
      this.scheduleHeld();
      return;
    }
    // Storing works again: the held messages need not wait for their timer.
    if (this.held.size > 0) this.retryHeld();
  }

  private scheduleHeld(): void {
    if (this.heldTimer) return;
    this.heldTimer = setTimeout(() => this.retryHeld(), fullJitter(this.heldAttempt++, 1_000, 30_000) + 250);
    this.heldTimer.unref();
  }

  private retryHeld(): void {
    clearTimeout(this.heldTimer);
    this.heldTimer = undefined;
    const list = [...this.held.values()];
    if (list.length === 0 || !this.events) return;
    this.events.messages(list, 'append').then(
      () => {
        for (const m of list) this.held.delete(`${m.chat}/${m.participant}/${m.id}`);
        this.heldAttempt = 0;
        this.opts.log.info({ stored: list.length }, 'held incoming messages stored');
      },
      () => this.scheduleHeld(),
    );
  }

  /** A Baileys message as the gateway sees it; null for protocol noise (receipts, key distribution). */
  private async normalize(sock: SocketLike, m: WAMessage): Promise<InboundMessage | null> {
    const chat = m.key.remoteJid;
    if (!chat || !m.key.id) return null;
    const content = normalizeMessageContent(m.message) ?? undefined;
    const text = textOf(content);
    if (text === null && !MEDIA_KEYS.some((k) => content?.[k])) return null;
    const answerable = !isJidGroup(chat) && !isJidStatusBroadcast(chat) && !isJidBroadcast(chat) && !chat.endsWith('@newsletter');
    // v7 keys chats by LID; the phone number comes from the alternate JID or Baileys' mapping.
    let phoneJid: string | null | undefined = chat;
    if (isLidUser(chat)) phoneJid = m.key.remoteJidAlt ?? (await sock.signalRepository?.lidMapping?.getPNForLID(chat).catch(() => null));
    const user = phoneJid && phoneJid.endsWith('@s.whatsapp.net') ? jidNormalizedUser(phoneJid).split('@')[0] : undefined;
    const seconds = typeof m.messageTimestamp === 'number' ? m.messageTimestamp : Number(m.messageTimestamp ?? 0);
    return {
      chat,
      participant: m.key.participant ?? '',
      id: m.key.id,
      fromMe: Boolean(m.key.fromMe),
      sender: user ? `+${user}` : chat,
      senderName: m.pushName ?? null,
      text,
      timestamp: seconds > 0 ? new Date(seconds * 1000) : new Date(),
      answerable,
    };
  }

  async disconnect(): Promise<void> {
    const sock = this.socket;
    this.socket = undefined;
    await sock?.end(undefined);
  }

  async clearSession(): Promise<void> {
    await this.folder.clear();
  }

  private live(): SocketLike {
    if (!this.socket) throw new Error('WhatsApp is not connected');
    return this.socket;
  }

  async sendText(jid: string, text: string, messageId: string): Promise<void> {
    await this.live().sendMessage(jid, { text }, { messageId });
  }

  async typing(jid: string): Promise<void> {
    await this.live().sendPresenceUpdate('composing', jid);
  }

  async requestPairingCode(phoneDigits: string): Promise<string> {
    if (!/^\d{7,15}$/.test(phoneDigits)) throw new Error('expected the phone number with country code, digits only');
    return this.live().requestPairingCode(phoneDigits);
  }
}
