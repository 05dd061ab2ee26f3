import { randomBytes } from 'node:crypto';
import type { GatewayStore } from '../store.js';
import type { InboundMessage, Transport, TransportEvents } from './transport.js';

const QR_ROTATE_MS = 20_000;

/**
 * A WhatsApp stand-in for demos and tests, run by the same gateway code: it shows a QR, "pairs"
 * (on POST /simulate/pair, or by itself in demo mode), takes customer messages from
 * POST /simulate/inbound, and records what the gateway sends in gateway.db (sim_outbox), where a
 * message id can only be recorded once — the same guarantee WhatsApp gives a resent message id.
 */
export class SimulatorTransport implements Transport {
  readonly name = 'simulator';
  private events: TransportEvents | undefined;
  private qrTimer: NodeJS.Timeout | undefined;
  private autoPairTimer: NodeJS.Timeout | undefined;
  private connected = false;

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

  /** A customer writes to the business; resolves once the gateway has stored the message. */
  async inbound(from: string, text: string, opts: { id?: string; name?: string; kind?: 'notify' | 'append' } = {}): Promise<InboundMessage> {
    const digits = from.replace(/\D/g, '');
    const message: InboundMessage = {
      chat: `${digits}@s.whatsapp.net`,
      address: `${digits}@s.whatsapp.net`,
      participant: '',
      id: opts.id ?? `SIM${randomBytes(8).toString('hex').toUpperCase()}`,
      fromMe: false,
      sender: `+${digits}`,
      senderName: opts.name ?? null,
      text,
      timestamp: new Date(),
    };
    if (!this.events) throw new Error('the simulator is not running');
    await this.events.messages([message], opts.kind ?? 'notify');
    return message;
  }

  async canonicalChat(jid: string): Promise<string> {
    return jid;
  }

  async sendText(jid: string, text: string, messageId: string): Promise<void> {
    if (!this.connected) throw new Error('simulator is not connected');
    await this.store.recordSimulatedSend(messageId, jid, text);
  }

  async typing(): Promise<void> {}

  async requestPairingCode(phoneDigits: string): Promise<string> {
    if (!/^\d{7,15}$/.test(phoneDigits)) throw new Error('expected the phone number with country code, digits only');
    setTimeout(() => void this.pair(), 1_000).unref();
    return randomBytes(4).toString('hex').toUpperCase();
  }

  async outbox(limit = 10_000): Promise<{ id: string; to: string; text: string; at: string }[]> {
    const rows = await this.store.simulatedSends(limit);
    return rows.map((r) => ({ id: r.waId, to: r.jid, text: r.text, at: r.sentAt.toISOString() }));
  }
}
