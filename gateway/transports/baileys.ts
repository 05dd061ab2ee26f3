import { createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import type { Boom } from '@hapi/boom';
import {
  areJidsSameUser,
  BufferJSON,
  DEFAULT_ORIGIN,
  extractMessageContent,
  getContentType,
  getHttpStream,
  getMediaKeys,
  getUrlFromDirectPath,
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
  type MediaDownloadOptions,
  type MediaType,
  type SignalDataTypeMap,
  type SignalKeyStore,
  type UserFacingSocketConfig,
  type WACallEvent,
  type WAMessage,
  type WASocket,
  type WAVersion,
} from '@whiskeysockets/baileys';
import { FILE_KINDS, type MediaInfo, type MessageKind } from '../../core/inbound.js';
import type { Logger } from '../../core/logger.js';
import { fullJitter } from '../../core/backoff.js';
import { SpillFile } from '../spill.js';
import { AuthFolder } from './auth-store.js';
import { FileTooBigError, type InboundMessage, type Transport, type TransportEvents } from './transport.js';

/** The part of a Baileys socket the adapter uses; tests inject a fake that emits Baileys' real events. */
export type SocketLike = Pick<WASocket, 'ev' | 'end' | 'sendMessage' | 'sendPresenceUpdate' | 'requestPairingCode' | 'rejectCall' | 'updateMediaMessage'> & {
  /** The business's own account, once logged in. */
  user?: { id: string; lid?: string };
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
  /**
   * Downloads of files customers send: Baileys' own fetch options (its documented hook; tests pass
   * a dispatcher that takes WhatsApp's media host to a server on 127.0.0.1) and how long one may take.
   */
  media?: { fetch?: MediaDownloadOptions['options']; timeoutMs?: number };
  /** Room reserved on disk for messages the gateway cannot store (see SpillFile). */
  spillFile?: string;
  /** Its size (tests make it small). */
  spillBytes?: number;
  /** Another WhatsApp Web socket than WhatsApp's (WA_WEBSOCKET_URL): then no online version lookup either. */
  socketUrl?: string;
}

/** Media links expire: WhatsApp's media servers answer these once the file is gone from them. */
const EXPIRED = new Set([404, 410]);
const MEDIA_TIMEOUT_MS = 60_000;
/** WhatsApp appends the first 10 bytes of HMAC-SHA256(macKey, iv + ciphertext) to every media file. */
const MAC_BYTES = 10;

/** Why a file could not be had, in words fit for the staff notice (never the signed media URL). */
export class MediaDownloadError extends Error {}

/** Rejects with `what` when the promise takes longer than `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new MediaDownloadError(what)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** The HTTP status of a failed fetch from the media server (Baileys' Boom carrying the URL), else 0. */
function httpStatus(err: unknown): number {
  const boom = err as Boom<{ url?: string }>;
  return boom?.isBoom && boom.data?.url ? boom.output.statusCode : 0;
}

/** Baileys' errors from a download, as a staff notice can say them. */
function mediaError(err: unknown): Error {
  if (err instanceof MediaDownloadError || err instanceof FileTooBigError) return err;
  const status = httpStatus(err);
  if (status) return new MediaDownloadError(`WhatsApp's media server answered ${status}`);
  return new MediaDownloadError(`the file could not be downloaded: ${(err as Error).message}`.slice(0, 200));
}

const heldKey = (m: InboundMessage) => `${m.chat}/${m.participant}/${m.id}`;

const num = (v: unknown): number | undefined => {
  const n = Number(v ?? NaN);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
};

/** The words of a text, a reply to buttons or a list, or an interactive form. */
function textOf(c: proto.IMessage): string | null {
  return (
    c.conversation ??
    c.extendedTextMessage?.text ??
    c.buttonsResponseMessage?.selectedDisplayText ??
    c.templateButtonReplyMessage?.selectedDisplayText ??
    c.listResponseMessage?.title ??
    c.listResponseMessage?.singleSelectReply?.selectedRowId ??
    c.interactiveResponseMessage?.body?.text ??
    null
  );
}

/** A message's kind, words and facts; null for protocol noise (receipts, key distribution, revokes, poll votes). */
export function readContent(m: WAMessage): { kind: MessageKind; text: string | null; media?: MediaInfo } | null {
  if (!m.message && m.messageStubType === proto.WebMessageInfo.StubType.CIPHERTEXT) return { kind: 'undecryptable', text: null };
  let c = normalizeMessageContent(m.message);
  if (!c) return null;
  // An edit arrives as a protocol message carrying the new content: the customer's correction.
  if (c.protocolMessage?.type === proto.Message.ProtocolMessage.Type.MESSAGE_EDIT && c.protocolMessage.editedMessage) c = normalizeMessageContent(c.protocolMessage.editedMessage)!;
  const text = textOf(c);
  if (text !== null) return { kind: 'text', text };
  if (c.audioMessage) return { kind: 'audio', text: null, media: { seconds: num(c.audioMessage.seconds), voiceNote: Boolean(c.audioMessage.ptt), mimetype: c.audioMessage.mimetype ?? undefined, bytes: num(c.audioMessage.fileLength) } };
  if (c.imageMessage) return { kind: 'image', text: c.imageMessage.caption ?? null, media: { mimetype: c.imageMessage.mimetype ?? undefined, bytes: num(c.imageMessage.fileLength) } };
  // A video note (the round one recorded in the chat) is a video like any other.
  const video = c.videoMessage ?? c.ptvMessage;
  if (video) return { kind: 'video', text: video.caption ?? null, media: { seconds: num(video.seconds), mimetype: video.mimetype ?? undefined, bytes: num(video.fileLength) } };
  if (c.documentMessage) {
    const d = c.documentMessage;
    return { kind: 'document', text: d.caption ?? null, media: { fileName: d.fileName ?? d.title ?? undefined, mimetype: d.mimetype ?? undefined, bytes: num(d.fileLength) } };
  }
  const pin = c.locationMessage ?? c.liveLocationMessage;
  if (pin) {
    const named = c.locationMessage ? [c.locationMessage.name, c.locationMessage.address].filter(Boolean).join(', ') : '';
    return { kind: 'location', text: null, media: { latitude: pin.degreesLatitude ?? undefined, longitude: pin.degreesLongitude ?? undefined, ...(named ? { name: named } : {}) } };
  }
  const card = c.contactMessage ?? c.contactsArrayMessage?.contacts?.[0];
  if (card) {
    const phone = /TEL[^:]*:([+\d\s-]+)/i.exec(card.vcard ?? '')?.[1]?.replace(/[\s-]/g, '');
    return { kind: 'contact', text: null, media: { name: c.contactsArrayMessage?.displayName ?? card.displayName ?? undefined, ...(phone ? { phone } : {}) } };
  }
  // An animated (Lottie) sticker wraps an ordinary sticker message.
  const sticker = c.stickerMessage ?? c.lottieStickerMessage?.message?.stickerMessage;
  if (sticker) return { kind: 'sticker', text: null, media: { mimetype: sticker.mimetype ?? undefined } };
  if (c.reactionMessage) return { kind: 'reaction', text: c.reactionMessage.text ?? '' };
  const type = getContentType(c);
  if (!type || PROTOCOL_NOISE.has(type)) return null;
  // Something a customer sent that wr cannot open (a poll, an event, an order…): still recorded and answered.
  const poll = c.pollCreationMessage ?? c.pollCreationMessageV2 ?? c.pollCreationMessageV3;
  const label = contentLabel(type);
  return { kind: 'other', text: poll?.name ?? c.eventMessage?.name ?? null, media: label ? { name: label } : {} };
}

/** Content that is never a customer's message: keys, receipts, context, revokes, poll votes, pins. */
const PROTOCOL_NOISE: ReadonlySet<string> = new Set(['protocolMessage', 'senderKeyDistributionMessage', 'messageContextInfo', 'pollUpdateMessage', 'keepInChatMessage', 'pinInChatMessage', 'encReactionMessage', 'albumMessage', 'encEventResponseMessage']);

/**
 * What the record line calls content wr cannot open, by its WAProto field (every version of it):
 * each label has its words in every language in gateway/words.ts. Fields not listed are WhatsApp's
 * own plumbing that may still reach a chat: a plain "message".
 */
const CONTENT_LABELS: readonly [RegExp, string][] = [
  [/^pollCreation/, 'poll'],
  [/^pollResultSnapshot/, 'poll results'],
  [/^eventMessage$/, 'event'],
  [/^groupInviteMessage$/, 'group invite'],
  [/^newsletter(Admin|Follower)Invite/, 'channel invite'],
  [/^(send|request)PaymentMessage$|^paymentInviteMessage$/, 'payment'],
  [/^(decline|cancel)PaymentRequestMessage$/, 'payment request withdrawn'],
  [/^orderMessage$/, 'order'],
  [/^productMessage$/, 'product'],
  [/^invoiceMessage$/, 'invoice'],
  [/^(list|buttons|template|interactive|highlyStructured)Message$/, 'interactive message'],
  [/^stickerPackMessage$/, 'sticker pack'],
  [/^scheduledCall/, 'scheduled call'],
  [/^callLogMes+age$|^bcallMessage$/, 'call log'],
  [/^(enc)?[cC]ommentMessage$/, 'comment'],
  [/^(question|questionReply|questionResponse|statusQuestionAnswer)Message$/, 'question'],
  [/^(groupStatus|status)MentionMessage$/, 'status mention'],
  [/^status(Quoted|StickerInteraction)Message$/, 'status reply'],
  [/^requestPhoneNumberMessage$/, 'phone number request'],
];

/** `pollCreationMessageV3` → `poll`, `groupInviteMessage` → `group invite`; undefined for plumbing. */
export function contentLabel(type: string): string | undefined {
  return CONTENT_LABELS.find(([field]) => field.test(type))?.[1];
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
  private events: TransportEvents | undefined;
  /**
   * Messages the gateway could not store. Baileys sends WhatsApp the delivery receipt before it
   * emits messages.upsert, so WhatsApp will not deliver these again: they are kept here, and in
   * the spill file while it has room (a crash then loses only those in memoryOnly), and offered
   * again (as a replay) until storing works, while the gateway reports itself unhealthy.
   */
  private readonly held = new Map<string, InboundMessage>();
  private readonly memoryOnly = new Set<string>();
  private spill: SpillFile | undefined;
  private spillOpened = false;
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
    if (this.opts.socketUrl) return undefined;
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

  /** Reserves the spill file's room (once), and takes back what a previous run left in it. */
  private async openSpill(): Promise<number> {
    if (this.spillOpened || !this.opts.spillFile) return 0;
    this.spillOpened = true;
    try {
      this.spill = await SpillFile.open(this.opts.spillFile, this.opts.spillBytes);
    } catch (err) {
      this.opts.log.error({ err: (err as Error).message }, 'could not reserve room for messages that cannot be stored: on a full disk they will be kept in memory only');
      return 0;
    }
    for (const m of this.spill.recovered) this.held.set(heldKey(m), m);
    if (this.spill.recovered.length > 0) this.opts.log.warn({ recovered: this.spill.recovered.length }, 'storing the messages an earlier run could not store');
    return this.spill.recovered.length;
  }

  private async open(events: TransportEvents): Promise<void> {
    await this.endSocket();
    const recovered = await this.openSpill();
    const { state, saveCreds } = await loadAuthState(this.folder, this.opts.log);
    const makeSocket = this.opts.makeSocket ?? (await import('@whiskeysockets/baileys')).default;
    const version = await this.version();
    const sock = makeSocket({
      auth: state,
      // Spread over Baileys' defaults: an undefined version would replace the one it ships with.
      ...(version ? { version } : {}),
      ...(this.opts.socketUrl ? { waWebSocketUrl: this.opts.socketUrl } : {}),
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
    this.events = events;
    if (recovered > 0) void this.retryHeld();
    const deliver = (read: Promise<(InboundMessage | null)[]>, type: 'notify' | 'append') => {
      const stored = read
        .then((list) => this.deliver(list.filter((x): x is InboundMessage => x !== null), type))
        .catch((err) => this.opts.log.error({ err }, 'could not read incoming messages'))
        .finally(() => storing.delete(stored));
      storing.add(stored);
    };
    sock.ev.on('messages.upsert', ({ messages, type }) => deliver(Promise.all(messages.map((m) => this.normalize(sock, m))), type));
    sock.ev.on('call', (calls) => deliver(Promise.all(calls.map((c) => this.callMessage(sock, c))), calls.every((c) => c.offline) ? 'append' : 'notify'));
  }

  /** Hands messages to the gateway; what it cannot store is held and offered again later. */
  private async deliver(list: InboundMessage[], type: 'notify' | 'append'): Promise<void> {
    if (list.length === 0 || !this.events) return;
    try {
      await this.events.messages(list, type);
    } catch {
      const fresh = list.filter((m) => !this.held.has(heldKey(m)));
      for (const m of fresh) this.held.set(heldKey(m), m);
      for (const m of this.spill ? await this.spill.put(fresh) : fresh) this.memoryOnly.add(heldKey(m));
      this.opts.log.error({ held: this.held.size, memoryOnly: this.memoryOnly.size }, 'incoming messages not stored: holding them (in the spill file while it has room) until storing works again');
      this.scheduleHeld();
      return;
    }
    // Storing works again: the held messages need not wait for their timer.
    if (this.held.size > 0) void this.retryHeld();
  }

  private scheduleHeld(): void {
    if (this.heldTimer) return;
    this.heldTimer = setTimeout(() => void this.retryHeld(), fullJitter(this.heldAttempt++, 1_000, 30_000) + 250);
    this.heldTimer.unref();
  }

  private async retryHeld(): Promise<void> {
    clearTimeout(this.heldTimer);
    this.heldTimer = undefined;
    const list = [...this.held.values()];
    if (list.length === 0 || !this.events) return;
    await this.events.messages(list, 'append').then(
      async () => {
        for (const m of list) {
          this.held.delete(heldKey(m));
          this.memoryOnly.delete(heldKey(m));
        }
        this.heldAttempt = 0;
        this.opts.log.info({ stored: list.length }, 'held incoming messages stored');
        await this.spill?.resetIf(() => this.held.size === 0).catch((err) => this.opts.log.warn({ err: (err as Error).message }, 'could not clear the spill file; its messages will be offered again (a no-op) at the next start'));
      },
      () => this.scheduleHeld(),
    );
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

  /** A Baileys message as the gateway sees it; null for protocol noise and chats that are not customers'. */
  private async normalize(sock: SocketLike, m: WAMessage): Promise<InboundMessage | null> {
    const address = m.key.remoteJid;
    if (!address || !m.key.id || ignoredJid(address)) return null;
    const content = readContent(m);
    if (!content) return null;
    const seconds = typeof m.messageTimestamp === 'number' ? m.messageTimestamp : Number(m.messageTimestamp ?? 0);
    return {
      ...(await this.who(sock, address, m.key.remoteJidAlt)),
      participant: m.key.participant ?? '',
      id: m.key.id,
      fromMe: Boolean(m.key.fromMe),
      senderName: m.pushName ?? null,
      ...content,
      ...(FILE_KINDS.has(content.kind) ? { file: JSON.stringify({ key: m.key, message: m.message }, BufferJSON.replacer) } : {}),
      timestamp: seconds > 0 ? new Date(seconds * 1000) : new Date(),
    };
  }

  /** The chat key, send address and sender of a one-to-one chat. */
  private async who(sock: SocketLike | undefined, address: string, alt?: string | null): Promise<Pick<InboundMessage, 'chat' | 'address' | 'sender'>> {
    const chat = await this.canonical(sock, address, alt);
    return { chat, address, sender: isPnUser(chat) ? `+${chat.split('@')[0]}` : chat };
  }

  /** An incoming call, as a message of kind call: stored, answered once per window, and declined by the gateway. */
  private async callMessage(sock: SocketLike, call: WACallEvent): Promise<InboundMessage | null> {
    if (call.status !== 'offer' || call.isGroup || !call.from || !call.id) return null;
    // A call the business phone itself places is not a customer calling.
    if ([sock.user?.id, sock.user?.lid].some((me) => me && areJidsSameUser(me, call.from))) return null;
    return {
      ...(await this.who(sock, call.from, call.callerPn)),
      participant: '',
      id: call.id,
      fromMe: false,
      senderName: null,
      kind: 'call',
      text: null,
      media: { video: Boolean(call.isVideo) },
      timestamp: call.date instanceof Date && !Number.isNaN(call.date.getTime()) ? call.date : new Date(),
    };
  }

  private async endSocket(): Promise<void> {
    const sock = this.socket;
    this.socket = undefined;
    await sock?.end(undefined);
  }

  disconnect(): Promise<void> {
    return this.serially(async () => {
      await this.endSocket();
      // Held messages live only in memory: one last try before the process may end.
      await this.retryHeld();
      if (this.memoryOnly.size > 0) this.opts.log.error({ memoryOnly: this.memoryOnly.size }, 'received messages could not be stored and are only in memory: they are lost if the gateway stops now; free disk space first');
      else if (this.held.size > 0) this.opts.log.warn({ held: this.held.size }, 'received messages that could not be stored wait in the spill file for the next start');
    });
  }

  heldInMemory(): number {
    return this.memoryOnly.size;
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

  async sendLocation(jid: string, pin: { latitude: number; longitude: number; name: string; address?: string }, messageId: string): Promise<void> {
    await this.live().sendMessage(jid, { location: { degreesLatitude: pin.latitude, degreesLongitude: pin.longitude, name: pin.name, ...(pin.address ? { address: pin.address } : {}) } }, { messageId });
  }

  async typing(jid: string, on: boolean): Promise<void> {
    await this.live().sendPresenceUpdate(on ? 'composing' : 'paused', jid);
  }

  /**
   * A file a customer sent, at most `maxBytes` (counted as it streams in, so a file bigger than it
   * claims never fills memory), its MAC checked.
   */
  async download(file: string, maxBytes: number): Promise<Buffer> {
    const sock = this.live();
    const message = JSON.parse(file, BufferJSON.reviver) as WAMessage;
    const ms = this.opts.media?.timeoutMs ?? MEDIA_TIMEOUT_MS;
    try {
      return await this.fetchMedia(message, maxBytes, ms);
    } catch (err) {
      if (!EXPIRED.has(httpStatus(err))) throw mediaError(err);
      // The link expired: ask the sender's phone to upload the file again, as Baileys means to.
      // Baileys 7.0.0-rc14 would do it through ctx.reuploadRequest, but it tests `error.status`,
      // which its own Boom errors lack (WhiskeySockets/Baileys#2767), so it never does.
      this.opts.log.info({ id: message.key.id }, 'media link expired: asking the phone to upload the file again');
      const fresh = await within(sock.updateMediaMessage(message), ms, 'the link expired and the phone did not upload the file again').catch((e) => {
        throw e instanceof MediaDownloadError ? e : new MediaDownloadError(`the link expired and the phone could not upload the file again: ${(e as Error).message}`.slice(0, 200));
      });
      return this.fetchMedia(fresh, maxBytes, ms).catch((e) => {
        throw mediaError(e);
      });
    }
  }

  /**
   * One download, from Baileys' own parts: its choice of URL (the directPath on the message's
   * media host), its HKDF media keys and its fetch (headers, dispatcher). Baileys' download
   * function is not used because it `.pipe()`s the HTTP stream into the decipher: a connection
   * dropped mid-file then throws an uncaught exception (the gateway dies) and the download never
   * settles. Here the stream is read in a loop that sees its errors, and the MAC WhatsApp appends
   * (which Baileys skips) is checked before decrypting.
   */
  private async fetchMedia(message: WAMessage, maxBytes: number, ms: number): Promise<Buffer> {
    // As Baileys' downloadMediaMessage finds it (a video note's ptvMessage too).
    const content = extractMessageContent(message.message);
    const contentType = getContentType(content);
    const media = (contentType && content?.[contentType]) as proto.Message.IImageMessage | undefined;
    if (!media || typeof media !== 'object') throw new MediaDownloadError('the message carries no file');
    if (Number(media.fileLength ?? 0) > maxBytes) throw new FileTooBigError(maxBytes);
    const host = media.url ? URL.parse(media.url)?.host : undefined;
    const url = media.directPath ? getUrlFromDirectPath(media.directPath, host) : media.url;
    if (!url || !media.mediaKey?.length) throw new MediaDownloadError('the message carries no link or key for its file');
    const { cipherKey, iv, macKey } = await getMediaKeys(media.mediaKey, contentType!.replace('Message', '') as MediaType);
    // Baileys passes no abort signal to its fetch: the deadline is kept here.
    const late = `no file from WhatsApp's media server within ${ms} ms`;
    const fetching = getHttpStream(url, { ...this.opts.media?.fetch, headers: { Origin: DEFAULT_ORIGIN } });
    const source = await within(fetching, ms, late).catch((err) => {
      // Answered after all, too late: nobody would be listening for that stream's errors.
      void fetching.then((s) => s.destroy(), () => {});
      throw err;
    });
    const timer = setTimeout(() => source.destroy(new MediaDownloadError(late)), ms);
    // AES-CBC adds at most one block of padding, and the MAC is 10 bytes.
    const limit = maxBytes + 16 + MAC_BYTES;
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > limit) throw new FileTooBigError(maxBytes);
        chunks.push(chunk);
      }
    } finally {
      clearTimeout(timer);
      source.destroy();
    }
    const file = Buffer.concat(chunks);
    const [body, mac] = [file.subarray(0, -MAC_BYTES), file.subarray(-MAC_BYTES)];
    const expected = createHmac('sha256', macKey!).update(iv).update(body).digest().subarray(0, MAC_BYTES);
    if (file.length < MAC_BYTES + 16 || !timingSafeEqual(mac, expected)) throw new MediaDownloadError('the file arrived damaged: its MAC does not match');
    const decipher = createDecipheriv('aes-256-cbc', cipherKey, iv);
    const data = Buffer.concat([decipher.update(body), decipher.final()]);
    if (data.length > maxBytes) throw new FileTooBigError(maxBytes);
    return data;
  }

  async rejectCall(callId: string, from: string): Promise<void> {
    await this.live().rejectCall(callId, from);
  }

  async requestPairingCode(phoneDigits: string): Promise<string> {
    if (!/^\d{7,15}$/.test(phoneDigits)) throw new Error('expected the phone number with country code, digits only');
    return this.live().requestPairingCode(phoneDigits);
  }
}
