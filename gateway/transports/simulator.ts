import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { FILE_KINDS, type MediaInfo, type MessageKind } from '../../core/inbound.js';
import type { GatewayStore } from '../store.js';
import { FileTooBigError, type InboundMessage, type Transport, type TransportEvents } from './transport.js';

const QR_ROTATE_MS = 20_000;

/**
 * A WhatsApp stand-in for demos and tests, run by the same gateway code: it shows a QR, "pairs"
 * (on POST /simulate/pair, or by itself in demo mode), takes customer messages from
 * POST /simulate/inbound, and records what the gateway sends in gateway.db (sim_outbox), where a
 * message id can only be recorded once — the same guarantee WhatsApp gives a resent message id.
 */
export interface SimulatedInbound {
  kind?: MessageKind;
  text?: string;
  caption?: string;
  /** A voice note's or video's length. */
  seconds?: number;
  /** A path to the media file. */
  file?: string;
  latitude?: number;
  longitude?: number;
  id?: string;
  name?: string;
  /** notify: live; append: replayed after a reconnect. */
  delivery?: 'notify' | 'append';
}

export class SimulatorTransport implements Transport {
  readonly name = 'simulator';
  private events: TransportEvents | undefined;
  private qrTimer: NodeJS.Timeout | undefined;
  private autoPairTimer: NodeJS.Timeout | undefined;
  private connected = false;
  /** Calls the gateway declined, as the caller's phone would show them. */
  readonly declinedCalls: { id: string; from: string; at: string }[] = [];

  constructor(
    private readonly store: GatewayStore,
    private readonly opts: { autoPairMs?: number } = {},
  ) {}

  async connect(events: TransportEvents): Promise<void> {
    this.events = events;
    if ((await this.store.setting('sim_paired')) === 'yes') {
      setImmediate(() => this.open());
      return;
    }
    const showQr = () => events.qr(`2@SIMULATOR${randomBytes(90).toString('base64')},${randomBytes(32).toString('base64')},${randomBytes(32).toString('base64')}`);
    showQr();
    this.qrTimer = setInterval(showQr, QR_ROTATE_MS);
    this.qrTimer.unref();
    if (this.opts.autoPairMs !== undefined) this.autoPairTimer = setTimeout(() => void this.pair(), this.opts.autoPairMs);
  }

  private open(): void {
    clearInterval(this.qrTimer);
    clearTimeout(this.autoPairTimer);
    this.connected = true;
    this.events?.open();
    this.events?.ready();
  }

  /** The phone scanned the QR. */
  async pair(): Promise<void> {
    await this.store.setSetting('sim_paired', 'yes');
    this.open();
  }

  async disconnect(): Promise<void> {
    clearInterval(this.qrTimer);
    clearTimeout(this.autoPairTimer);
    this.connected = false;
  }

  async clearSession(): Promise<void> {
    await this.store.setSetting('sim_paired', 'no');
  }

  /** Simulates WhatsApp dropping the connection with a Baileys disconnect code. */
  drop(code: number, reason: string): void {
    this.connected = false;
    this.events?.close(code, reason);
  }

  /** A customer sends something (a text by default; a call is one incoming call); resolves once the gateway has stored it. */
  async inbound(from: string, msg: SimulatedInbound): Promise<InboundMessage> {
    const digits = from.replace(/\D/g, '');
    const kind = msg.kind ?? 'text';
    const media: MediaInfo = {
      ...(msg.seconds !== undefined ? { seconds: msg.seconds } : {}),
      ...(kind === 'audio' ? { voiceNote: true, mimetype: 'audio/ogg; codecs=opus' } : {}),
      ...(msg.latitude !== undefined ? { latitude: msg.latitude, longitude: msg.longitude } : {}),
      ...(msg.file ? { fileName: msg.file.split('/').at(-1), bytes: (await fs.stat(msg.file)).size } : {}),
    };
    const message: InboundMessage = {
      chat: `${digits}@s.whatsapp.net`,
      address: `${digits}@s.whatsapp.net`,
      participant: '',
      id: msg.id ?? `SIM${randomBytes(8).toString('hex').toUpperCase()}`,
      fromMe: false,
      sender: `+${digits}`,
      senderName: msg.name ?? null,
      kind,
      text: msg.text ?? msg.caption ?? null,
      ...(kind !== 'text' ? { media } : {}),
      ...(msg.file && FILE_KINDS.has(kind) ? { file: msg.file } : {}),
      timestamp: new Date(),
    };
    if (!this.events) throw new Error('the simulator is not running');
    await this.events.messages([message], msg.delivery ?? 'notify');
    return message;
  }

  /** The simulator's "file" is a path on this machine (checked by the HTTP route). */
  async download(file: string, maxBytes: number): Promise<Buffer> {
    if (!this.connected) throw new Error('simulator is not connected');
    if ((await fs.stat(file)).size > maxBytes) throw new FileTooBigError(maxBytes);
    return fs.readFile(file);
  }

  async rejectCall(callId: string, from: string): Promise<void> {
    if (!this.connected) throw new Error('simulator is not connected');
    this.declinedCalls.push({ id: callId, from, at: new Date().toISOString() });
  }

  async canonicalChat(jid: string): Promise<string> {
    return jid;
  }

  async sendText(jid: string, text: string, messageId: string): Promise<void> {
    if (!this.connected) throw new Error('simulator is not connected');
    await this.store.recordSimulatedSend(messageId, jid, text);
  }

  async sendLocation(jid: string, pin: { latitude: number; longitude: number; name: string }, messageId: string): Promise<void> {
    if (!this.connected) throw new Error('simulator is not connected');
    await this.store.recordSimulatedSend(messageId, jid, `[location ${pin.latitude.toFixed(5)},${pin.longitude.toFixed(5)} ${pin.name}]`);
  }

  async typing(): Promise<void> {}

  async requestPairingCode(phoneDigits: string): Promise<string> {
    if (!/^\d{7,15}$/.test(phoneDigits)) throw new Error('expected the phone number with country code, digits only');
    setTimeout(() => void this.pair(), 1_000).unref();
    return randomBytes(4).toString('hex').toUpperCase();
  }

  async outbox(limit = 10_000): Promise<{ id: string; to: string; text: string; at: string; answers: string | null }[]> {
    const rows = await this.store.simulatedSends(limit);
    return rows.map((r) => ({ id: r.waId, to: r.jid, text: r.text, at: r.sentAt.toISOString(), answers: r.answers }));
  }
}
