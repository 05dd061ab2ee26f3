import type { Language } from '../../core/profile.js';

/**
 * Everything wr tells a business's staff on a tenant's behalf (escalation notices and what they
 * carry), in the business's language (profile `language`), not the customer's: the staff read
 * every notice, whoever wrote in. What a customer sent is quoted as it came.
 */
export interface StaffWords {
  needsPerson(who: string): string;
  moreFrom(who: string): string;
  /** Why the receptionist handed the chat to a person, keyed by its English wording. */
  reasons: Record<EscalationReason, string>;
  /** The receptionist gave up: how many turns in a row, and the customer's last message. */
  cannotHelp(times: number, text: string): string;
  sent(record: string): string;
  voiceNote(record: string): string;
  call(declined: boolean): string;
  cannotOpen(record: string): string;
}

export type EscalationReason = 'Customer asked for a call' | 'Customer asked for a person' | 'Customer seems upset';

const quote = (text: string) => `"${text.slice(0, 300)}"`;

const WORDS: Record<Language, StaffWords> = {
  en: {
    needsPerson: (who) => `${who} needs a person.`,
    moreFrom: (who) => `more from ${who}, still waiting for a person.`,
    reasons: {
      'Customer asked for a call': 'Customer asked for a call',
      'Customer asked for a person': 'Customer asked for a person',
      'Customer seems upset': 'Customer seems upset',
    },
    cannotHelp: (times, text) => `The receptionist could not help ${times} times in a row; last message: ${quote(text)}`,
    sent: (record) => `Sent ${record}.`,
    voiceNote: (record) => `Sent a voice note ${record} that could not be understood; asked them to type.`,
    call: (declined) => `Called on WhatsApp; the call was ${declined ? 'declined' : 'not answered'} and they were asked to write.`,
    cannotOpen: (record) => `Sent ${record}, which the bot cannot open.`,
  },
  es: {
    needsPerson: (who) => `${who} necesita que le atienda una persona.`,
    moreFrom: (who) => `${who} ha enviado algo más y sigue esperando a una persona.`,
    reasons: {
      'Customer asked for a call': 'El cliente ha pedido que le llamen',
      'Customer asked for a person': 'El cliente ha pedido hablar con una persona',
      'Customer seems upset': 'El cliente parece molesto',
    },
    cannotHelp: (times, text) => `La recepcionista virtual no ha podido ayudar ${times} veces seguidas; último mensaje: ${quote(text)}`,
    sent: (record) => `Ha enviado ${record}.`,
    voiceNote: (record) => `Ha enviado una nota de voz ${record} que no se ha podido entender; se le ha pedido que lo escriba.`,
    call: (declined) => `Ha llamado por WhatsApp; la llamada se ha ${declined ? 'rechazado' : 'quedado sin contestar'} y se le ha pedido que escriba.`,
    cannotOpen: (record) => `Ha enviado ${record}, que el bot no puede abrir.`,
  },
};

export function staffWords(language: Language): StaffWords {
  return WORDS[language];
}

/** An escalation's summary: why, then the customer's words that led to it. */
export function escalationSummary(language: Language, why: EscalationReason, text: string): string {
  return `${WORDS[language].reasons[why]}: ${quote(text)}`;
}
