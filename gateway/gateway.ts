import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { fullJitter } from '../core/backoff.js';
import { CAPTIONED_KINDS } from '../core/inbound.js';
import type { Language } from '../core/language.js';
import type { Logger } from '../core/logger.js';
import { BrainError, type BrainClient } from './brain-client.js';
import type { GatewayHealth, WaStatus } from '../core/contracts.js';
import { initialConnection, onClose, onOpen, onQr, onRestart, type ConnectionState } from './connection.js';
import { DEFAULT_GOVERNOR, Governor, type GovernorOptions } from './governor.js';
import type { MediaPreparer } from './media.js';
import type { PolicyCache } from './policy.js';
import type { GatewayStore, InboxRow, OutboxRow, Prepared, Retry } from './store.js';
import type { InboundMessage, Transport } from './transports/transport.js';
import { describeInbound, gatewayWords } from './words.js';

export interface GatewayOptions {
  tenant: string;
  store: GatewayStore;
  transport: Transport;
  brain: BrainClient;
  log: Logger;
  governor?: GovernorOptions;
  /** How long a chat stays with staff after their last message from the business phone. */
  staffQuietMinutes?: number;
  /** Upper bound of the retry delay for brain and send failures. */
  retryCapMs?: number;
  /** How long after connecting replies wait for WhatsApp's offline backlog before going anyway. */
  backlogWaitMs?: number;
  /** The profile's media policy, read from the brain. */
  policy: PolicyCache;
  /** Transcribes voice notes and keeps files before the brain is asked. */
  media: MediaPreparer;
  /** How long "typing…" shows before a reply; by default it grows with the reply's length, up to 2 s and the gap between sends. */
  typingMs?: (text: string) => number;
  /** How long the stub of an undecryptable message waits for its real content before it is answered. */
  undecryptableGraceMs?: number;
  /** The reconnect jitter's dice (tests pass () => 0 to reconnect at once). */
  random?: () => number;
  /** Replaces the slow retry of a parked session (connection.ts decides it; tests shorten it). */
  parkedRetryMs?: number;
}

export interface PendingQr {
  qr: string;
  expiresAt: string;
}

/** The first QR lives 60 s, the ones after it 20 s (Baileys' own timings). */
const FIRST_QR_MS = 60_000;
const NEXT_QR_MS = 20_000;
const POLL_MS = 250;
/** Baileys itself gives up waiting for history after 20 s; the backlog notice normally comes within seconds. */
const BACKLOG_WAIT_MS = 30_000;
/** Baileys usually recovers an undecryptable message by a retry within seconds: wait before answering its stub. */
const UNDECRYPTABLE_GRACE_MS = 20_000;
/** "typing…" for a moment that grows with the reply, within the gap the send rate leaves between messages anyway. */
const typingTime = (text: string, perMinute: number) => Math.min(2_000, 20 * text.length, 60_000 / perMinute);
const BATCH = 50;
const MAX_TEXT = 4096;
export const STAFF_RESUME_COMMAND = '/bot';

/** A WhatsApp-style message id chosen before sending, so a resend after a crash is the same message. */
function newMessageId(): string {
  return `3EB0${randomBytes(9).toString('hex').toUpperCase()}`;
}

/** The stub of an undecryptable message has its own id: the real content, once it arrives under the same WhatsApp id, is a new message to the brain. */
function brainMessageId(row: Pick<InboxRow, 'chat' | 'participant' | 'messageId' | 'kind'>): string {
  const id = `${row.chat}/${row.participant}/${row.messageId}`.slice(0, 110);
  return row.kind === 'undecryptable' ? `${id}#undecryptable` : id;
}

/** What staff are told became of a message's file: where it was kept, or why not. */
function fileNote(p: Prepared, language: Language): string | undefined {
  return (p.saved ? gatewayWords(language).keptAs(path.basename(p.saved)) : p.note)?.slice(0, 300);
}

/**
 * One tenant's gateway: the WhatsApp connection and its state machine, the durable inbox
 * (store first, then ask the brain, retrying while it is down), the paced outbox, and handoff.
 * Emits 'state' and 'qr' for the PM2 bus and the console.
 */
export class Gateway extends EventEmitter {
  private conn: ConnectionState = initialConnection();
  private pendingQr: PendingQr | null = null;
  private qrCount = 0;
  private tenantHandoff = false;
  private lastSeen: string | null = null;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private inboxRun: Promise<void> | undefined;
  private outboxRun: Promise<void> | undefined;
  private stopped = false;
  /** The offline backlog has arrived since the last open: queued replies may go (see TransportEvents.ready). */
  private backlogIn = false;
  private readyFallback: NodeJS.Timeout | undefined;
  /** Shutting down: no new brain calls, but queued replies may still go. */
  private draining = false;
  private readonly governor: Governor;
  private readonly staffQuietMs: number;
  private readonly retryCapMs: number;

  constructor(private readonly opts: GatewayOptions) {
    super();
    this.governor = new Governor(opts.governor ?? DEFAULT_GOVERNOR);
    this.staffQuietMs = (opts.staffQuietMinutes ?? 30) * 60_000;
    this.retryCapMs = opts.retryCapMs ?? 60_000;
  }

  get status(): WaStatus {
    return this.conn.status;
  }

  get qr(): PendingQr | null {
    return this.pendingQr && Date.parse(this.pendingQr.expiresAt) > Date.now() ? this.pendingQr : null;
  }

  async start(): Promise<void> {
    this.tenantHandoff = (await this.opts.store.setting('handoff')) === 'on';
    // Older versions failed messages for good on a refused key: they wait for the fixed key now.
    const requeued = await this.opts.store.requeueAuthFailures();
    if (requeued > 0) this.opts.log.info({ tenant: this.opts.tenant, requeued }, 'messages the brain refused for auth reasons queued again');
    this.pollTimer = setInterval(() => this.kick(), POLL_MS);
    this.pollTimer.unref();
    await this.connect();
    this.kick();
  }

  private async connect(): Promise<void> {
    this.conn = { ...this.conn, status: 'connecting' };
    this.publishState();
    const t = this.opts.transport;
    try {
      await t.connect({
        qr: (qr) => this.onQr(qr),
        open: () => this.onOpen(),
        ready: () => this.onReady(),
        close: (code, reason) => this.onClose(code, reason),
        messages: async (messages, kind) => {
          await this.receive(messages, kind);
          this.declineCalls(messages);
        },
      });
    } catch (err) {
      this.onClose(null, `could not connect: ${(err as Error).message}`);
    }
  }

  private onQr(qr: string): void {
    this.conn = onQr(this.conn);
    const lifetime = this.qrCount++ === 0 ? FIRST_QR_MS : NEXT_QR_MS;
    this.pendingQr = { qr, expiresAt: new Date(Date.now() + lifetime).toISOString() };
    this.emit('qr', { tenant: this.opts.tenant, ...this.pendingQr });
    this.publishState();
  }

  private onOpen(): void {
    this.conn = onOpen(this.conn, Date.now());
    this.pendingQr = null;
    this.qrCount = 0;
    this.lastSeen = new Date().toISOString();
    this.opts.log.info({ tenant: this.opts.tenant }, 'WhatsApp connected');
    // Replies wait for the messages WhatsApp held while we were away: a staff reply among them
    // must silence the chat before a stale bot reply goes out.
    clearTimeout(this.readyFallback);
    this.readyFallback = setTimeout(() => {
      this.opts.log.warn({ tenant: this.opts.tenant }, 'WhatsApp never said the offline backlog was delivered; sending queued replies anyway');
      this.onReady();
    }, this.opts.backlogWaitMs ?? BACKLOG_WAIT_MS);
    this.publishState();
    this.kick();
  }

  private onReady(): void {
    clearTimeout(this.readyFallback);
    if (this.conn.status !== 'connected') return;
    this.backlogIn = true;
    this.kick();
  }

  /** Connected, and the offline backlog is in. */
  private get canSend(): boolean {
    return this.conn.status === 'connected' && this.backlogIn;
  }

  private onClose(code: number | null, reason: string): void {
    if (this.stopped) return;
    const { state, decision } = onClose(this.conn, code, reason, Date.now(), this.opts.random);
    this.conn = state;
    this.pendingQr = null;
    this.backlogIn = false;
    clearTimeout(this.readyFallback);
    this.opts.log.warn({ tenant: this.opts.tenant, code, reason, decision }, 'WhatsApp connection closed');
    if (decision.kind === 'reconnect') {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = setTimeout(() => void this.connect(), decision.delayMs);
    } else if (decision.kind === 'park' && decision.retryMs !== null) {
      // Parked, but not for good: an outage that outlasted the brake heals without anyone pressing R.
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = setTimeout(() => {
        this.conn = onRestart(this.conn);
        void this.connect();
      }, this.opts.parkedRetryMs ?? decision.retryMs);
    } else if (decision.kind === 'logged_out') {
      void this.opts.transport.clearSession().catch((err) => this.opts.log.error({ err }, 'could not clear the WhatsApp session'));
    }
    this.publishState();
  }

  /** POST /restart: reconnect now, leaving parked or logged_out; nothing queued is touched. */
  async restart(): Promise<void> {
    clearTimeout(this.reconnectTimer);
    this.conn = onRestart(this.conn);
    this.qrCount = 0;
    await this.opts.transport.disconnect().catch(() => {});
    await this.connect();
  }

  private publishState(): void {
    this.emit('state', { tenant: this.opts.tenant, status: this.conn.status, handoffMode: this.tenantHandoff, lastDisconnect: this.conn.lastDisconnect, parkedReason: this.conn.parkedReason, connectedSince: this.conn.connectedSince });
  }

  async health(): Promise<GatewayHealth> {
    return {
      tenant: this.opts.tenant,
      status: this.conn.status,
      handoffMode: this.tenantHandoff,
      lastSeen: this.lastSeen,
      connectedSince: this.conn.connectedSince,
      reconnects: this.conn.reconnects,
      lastDisconnect: this.conn.lastDisconnect,
      parkedReason: this.conn.parkedReason,
      queue: await this.opts.store.queueCounts(),
      messagesToday: await this.opts.store.receivedSince(new Date(new Date().setHours(0, 0, 0, 0))),
      undecryptableLastHour: await this.opts.store.receivedKindSince('undecryptable', new Date(Date.now() - 3_600_000)),
      storeError: this.storeError,
      authError: this.authError,
      heldInMemory: this.opts.transport.heldInMemory?.() ?? 0,
    };
  }

  // ── handoff ────────────────────────────────────────────────────────────────

  async setTenantHandoff(on: boolean): Promise<boolean> {
    await this.opts.store.setSetting('handoff', on ? 'on' : 'off');
    this.tenantHandoff = on;
    this.publishState();
    return on;
  }

  /** Per-chat handoff by the operator: on until turned off. */
  async setChatHandoff(address: string, on: boolean): Promise<boolean> {
    const jid = await this.opts.transport.canonicalChat(address);
    if (on) await this.opts.store.setChatHandoff({ jid, until: null, reason: 'operator' });
    else await this.opts.store.clearChatHandoff(jid);
    return on;
  }

  async chatHandoff(address: string, now = new Date()): Promise<boolean> {
    const row = await this.opts.store.chatHandoff(await this.opts.transport.canonicalChat(address));
    return Boolean(row && (row.until === null || row.until > now));
  }

  private async silenced(jid: string): Promise<boolean> {
    return this.tenantHandoff || (await this.chatHandoff(jid));
  }

  // ── inbound ────────────────────────────────────────────────────────────────

  /**
   * Every message is stored before anything else; replays (append) are deduplicated by the store.
   * A failed store throws to the transport, so the message is not acknowledged and comes back.
   */
  private storeError: string | null = null;
  private authError: string | null = null;

  private async receive(messages: InboundMessage[], kind: 'notify' | 'append'): Promise<void> {
    this.lastSeen = new Date().toISOString();
    try {
      const staff: InboundMessage[] = [];
      const toStore: InboundMessage[] = [];
      for (const m of messages) {
        if (m.fromMe) {
          if (await this.opts.store.isOurs(m.id)) continue; // our own reply echoed back
          staff.push(m);
        }
        toStore.push(m);
      }
      const silenced = new Map<string, boolean>();
      for (const m of toStore) if (!silenced.has(m.chat)) silenced.set(m.chat, await this.silenced(m.chat));
      await this.opts.store.storeInbound(
        toStore,
        (m) => (m.fromMe || ((m.kind === 'text' || m.kind === 'reaction') && !m.text?.trim()) ? 'skipped' : 'pending'),
        (m) => silenced.get(m.chat) ?? false,
      );
      for (const m of staff) await this.onStaffMessage(m);
      this.opts.log.debug({ tenant: this.opts.tenant, count: toStore.length, kind }, 'inbound stored');
      this.storeError = null;
      this.kick();
    } catch (err) {
      this.storeError = (err as Error).message;
      this.opts.log.error({ err, tenant: this.opts.tenant }, 'could not store inbound messages: not acknowledged');
      throw err;
    }
  }

  /** A ringing call is declined once it is stored (the brain then answers the caller with a message). */
  private declineCalls(messages: InboundMessage[]): void {
    if (!this.opts.policy.current.rejectCalls) return;
    for (const m of messages) {
      if (m.kind !== 'call' || m.fromMe) continue;
      void this.opts.transport.rejectCall(m.id, m.address).catch((err) => this.opts.log.warn({ tenant: this.opts.tenant, err: (err as Error).message }, 'could not decline a call'));
    }
  }

  /** Staff wrote from the business phone: the bot steps back in that chat until quiet, or "/bot". */
  private async onStaffMessage(m: InboundMessage): Promise<void> {
    const { store } = this.opts;
    if (m.text?.trim().toLowerCase() === STAFF_RESUME_COMMAND) return store.clearChatHandoff(m.chat);
    if ((await store.chatHandoff(m.chat))?.reason === 'operator') return;
    await store.setChatHandoff({ jid: m.chat, until: new Date(Math.max(Date.now(), m.timestamp.getTime()) + this.staffQuietMs), reason: 'staff' });
  }

  /** Runs the inbox and outbox workers if they are idle. */
  kick(): void {
    if (this.stopped || this.draining) return;
    this.inboxRun ??= this.drainInbox().finally(() => (this.inboxRun = undefined));
    if (this.canSend) this.outboxRun ??= this.drainOutbox().finally(() => (this.outboxRun = undefined));
  }

  private async drainInbox(): Promise<void> {
    try {
      for (;;) {
        if (this.stopped) return;
        const now = new Date();
        const rows = await this.opts.store.pendingInbox(BATCH);
        const blocked = new Set<string>();
        let progressed = false;
        for (const r of rows) {
          if (this.stopped || this.draining) return;
          // Messages of one chat go to the brain in order: a waiting one holds back the later ones.
          if (blocked.has(r.chat)) continue;
          if (r.nextAttemptAt > now || (r.kind === 'undecryptable' && now.getTime() - r.createdAt.getTime() < (this.opts.undecryptableGraceMs ?? UNDECRYPTABLE_GRACE_MS))) {
            blocked.add(r.chat);
            continue;
          }
          if (await this.forward(r)) progressed = true;
          else blocked.add(r.chat);
        }
        if (!progressed) return;
      }
    } catch (err) {
      this.opts.log.error({ err, tenant: this.opts.tenant }, 'inbox worker failed; retrying');
    }
  }

  /** Asks the brain about one message and queues its reply; false when it must be retried later. */
  private async forward(r: InboxRow): Promise<boolean> {
    const { store, brain, log, tenant } = this.opts;
    const handoff = await this.silenced(r.chat);
    try {
      const answer = await brain.chat({
        ...(r.kind === 'text' ? { message: (r.text ?? '').slice(0, MAX_TEXT) } : await this.described(r)),
        sender: r.sender,
        timestamp: r.timestamp.toISOString(),
        messageId: brainMessageId(r),
        ...(r.senderName ? { senderName: r.senderName.slice(0, 100) } : {}),
        ...(handoff ? { handoff: true } : {}),
      });
      this.authError = null;
      await store.answered(r.id, {
        handoff: handoff || answer.handoff,
        wakeOthers: r.attempts > 0,
        ...(answer.reply !== null && !handoff
          ? { reply: { chat: r.chat, jid: r.address, text: answer.reply, waId: newMessageId(), ...(answer.location ? { location: { ...answer.location, waId: newMessageId() } } : {}) } }
          : {}),
      });
      this.kick();
      return true;
    } catch (err) {
      const retryable = !(err instanceof BrainError) || err.retryable;
      if (err instanceof BrainError && err.auth) this.authError = err.message;
      const attempts = r.attempts + 1;
      await store.forwardFailed(r.id, this.retry(attempts, err), retryable);
      log.warn({ tenant, inbox: r.id, attempts, retryable, err: (err as Error).message }, retryable ? 'brain call failed; will retry' : 'brain refused the message');
      return !retryable;
    }
  }

  /** What the brain is told of a message that is not text, written in the business's language. */
  private async described(r: InboxRow) {
    const prepared = await this.prepared(r);
    const { language } = await this.opts.policy.fresh();
    const caption = CAPTIONED_KINDS.has(r.kind) && r.text?.trim() ? r.text.slice(0, MAX_TEXT) : undefined;
    const note = fileNote(prepared, language);
    return {
      message: `${describeInbound(r.kind, r.text, r.media, language)}${prepared.transcript ? ` "${prepared.transcript}"` : ''}`.slice(0, MAX_TEXT),
      kind: r.kind,
      ...(caption ? { caption } : {}),
      ...(prepared.transcript ? { transcript: prepared.transcript.slice(0, MAX_TEXT) } : {}),
      ...(note ? { fileNote: note } : {}),
    };
  }

  /** A message's file made into a transcript or a kept file, once (kept in the inbox row for retries). */
  private async prepared(r: InboxRow): Promise<Prepared> {
    if (!r.file || r.prepared) return r.prepared ?? {};
    // The file comes through WhatsApp: without a connection, wait rather than give up on it.
    if (this.conn.status !== 'connected') throw new Error('waiting for WhatsApp to fetch the file');
    const prepared = await this.opts.media.prepare(r, await this.opts.policy.fresh());
    await this.opts.store.setPrepared(r.id, prepared);
    return prepared;
  }

  private async drainOutbox(): Promise<void> {
    const { store, log, tenant } = this.opts;
    try {
      for (;;) {
        if (this.stopped || !this.canSend) return;
        const rows = await store.dueOutbox(new Date(), BATCH);
        if (rows.length === 0) return;
        for (const row of rows) {
          if (this.stopped || !this.canSend) return;
          await this.send(row);
        }
      }
    } catch (err) {
      log.error({ err, tenant }, 'outbox worker failed; retrying');
    }
  }

  private async send(row: OutboxRow): Promise<void> {
    const { store, transport, log, tenant } = this.opts;
    if (await this.silenced(row.chat)) {
      // A person took over after this reply was written: it must not go out.
      await store.markCancelled(row.id);
      return;
    }
    const wait = this.governor.take();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    try {
      // "typing…" for a moment a person would take, and stopped once the message is out.
      await transport.typing(row.jid, true).catch(() => {});
      const typing = this.opts.typingMs ? this.opts.typingMs(row.text) : typingTime(row.text, (this.opts.governor ?? DEFAULT_GOVERNOR).perMinute);
      if (typing > 0) await new Promise((r) => setTimeout(r, typing));
      await transport.sendText(row.jid, row.text, row.waId);
      await transport.typing(row.jid, false).catch(() => {});
      // Its own message id: resent after a crash, it is the same message again.
      if (row.location) await transport.sendLocation(row.jid, row.location, row.location.waId);
      await store.markSent(row.id);
    } catch (err) {
      const attempts = row.attempts + 1;
      await store.sendFailed(row.id, this.retry(attempts, err));
      log.warn({ tenant, outbox: row.id, attempts, err: (err as Error).message }, 'sending failed; will retry');
    }
  }

  private retry(attempts: number, err: unknown): Retry {
    return { attempts, nextAttemptAt: new Date(Date.now() + fullJitter(attempts, 1_000, this.retryCapMs)), lastError: (err as Error).message.slice(0, 500) };
  }

  async requestPairingCode(phone: string): Promise<string> {
    return this.opts.transport.requestPairingCode(phone.replace(/\D/g, ''));
  }

  /**
   * Stops taking work, sends the replies already queued (for at most `drainMs`, within PM2's
   * kill_timeout), then closes the connection. Credentials need no flush: each change is saved
   * atomically as it happens.
   */
  async stop(drainMs = 5_000): Promise<void> {
    clearInterval(this.pollTimer);
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.readyFallback);
    const deadline = Date.now() + drainMs;
    this.draining = true;
    await this.inboxRun;
    while (this.canSend && Date.now() < deadline && (await this.opts.store.dueOutbox(new Date(), 1)).length > 0) {
      this.outboxRun ??= this.drainOutbox().finally(() => (this.outboxRun = undefined));
      await Promise.race([this.outboxRun, new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())))]);
    }
    this.stopped = true;
    await this.outboxRun;
    await this.opts.transport.disconnect().catch(() => {});
  }
}
