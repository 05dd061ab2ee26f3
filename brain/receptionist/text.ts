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

const YES = /^(yes|yeah|yep|yup|y|ok|okay|sure|confirm|confirmed|correct|please do|go ahead|si|sí|vale|claro|confirmo|confirmar|de acuerdo|perfecto|dale|correcto)( please| por favor| thanks| gracias)?$/;
const NO = /^(no|nope|nah|n|not really|no thanks|no gracias|cancel that|mejor no|negativo)$/;

const YES_EMOJI = /^(👍|👌|✅|🙏|👍🏻|👍🏼|👍🏽|👍🏾|👍🏿)+$/u;

export const isAffirmative = (n: string) => YES.test(n) || YES_EMOJI.test(n);
export const isNegative = (n: string) => NO.test(n);

const HUMAN = [
  /\b(human|person|real person|someone|somebody|agent|operator|staff|receptionist|manager|doctor|dentist|owner)\b.*\b(speak|talk|chat|call|contact)|\b(speak|talk|chat|connect)\b.*\b(human|person|someone|somebody|agent|operator|staff|receptionist|manager|doctor|dentist|owner|real)\b/,
  /\b(call me( back)?|ring me)\b/,
  /\b(persona|humano|alguien|agente|encargad[oa]|recepcionista)\b/,
];
export const asksForHuman = (n: string) => HUMAN.some((re) => re.test(n));

const FRUSTRATION = /\b(useless|stupid|ridiculous|terrible|awful|worst|angry|furious|complaint|complain|disgusting|unacceptable|fed up|wtf|scam|idiot|inutil|estupid[oa]|ridicul[oa]|queja|reclamacion|harto|harta|enfadad[oa]|fatal|vergonzoso|pesim[oa])\b/;
export const isFrustrated = (n: string) => FRUSTRATION.test(n);

const CANCEL = /\b(cancel|cancels|cancell?ed|cancell?ing|call off|anul\w*|cancel[ae]\w*|cancelo)\b/;
const RESCHEDULE_ALONE = /\b(reschedule|re schedule|postpone|reprogram\w*|aplaz\w*|pospon\w*)\b/;
const RESCHEDULE = /\b(move|change|switch|bring forward|cambi\w*|mover|muev\w*|adelant\w*)\b/;
const APPOINTMENT_WORDS = /\b(appointment|appt|booking|reservation|slot|it|cita|reserva|hora|turno)\b/;

export const mentionsCancel = (n: string) => CANCEL.test(n);
/** "Can I move my appointment": a change verb about a booking, or a word that only means rescheduling. */
export const mentionsReschedule = (n: string) => RESCHEDULE_ALONE.test(n) || (RESCHEDULE.test(n) && APPOINTMENT_WORDS.test(n));

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
