import type { MessageKind } from '../../core/inbound.js';
import type { MediaPolicy } from '../../core/media-policy.js';
import type { Language } from '../../core/profile.js';
import type { Replies } from './replies.js';
import type { ConversationState } from '../domain/state.js';
import { staffWords } from '../domain/staff-words.js';

/** What the receptionist does with a message that brought no words to answer. */
export interface MediaAnswer {
  reply: string | null;
  /** The staff notice (through the escalation channel), when staff should know. */
  notice: string | null;
  /** Set when a caller got the call message: the conversation's new `callNoticeAt`. */
  callNoticeAt?: string;
}

/** The staff notice for a file a customer sent (with or without words): staff look at files, the bot cannot. */
export function fileNotice(record: string, policy: MediaPolicy, language: Language): string | null {
  return policy.notifyStaff ? staffWords(language).sent(record) : null;
}

const WHAT = { image: 'whatImage', video: 'whatVideo', document: 'whatDocument', contact: 'whatContact' } as const;

/**
 * The reply and staff notice for a voice note not transcribed, a photo without caption, a
 * document, a location pin, a contact card, a sticker, a reaction, a call, an undecryptable
 * message or content wr cannot open (a poll, an event…). Pure: the state is read, never changed.
 */
export function answerMedia(kind: MessageKind, record: string, replies: Replies, policy: MediaPolicy, state: Readonly<ConversationState>, now: Date): MediaAnswer {
  const staff = (text: string) => (policy.notifyStaff ? text : null);
  // Staff read notices in the business's language, whatever the customer's.
  const words = staffWords(replies.profile.language);
  switch (kind) {
    case 'audio':
      return { reply: replies.t('voiceNote'), notice: staff(words.voiceNote(record)) };
    case 'image':
    case 'video':
    case 'document':
    case 'contact':
      return { reply: replies.t('mediaReceived', { what: replies.t(WHAT[kind]) }), notice: fileNotice(record, policy, replies.profile.language) };
    case 'location':
      return { reply: replies.t('locationReceived'), notice: null };
    case 'sticker':
      return { reply: replies.t('noWords'), notice: null };
    case 'call': {
      const last = state.callNoticeAt ? Date.parse(state.callNoticeAt) : NaN;
      // A redialling customer gets one message per window, and staff one notice.
      if (now.getTime() - last < policy.callReplyWindowMinutes * 60_000) return { reply: null, notice: null };
      const phone = replies.profile.phone ? replies.t('callPhone', { phone: replies.profile.phone }) : '';
      return { reply: replies.t('call', { phone }), callNoticeAt: now.toISOString(), notice: staff(words.call(policy.rejectCalls)) };
    }
    case 'undecryptable':
      return { reply: replies.t('undecryptable'), notice: null };
    case 'other':
      return { reply: replies.t('cannotOpen'), notice: staff(words.cannotOpen(record)) };
    case 'reaction':
    case 'text':
      return { reply: null, notice: null };
  }
}
