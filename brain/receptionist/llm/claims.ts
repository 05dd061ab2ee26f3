import { normalize } from '../text.js';

/**
 * Whether a model's reply tells the customer a booking was made, moved or cancelled. The engine
 * checks it on turns where nothing was written: a customer told "You're booked!" walks away
 * believing it. Sentences are read one by one, normalised (lower case, no accents), English and
 * Spanish.
 */

const DONE_EN = '(booked|reserved|scheduled|cancell?ed|moved|rescheduled|confirmed)';
const DONE_ES = '(reservad|agendad|apuntad|cancelad|anulad|cambiad|movid|confirmad|programad)[oa]s?';

/** Said only of a change just made. */
const CLAIMS = [
  new RegExp(`\\b(i|we) (ve|have)( just| now| already| successfully)? (booked|reserved|scheduled|cancell?ed|moved|rescheduled)\\b`),
  /\b(i|we) (ve |have )?(just |now |already |successfully )?confirmed (it|your|the|you)\b/,
  /\bi (just |now |already |successfully )?(booked|reserved|cancell?ed|rescheduled)\b/,
  /\byou (re|are)( now| all)? (booked|set|confirmed|scheduled|cancell?ed)\b/,
  new RegExp(`\\b(has|have) been( successfully)? ${DONE_EN}\\b`),
  new RegExp(`\\b(is|are|s) now ${DONE_EN}\\b`),
  /\b(booked|reserved|cancell?ed|moved|rescheduled) (you|it|your|them|everything|both|all)\b/,
  new RegExp(`\\bsuccessfully ${DONE_EN}\\b`),
  /^(booked|cancell?ed|rescheduled|all set)\b/,
  /\b(both|all|everything|all of them)( are| have been| were)?( now)? (booked|cancell?ed|moved|rescheduled)\b/,
  /\b(te |le |os |les )?(he|hemos) (reservado|agendado|apuntado|cancelado|anulado|cambiado|movido|confirmado|programado)\b/,
  new RegExp(`\\b(ha|han) (sido|quedado) ${DONE_ES}\\b`),
  new RegExp(`\\b(queda|quedo|quedan|ya esta|ya estan|ya estas|ya tienes) (tu |su )?(cita |reserva )?${DONE_ES}\\b`),
  /^(reservad|cancelad|anulad)[oa]\b/,
  /\bse (ha|han) (reservado|agendado|cancelado|anulado|cambiado|movido|confirmado|programado)\b/,
  /\breserva hecha\b/,
];

/** Said of a change just made, and also of a booking that already exists ("your check-up is confirmed"). */
const MAYBE_CLAIMS = [
  new RegExp(`\\b(booking|appointment|reservation|visit|it|that) (is|s) ${DONE_EN}\\b`),
  /^(done|confirmed|all done)\b/,
  new RegExp(`\\b(cita|reserva|visita) ((esta|estan) )?${DONE_ES}\\b`),
  /^(hecho|listo|confirmad[oa])\b/,
  // "See you Thursday at 4!" tells the customer the visit is fixed.
  /\bsee you (then|on|tomorrow|at|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b/,
  /\b(nos vemos|te esperamos|le esperamos) (el|la|manana|entonces|a las|lunes|martes|miercoles|jueves|viernes|sabado|domingo)\b/,
];

/** Words before a claim that make it about what did not or will happen ("Nothing has been booked", "once you confirm, you're booked"). */
const NOT_DONE = /\b(not|nothing|never|once|when|after|if|until|before|can|could|shall|should|need|want|aun|todavia|nada|nunca|cuando|hasta|antes|puedo|podemos|quieres|quiere|para que|en cuanto|una vez|no (te|le|os|se|lo|la|he|hemos|ha|han|esta|estan|queda))\b/;

function sentences(text: string): string[] {
  return text
    .split(/[.!?¡¿\n]+/)
    .map((s) => normalize(s.replace(/[’']/g, ' ')))
    .filter(Boolean);
}

/**
 * `inChange`: the turn is about a change (one waits for a YES, was proposed, or the customer said
 * yes): then the ambiguous phrasings count too.
 */
export function claimsChange(text: string, inChange: boolean): boolean {
  const patterns = inChange ? [...CLAIMS, ...MAYBE_CLAIMS] : CLAIMS;
  return sentences(text).some((s) =>
    patterns.some((re) => {
      const hit = re.exec(s);
      const before = s.slice(0, hit?.index);
      return hit !== null && !NOT_DONE.test(before) && !/\bno $/.test(before);
    }),
  );
}
