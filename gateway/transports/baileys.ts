import type { Boom } from '@hapi/boom';
import {
  BufferJSON,
  initAuthCreds,
  isJidBroadcast,
  isJidGroup,
  isJidNewsletter,
  isJidStatusBroadcast,
  isLidUser,
  isPnUser,
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
import { AuthFolder } from './auth-store.js';
import type { InboundMessage, Transport, TransportEvents } from './transport.js';

/** The part of a Baileys socket the adapter uses; tests inject a fake that emits Baileys' real events. */
export type SocketLike = Pick<WASocket, 'ev' | 'end' | 'sendMessage' | 'sendPresenceUpdate' | 'requestPairingCode' | 'rejectCall' | 'updateMediaMessage'> & {
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

/** Groups, broadcasts, status updates and newsletters: never a customer's one-to-one chat. */
function ignoredJid(jid: string): boolean {
  return Boolean(isJidGroup(jid) || isJidBroadcast(jid) || isJidStatusBroadcast(jid) || isJidNewsletter(jid));
}

/** Opens the auth folder as a Baileys auth state. */
export async function loadAuthState(folder: AuthFolder, log: Logger) {
  await folder.ensure();
  let creds: AuthenticationCreds = (await folder.read<AuthenticationCreds>('creds')) ?? initAuthCreds();
  // An abandoned pairing code leaves `me` set without an `account`: logging in with that unpaired
  // identity ends in "logged out". Start the pairing over instead.
  if (creds.me && !creds.account) {
    log.warn('the WhatsApp session was never paired (an abandoned pairing code): starting a new pairing');
    await folder.clear();
    creds = initAuthCreds();
  }
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
  /** The tail of the connect/disconnect chain. */
  private queue: Promise<void> = Promise.resolve();

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

  /**
   * Opens a socket. Calls are serialised and each ends the socket before it: a /restart that
   * arrives while a connect still awaits the auth state or the version lookup must not leave two
   * sockets on one set of credentials (the orphan's creds.update overwrites pre-key counters and
   * 440s and decrypt failures follow).
   */
  connect(events: TransportEvents): Promise<void> {
    return this.serially(() => this.open(events));
  }

  private serially<T>(op: () => Promise<T>): Promise<T> {
    const run = this.queue.then(op, op);
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async open(events: TransportEvents): Promise<void> {
    await this.endSocket();
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
      // Never decrypted, stored or counted: nobody there is a customer of the business.
      shouldIgnoreJid: ignoredJid,
      getMessage: async (key) => {
        const text = key.id ? await this.opts.sentText(key.id) : undefined;
        // sendMessage({text}) goes out as an extendedTextMessage: a retry must carry the same shape.
        return text === undefined ? undefined : { extendedTextMessage: { text } };
      },
    } as UserFacingSocketConfig);
    this.socket = sock;
    const current = () => this.socket === sock;
    // Messages still being stored: the backlog is "in" only once they are.
    const storing = new Set<Promise<unknown>>();
    sock.ev.on('creds.update', () => {
      if (!current()) return; // an ended socket must not write over the live one's counters
      void saveCreds().catch((err) => this.opts.log.error({ err }, 'could not save WhatsApp credentials'));
    });
    sock.ev.on('connection.update', (u) => {
      if (!current()) return;
      if (u.qr) events.qr(u.qr);
      if (u.connection === 'open') events.open();
      if (u.receivedPendingNotifications === true) void Promise.allSettled([...storing]).then(() => current() && events.ready());
      if (u.connection === 'close') {
        const err = u.lastDisconnect?.error as Boom | Error | undefined;
        const code = (err as Boom | undefined)?.output?.statusCode ?? null;
        this.socket = undefined;
        events.close(code, err?.message ?? 'connection closed');
      }
    });
    sock.ev.on('messages.upsert', ({ messages, type }) => {
      const stored = Promise.all(messages.map((m) => this.normalize(sock, m)))
        .then((list) => events.messages(list.filter((x): x is InboundMessage => x !== null), type))
        .catch((err) => this.opts.log.error({ err }, 'could not read incoming messages'))
        .finally(() => storing.delete(stored));
      storing.add(stored);
    });
  }

  /** The one key of a chat (see InboundMessage.chat). `alt` is the other addressing, when the stanza carried it. */
  private async canonical(sock: SocketLike | undefined, jid: string, alt?: string | null): Promise<string> {
    if (isPnUser(jid)) return jidNormalizedUser(jid);
    if (!isLidUser(jid)) return jid;
    const pn = alt && isPnUser(alt) ? alt : await sock?.signalRepository?.lidMapping?.getPNForLID(jid).catch(() => null);
    return jidNormalizedUser(pn || jid);
  }

  canonicalChat(jid: string): Promise<string> {
    return this.canonical(this.socket, jid);
  }

  /** A Baileys message as the gateway sees it; null for protocol noise (receipts, key distribution). */
  private async normalize(sock: SocketLike, m: WAMessage): Promise<InboundMessage | null> {
    const address = m.key.remoteJid;
    if (!address || !m.key.id || ignoredJid(address)) return null;
    const content = normalizeMessageContent(m.message) ?? undefined;
    const text = textOf(content);
    if (text === null && !MEDIA_KEYS.some((k) => content?.[k])) return null;
    const chat = await this.canonical(sock, address, m.key.remoteJidAlt);
    const user = isPnUser(chat) ? chat.split('@')[0] : undefined;
    const seconds = typeof m.messageTimestamp === 'number' ? m.messageTimestamp : Number(m.messageTimestamp ?? 0);
    return {
      chat,
      address,
      participant: m.key.participant ?? '',
      id: m.key.id,
      fromMe: Boolean(m.key.fromMe),
      sender: user ? `+${user}` : chat,
      senderName: m.pushName ?? null,
      text,
      timestamp: seconds > 0 ? new Date(seconds * 1000) : new Date(),
    };
  }

  private async endSocket(): Promise<void> {
    const sock = this.socket;
    this.socket = undefined;
    await sock?.end(undefined);
  }

  disconnect(): Promise<void> {
    return this.serially(() => this.endSocket());
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
