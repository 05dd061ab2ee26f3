/**
 * What a customer can send on WhatsApp, as the gateway reports it to the brain (POST /api/chat
 * `kind`). Nothing a customer sends is dropped unseen: each kind has a record line (gateway/words.ts) for the
 * conversation and a reply policy in the brain; `other` is content wr cannot open (polls,
 * events, orders…), recorded and answered all the same.
 */
export const MESSAGE_KINDS = ['text', 'audio', 'image', 'video', 'document', 'location', 'contact', 'sticker', 'reaction', 'call', 'undecryptable', 'other'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** Kinds that carry a file the gateway may download. */
export const FILE_KINDS: ReadonlySet<MessageKind> = new Set(['audio', 'image', 'video', 'document', 'sticker']);

/** Kinds whose caption is the customer's words, answered like a text. */
export const CAPTIONED_KINDS: ReadonlySet<MessageKind> = new Set(['image', 'video', 'document']);

/** The facts about a non-text message that the record line and the reply need. */
export interface MediaInfo {
  /** Audio and video length. */
  seconds?: number;
  /** A voice note recorded in the chat (push-to-talk), rather than an audio file. */
  voiceNote?: boolean;
  mimetype?: string;
  fileName?: string;
  bytes?: number;
  latitude?: number;
  longitude?: number;
  /** A location pin's name or address, a contact card's name; for `other`, what it is (`poll`, `event`). */
  name?: string;
  /** A contact card's phone number. */
  phone?: string;
  /** A call with video. */
  video?: boolean;
}
