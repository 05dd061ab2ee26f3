import type { Language } from '../core/language.js';
import type { MediaInfo, MessageKind } from '../core/inbound.js';

/**
 * Everything the gateway itself writes into a conversation, in the business's language (profile
 * `language`), not the customer's: the record line of a message that is not text, and what became
 * of its file. Staff read both in their notices, inside the brain's own words (brain/domain/staff-words.ts).
 * What the customer sent (a caption, a file name, a transcript, a pin's name) is quoted as it came.
 */
export interface GatewayWords {
  voiceNote: string;
  audio: string;
  photo: string;
  video: string;
  document: string;
  location: string;
  contactCard: string;
  sticker: string;
  reaction: string;
  reactionRemoved: string;
  call: string;
  videoCall: string;
  undecryptable: string;
  message: string;
  /** Content wr cannot open, by the label the transport gives it (`poll`, `event`…; see OTHER_LABELS). */
  others: Record<OtherLabel, string>;
  keptAs(file: string): string;
  /**
   * Why a transcription or a download failed, from the error's own message: English, technical
   * (a server's URL and answer, WhatsApp's wording). Another language says what failed and leaves
   * the detail to the gateway's log, where it is written whatever the language.
   */
  transcriptionFailed(detail: string): string;
  keepFailed(detail: string): string;
  notTranscribed(reason: string): string;
  tooLongToTranscribe(bytes: number, limit: number): string;
  emptyTranscript: string;
  notKept(reason: string): string;
  quotaFull(mb: number): string;
}

/** Every label a transport gives content wr cannot open (gateway/transports/baileys.ts CONTENT_LABELS). */
export const OTHER_LABELS = [
  'poll', 'poll results', 'event', 'group invite', 'channel invite', 'payment', 'payment request withdrawn', 'order', 'product', 'invoice',
  'interactive message', 'sticker pack', 'scheduled call', 'call log', 'comment', 'question', 'status mention', 'status reply', 'phone number request',
] as const;
export type OtherLabel = (typeof OTHER_LABELS)[number];

const WORDS: Record<Language, GatewayWords> = {
  en: {
    voiceNote: 'voice note',
    audio: 'audio',
    photo: 'photo',
    video: 'video',
    document: 'document',
    location: 'location',
    contactCard: 'contact card',
    sticker: 'sticker',
    reaction: 'reaction',
    reactionRemoved: '(removed)',
    call: 'call',
    videoCall: 'video call',
    undecryptable: 'a message WhatsApp could not decrypt',
    message: 'message',
    others: {
      poll: 'poll', 'poll results': 'poll results', event: 'event', 'group invite': 'group invite', 'channel invite': 'channel invite',
      payment: 'payment', 'payment request withdrawn': 'payment request withdrawn', order: 'order', product: 'product', invoice: 'invoice',
      'interactive message': 'interactive message', 'sticker pack': 'sticker pack', 'scheduled call': 'scheduled call', 'call log': 'call log',
      comment: 'comment', question: 'question', 'status mention': 'status mention', 'status reply': 'status reply', 'phone number request': 'phone number request',
    },
    keptAs: (file) => `kept as ${file}`,
    transcriptionFailed: (detail) => detail,
    keepFailed: (detail) => detail,
    notTranscribed: (reason) => `not transcribed: ${reason}`,
    tooLongToTranscribe: (bytes, limit) => `not transcribed: ${bytes} bytes is over the ${limit}-byte limit`,
    emptyTranscript: 'the transcription was empty',
    notKept: (reason) => `not kept: ${reason}`,
    quotaFull: (mb) => `the ${mb} MB media quota is full`,
  },
  es: {
    voiceNote: 'nota de voz',
    audio: 'audio',
    photo: 'foto',
    video: 'vídeo',
    document: 'documento',
    location: 'ubicación',
    contactCard: 'contacto',
    sticker: 'sticker',
    reaction: 'reacción',
    reactionRemoved: '(quitada)',
    call: 'llamada',
    videoCall: 'videollamada',
    undecryptable: 'un mensaje que WhatsApp no pudo descifrar',
    message: 'mensaje',
    others: {
      poll: 'encuesta', 'poll results': 'resultados de una encuesta', event: 'evento', 'group invite': 'invitación a un grupo', 'channel invite': 'invitación a un canal',
      payment: 'pago', 'payment request withdrawn': 'solicitud de pago retirada', order: 'pedido', product: 'producto', invoice: 'factura',
      'interactive message': 'mensaje interactivo', 'sticker pack': 'paquete de stickers', 'scheduled call': 'llamada programada', 'call log': 'registro de llamada',
      comment: 'comentario', question: 'pregunta', 'status mention': 'mención en un estado', 'status reply': 'respuesta a un estado', 'phone number request': 'petición de número de teléfono',
    },
    keptAs: (file) => `guardado como ${file}`,
    transcriptionFailed: () => 'el servicio de transcripción ha fallado; el detalle está en el registro del gateway',
    keepFailed: () => 'no se ha podido descargar ni guardar; el detalle está en el registro del gateway',
    notTranscribed: (reason) => `sin transcribir: ${reason}`,
    tooLongToTranscribe: (bytes, limit) => `sin transcribir: ${bytes} bytes supera el límite de ${limit} bytes`,
    emptyTranscript: 'la transcripción ha salido vacía',
    notKept: (reason) => `no guardado: ${reason}`,
    quotaFull: (mb) => `la cuota de ${mb} MB para archivos está llena`,
  },
};

export function gatewayWords(language: Language): GatewayWords {
  return WORDS[language];
}

function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

const quoted = (text: string | null | undefined) => (text?.trim() ? `: "${text.trim().slice(0, 1000)}"` : '');

/**
 * The line a conversation record shows for a message: `[voice note 0:14]`,
 * `[foto: "¿es aquí?"]`, `[location 40.41680,-3.70380]`. Text is itself.
 */
export function describeInbound(kind: MessageKind, text: string | null, info: MediaInfo = {}, language: Language = 'en'): string {
  const w = WORDS[language];
  switch (kind) {
    case 'text':
      return text ?? '';
    case 'audio':
      return `[${info.voiceNote === false ? w.audio : w.voiceNote}${info.seconds ? ` ${clock(info.seconds)}` : ''}]`;
    case 'image':
      return `[${w.photo}${quoted(text)}]`;
    case 'video':
      return `[${w.video}${info.seconds ? ` ${clock(info.seconds)}` : ''}${quoted(text)}]`;
    case 'document':
      return `[${w.document}${info.fileName ? ` ${info.fileName.slice(0, 120)}` : ''}${quoted(text)}]`;
    case 'location': {
      const at = info.latitude !== undefined && info.longitude !== undefined ? ` ${info.latitude.toFixed(5)},${info.longitude.toFixed(5)}` : '';
      return `[${w.location}${at}${info.name ? ` ${info.name.slice(0, 120)}` : ''}]`;
    }
    case 'contact':
      return `[${w.contactCard}${info.name ? `: ${info.name.slice(0, 100)}` : ''}${info.phone ? ` ${info.phone}` : ''}]`;
    case 'sticker':
      return `[${w.sticker}]`;
    case 'reaction':
      return `[${w.reaction} ${text?.trim() || w.reactionRemoved}]`;
    case 'call':
      return `[${info.video ? w.videoCall : w.call}]`;
    case 'undecryptable':
      return `[${w.undecryptable}]`;
    case 'other': {
      // A label from another transport (the simulator's `name`) is shown as it came.
      const label = info.name?.slice(0, 40);
      return `[${(label && (w.others[label as OtherLabel] ?? label)) || w.message}${quoted(text)}]`;
    }
  }
}
