/**
 * What a customer can send on WhatsApp, as the gateway reports it to the brain (POST /api/chat
 * `kind`). Nothing a customer sends is dropped unseen: each kind has a record line for the
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

function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

const quoted = (text: string | null | undefined) => (text?.trim() ? `: "${text.trim().slice(0, 1000)}"` : '');

/**
 * The line a conversation record shows for a message: `[voice note 0:14]`,
 * `[photo: "is this the place?"]`, `[location 40.41680,-3.70380]`. Text is itself.
 */
export function describeInbound(kind: MessageKind, text: string | null, info: MediaInfo = {}): string {
  switch (kind) {
    case 'text':
      return text ?? '';
    case 'audio':
      return `[${info.voiceNote === false ? 'audio' : 'voice note'}${info.seconds ? ` ${clock(info.seconds)}` : ''}]`;
    case 'image':
      return `[photo${quoted(text)}]`;
    case 'video':
      return `[video${info.seconds ? ` ${clock(info.seconds)}` : ''}${quoted(text)}]`;
    case 'document':
      return `[document${info.fileName ? ` ${info.fileName.slice(0, 120)}` : ''}${quoted(text)}]`;
    case 'location': {
      const at = info.latitude !== undefined && info.longitude !== undefined ? ` ${info.latitude.toFixed(5)},${info.longitude.toFixed(5)}` : '';
      return `[location${at}${info.name ? ` ${info.name.slice(0, 120)}` : ''}]`;
    }
    case 'contact':
      return `[contact card${info.name ? `: ${info.name.slice(0, 100)}` : ''}${info.phone ? ` ${info.phone}` : ''}]`;
    case 'sticker':
      return '[sticker]';
    case 'reaction':
      return `[reaction ${text?.trim() || '(removed)'}]`;
    case 'call':
      return `[${info.video ? 'video ' : ''}call]`;
    case 'undecryptable':
      return '[a message WhatsApp could not decrypt]';
    case 'other':
      return `[${info.name?.slice(0, 40) || 'message'}${quoted(text)}]`;
  }
}
