import type { MediaInfo, MessageKind } from '../../core/inbound.js';

/** A file over the size the gateway asked for: it was not (fully) downloaded. */
export class FileTooBigError extends Error {
  constructor(readonly limit: number) {
    super(`the file is over the ${limit}-byte limit`);
  }
}

/** What the gateway needs from a WhatsApp connection, whatever carries it (Baileys or the simulator). */

export interface InboundMessage {
  /**
   * The chat's one key, whichever addressing WhatsApp used: a one-to-one chat is its phone-number
   * JID (`<digits>@s.whatsapp.net`) when WhatsApp tells the number, otherwise its LID. Inbox
   * order, dedup and handoff all go by this key.
   */
  chat: string;
  /** The JID as this message addressed the chat (may be an @lid JID): replies are sent to it. */
  address: string;
  /** The author inside a group; empty for one-to-one chats. */
  participant: string;
  id: string;
  fromMe: boolean;
  /** The customer's phone number in E.164 when known, otherwise the JID. */
  sender: string;
  senderName: string | null;
  /** What the customer sent; a call is one incoming call. */
  kind: MessageKind;
  /** The words: a text, a caption, an edited text, a reaction's emoji; null when there are none. */
  text: string | null;
  media?: MediaInfo;
  /** What the transport needs to download the file later (Baileys: the message, serialised). */
  file?: string;
  timestamp: Date;
}

export interface TransportEvents {
  qr(qr: string): void;
  open(): void;
  /** The messages WhatsApp held while we were offline have all arrived (and been stored): queued replies may go. */
  ready(): void;
  close(code: number | null, reason: string): void;
  /** Live messages (notify) and messages replayed after a reconnect (append) alike; resolves once stored. */
  messages(messages: InboundMessage[], kind: 'notify' | 'append'): Promise<void>;
}

export interface Transport {
  readonly name: string;
  /** Opens a connection; progress arrives as events. */
  connect(events: TransportEvents): Promise<void>;
  /** Closes the connection without logging out. */
  disconnect(): Promise<void>;
  /** Forgets the WhatsApp session (after a logout): the next connect shows a new QR. */
  clearSession(): Promise<void>;
  /** The chat key (see InboundMessage.chat) of a JID an operator typed: a LID becomes its phone-number JID when known. */
  canonicalChat(jid: string): Promise<string>;
  /** Sends a text. The same messageId twice is the same message: a resend after a crash is harmless. */
  sendText(jid: string, text: string, messageId: string): Promise<void>;
  /** Sends a location pin; the same messageId twice is the same message. */
  sendLocation(jid: string, pin: { latitude: number; longitude: number; name: string; address?: string }, messageId: string): Promise<void>;
  /** Shows "typing…" in the chat, or stops showing it; best effort. */
  typing(jid: string, on: boolean): Promise<void>;
  /** Downloads the file of a message (InboundMessage.file); throws, saying why, when it is over `maxBytes`, damaged or gone. */
  download(file: string, maxBytes: number): Promise<Buffer>;
  /** Received messages that could not be stored, kept in memory only (Baileys: acknowledged already, so a crash loses them). */
  heldInMemory?(): number;
  /** Declines an incoming call (InboundMessage of kind call: its id and address). */
  rejectCall(callId: string, from: string): Promise<void>;
  requestPairingCode(phoneDigits: string): Promise<string>;
}
