/** Text normalisation and the small closed-vocabulary checks the engines share. */

/** Lower case, accents removed, punctuation to spaces, whitespace collapsed. */
export function normalize(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[¿¡!?.,;:"()[\]{}*_~`]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** True when a message has no letters or digits at all (emoji, punctuation). */
export function hasNoWords(text: string): boolean {
  return !/[\p{L}\p{N}]/u.test(text);
}

/** Opt-out only as the whole message: carriers list CANCEL too, and "cancel my appointment" is not one. */
const OPT_OUT = new Set(['stop', 'stop all', 'unsubscribe', 'opt out', 'optout', 'end', 'quit', 'baja', 'darme de baja', 'parar', 'detener']);
const OPT_IN = new Set(['start', 'unstop', 'subscribe', 'alta', 'empezar', 'reanudar']);

export const isOptOut = (n: string) => OPT_OUT.has(n);
export const isOptIn = (n: string) => OPT_IN.has(n);

/** Words that say yes on their own. */
const YES_CORE = [
  'yes', 'yeah', 'yea', 'yep', 'yup', 'yas', 'y', 'ok', 'okay', 'okey', 'k', 'kk', 'sure', 'confirm', 'confirmed', 'correct', 'perfect', 'absolutely', 'definitely',
  'go ahead', 'please do', 'do it', 'book it', 'sounds good', 'that works', 'works for me', 'that s fine', 'thats fine', 'fine', 'alright', 'all right', 'great', 'lovely', 'brilliant',
  'si', 'sip', 'vale', 'claro', 'confirmo', 'confirmar', 'confirmado', 'confirmalo', 'confirma', 'de acuerdo', 'perfecto', 'dale', 'correcto', 'genial', 'venga', 'adelante',
  'reservalo', 'me va bien', 'me viene bien', 'me parece bien', 'esta bien', 'sin problema', 'por supuesto', 'hecho',
  'go for it', 'hazlo',
];
/** Words that go with a yes without changing it. */
const YES_FILLER = ['please', 'pls', 'plz', 'thanks', 'thank you', 'cheers', 'then', 'that', 'it', 'one', 'por favor', 'porfa', 'gracias', 'pues', 'entonces', 'eso', 'bien', 'muy', 'so', 'and', 'y', 'oh', 'ah', 'the', 'for me', 'para mi'];
/**
 * A change's own verbs: a yes to that change only ("yes, cancel it" confirms a cancellation, never
 * a booking it was asked about). Core words say yes alone; the others only after a yes.
 */
const YES_TO: Record<string, { core: string[]; filler: string[] }> = {
  create_booking: { core: ['book that', 'book me in', 'sign me up', 'reservamelo', 'reservala', 'reservamela', 'apuntame'], filler: ['book', 'reserva'] },
  cancel_booking: { core: [], filler: ['cancel it', 'cancel', 'cancelala', 'cancelalo', 'anulala', 'anulalo'] },
  reschedule_booking: { core: [], filler: ['move it', 'reschedule it', 'cambiala', 'cambialo', 'muevela', 'muevelo'] },
};
const YES_EMOJI = /👍|👌|✅|🙏|💯|🙌/u;
const EMOJI = /[\p{Extended_Pictographic}\u{1F3FB}-\u{1F3FF}\uFE0F\u200D]/gu;
const phrases = (core: string[], filler: string[]) => [...core.map((w) => [w, true] as const), ...filler.map((w) => [w, false] as const)].sort((a, b) => b[0].length - a[0].length);
const YES_PHRASES = phrases(YES_CORE, YES_FILLER);
const YES_PHRASES_TO = new Map(Object.entries(YES_TO).map(([change, words]) => [change, phrases([...YES_CORE, ...words.core], [...YES_FILLER, ...words.filler])]));

/** Emoji and apostrophes out, for the closed-vocabulary readers below. */
const plain = (n: string) => n.replace(EMOJI, ' ').replace(/'/g, ' ').replace(/\s+/g, ' ').trim();

/**
 * A yes to the proposal just shown: only yes-words and fillers ("ok yes", "yes that works",
 * "sí, confírmalo", "vale sí", "yes 👍", "go ahead"), and with `change` (the pending action) that
 * change's own verbs ("yes, book it", "sí, cancélala"). Anything else in the message (a time, a
 * "but", a "no") means it is not a plain yes and the engine reads it as a change.
 */
export function isAffirmative(n: string, change?: string): boolean {
  const words = (change && YES_PHRASES_TO.get(change)) || YES_PHRASES;
  let core = YES_EMOJI.test(n);
  let rest = plain(n);
  while (rest) {
    const hit = words.find(([w]) => rest === w || rest.startsWith(`${w} `));
    if (!hit) return false;
    core ||= hit[1];
    rest = rest.slice(hit[0].length).trim();
  }
  return core;
}

const NO = /^(no+|nope|nah|n|nop|not really|no thanks|no thank you|no gracias|cancel that|mejor no|no mejor no|negativo|no wait|wait|hold on|espera|no espera|no no|ni hablar|para nada|don t|dont)( please| por favor| thanks| gracias)?$/;
export const isNegative = (n: string) => NO.test(plain(n));

const UNSURE = /^(?:h+m+|m{2,}|e+h+|uh+m*)?\s*(?:i m not sure|im not sure|not sure|unsure|let me think|let me check|maybe|perhaps|idk|dunno|i don t know|no se|no estoy segur[oa]|quizas?|a lo mejor|tal vez|dejame pensar(?:lo)?|lo pienso|no lo se)?\s*(?:yet|todavia|aun)?$/;
/** "hmm not sure", "no sé": neither yes nor no; the proposal keeps waiting. */
export const isUnsure = (n: string) => plain(n).length > 0 && UNSURE.test(plain(n));

/** A request to stop messages in other words than the exact opt-out ones: answered with a question offering STOP. */
const STOP_REQUEST = /\b(stop (messaging|texting|sending|writing|contacting)|(don t|dont|do not) (message|text|contact|write to) me|remove me from|unsubscribe me|no (me )?(escribais|escribas|mandeis|mandes|envieis|envies) mas|no quiero recibir (mas )?mensajes|dejad de (escribirme|mandarme|enviarme)|deja de (escribirme|mandarme|enviarme)|dejen de (escribirme|mandarme|enviarme))\b/;
export const asksToStopMessages = (n: string) => STOP_REQUEST.test(plain(n));

const HUMAN = [
  /\b(human|person|real person|someone|somebody|agent|operator|staff|receptionist|manager|doctor|dentist|owner)\b.*\b(speak|talk|chat|call|contact)|\b(speak|talk|chat|connect)\b.*\b(human|person|someone|somebody|agent|operator|staff|receptionist|manager|doctor|dentist|owner|real)\b/,
  /\b(call me( back)?|ring me|message me back|text me back|(person|someone|somebody) (to )?(call|ring|message|text|contact) me)\b/,
  /\b(persona|humano|(?<!hay )alguien|agente|encargad[oa]|recepcionista)\b/,
  /\b(speak|talk|chat) (to|with) (the|a|an|your|someone|somebody)\b|\b(pasame|ponme) con\b|\bhablar con (el|la|un|una|alguien)\b/,
  /(?<!\b(?:are you|r u|is this|am i talking to|eres) (?:a |an |una |un )?)\b(real|actual|live) (person|human|people)\b|\balguien (real|de verdad)\b|\b(want|need|get me|give me|prefer) (to talk to |to speak to |to speak with )?(a |an )?(real |actual )?(human|person)\b/,
];
export const asksForHuman = (n: string) => HUMAN.some((re) => re.test(n));

const FRUSTRATION = /\b(useless|stupid|ridiculous|terrible|awful|worst|angry|furious|complaint|complain|disgusting|unacceptable|fed up|wtf|scam|idiot|inutil|estupid[oa]|ridicul[oa]|queja|reclamacion|harto|harta|enfadad[oa]|vergonzoso|pesim[oa])\b/;
export const isFrustrated = (n: string) => FRUSTRATION.test(n);

const CANCEL = /\b(cancel|cancels|cancell?ations?|cancell?ed|cancell?ing|call off|anul\w*|cancel[ae]\w*|cancelo|delete my|remove my|borra\w* (mi|la))\b/;
const RESCHEDULE_ALONE = /\b(reschedule|re schedule|postpone|push (it |my \w+ |the \w+ )?(back|forward)|bring (it |my \w+ )?forward|(a )?(bit|little) (later|earlier)|(later|earlier) instead|un poco (mas tarde|antes)|rearrange|re arrange|swap my|running late|reprogram\w*|aplaz\w*|pospon\w*|retras\w*|atras\w*|pasarla|pasarlo|moverla|moverlo|cambiarla|cambiarlo)\b/;
const RESCHEDULE = /\b(move|change|switch|push|bring forward|cambi\w*|mover|muev\w*|adelant\w*)\b|\bme la (podeis |puedes |podrias )?(pasar|cambiar|mover)\b/;
const APPOINTMENT_WORDS = /\b(appointment|appt|booking|reservation|slot|session|it|cita|reserva|hora|turno|sesion|la)\b/;

/** "Do you charge for late cancellations?" asks about the policy; it cancels nothing. */
const CANCEL_POLICY = /\b(cancellations|policy|fee|fees|charge|charged|penalty|penalt\w*|notice|politica|penalizacion|cobr\w*|antelacion|se paga|pagar)\b/;
export const mentionsCancel = (n: string) => CANCEL.test(n) && !CANCEL_POLICY.test(n);
export const asksCancelPolicy = (n: string) => CANCEL.test(n) && CANCEL_POLICY.test(n);
/** "Can I move my appointment": a change verb about a booking, or a word that only means rescheduling. */
export const mentionsReschedule = (n: string) => RESCHEDULE_ALONE.test(n) || (RESCHEDULE.test(n) && APPOINTMENT_WORDS.test(n));
/** A change verb alone ("move the MOT to Monday"): a reschedule when it names a service the customer has booked. */
export const mentionsChange = (n: string) => RESCHEDULE.test(n);

/** "2", "option 2", "the second one", "la segunda": a pick from a numbered list (1-based). */
export function parseChoice(n: string, max: number): number | undefined {
  const ordinals: [RegExp, number][] = [
    [/\b(first|1st|primer[oa]?)\b/, 1],
    [/\b(second|2nd|segund[oa])\b/, 2],
    [/\b(third|3rd|tercer[oa]?)\b/, 3],
  ];
  const digit = /^(?:option |opcion |number |numero |la |el |#)?(\d)$/.exec(n);
  const pick = digit ? Number(digit[1]) : ordinals.find(([re]) => re.test(n) && n.split(' ').length <= 4)?.[1];
  return pick !== undefined && pick >= 1 && pick <= max ? pick : undefined;
}

/** A plausible person's name from a reply to "what name should I use?", or undefined. */
export function extractName(text: string): string | undefined {
  const stripped = text
    .trim()
    .replace(/^(my name is|my name's|i am|i'm|im|it's|its|name is|call me|me llamo|mi nombre es|soy|a nombre de)\s+/i, '')
    .replace(/[.!,]+$/, '')
    .trim();
  if (!/^[\p{L}][\p{L}' .-]{0,58}[\p{L}.]?$/u.test(stripped)) return undefined;
  if (stripped.split(/\s+/).length > 5) return undefined;
  // "yes", "ok", "no", "thanks" answer the question; they are not who the booking is for.
  const n = normalize(stripped);
  if (isAffirmative(n) || isNegative(n) || /^(thanks|thank you|gracias|hello|hi|hola)$/.test(n)) return undefined;
  return stripped
    .split(/\s+/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}
