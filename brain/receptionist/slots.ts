import { DateTime, type Zone } from 'luxon';
import type { Profile } from '../../core/profile.js';
import type { BookingFlow, PendingAction } from '../domain/state.js';
import { isAffirmative, isWarmYes, normalize, plain } from './text.js';
import { applyPart, type When } from './when.js';

/** The day and time a booking or reschedule flow has gathered so far, and the offers it showed. */
export type WhenSlots = Pick<BookingFlow, 'date' | 'time' | 'ambiguousMeridiem' | 'nearTime' | 'offered' | 'dayInDoubt' | 'dayAsked'>;

/** What one message gives the flow: its reading, a number picked from the offers, its normalised text. */
export interface WhenInput {
  when: When;
  choice?: number;
  normalized: string;
}

/** "the first one", "la segunda", "the evening one", "por la mañana": an answer to "At 08:00 or at 20:00?". */
function meridiemAnswer(normalized: string, when: When): 'am' | 'pm' | undefined {
  if (when.part) return when.part === 'morning' ? 'am' : 'pm';
  if (/^(?:(?:ok|vale|the|la|el|oh|ah|pues|then|entonces|at|a) )*(?:first|1st|1|primer[oa]?|earl(?:y|ier)|am|morning|manana)(?: one| opcion| option| please| pls| porfa| por favor)*$/.test(normalized)) return 'am';
  if (/^(?:(?:ok|vale|the|la|el|oh|ah|pues|then|entonces|at|a) )*(?:second|2nd|2|segund[oa]|later|pm|evening|afternoon|tarde|noche)(?: one| opcion| option| please| pls| porfa| por favor)*$/.test(normalized)) return 'pm';
  return undefined;
}

/** "same time the next day", "al día siguiente": the day after the one being talked about. */
const DAY_AFTER = /\b(the next day|next day|the day after(?! tomorrow)|the following day|the day after that|al dia siguiente|el dia siguiente|al otro dia|el dia de despues|un dia despues)\b/;
/** "the saturday after", "el sábado siguiente", "the following friday": that weekday after the day being talked about. */
const WEEKDAY_AFTER = /\b(following|siguiente|de despues)\b|\b(?:mon|tues|wednes|thurs|fri|satur|sun)day after\b(?! next)/;
const WEEK_AFTER = /\b(the week after|a week later|the following week|la semana siguiente|una semana despues|a la semana siguiente|la otra semana)\b/;

/** "same time", "a la misma hora", "same hour": the time of the booking or proposal talked about. */
export const SAME_TIME = /\b(same time|same hour|same slot|misma hora|mismo horario|that time|esa hora|esa misma hora)\b/;

/** "12", "ok 5 then", "vale, a las 12", "sorry I meant 4": a bare hour, which answers "what time?" or corrects the one agreed. */
const BARE_HOUR = new RegExp(
  '^(?:(?:ok|okay|vale|pues|then|entonces|is|would|does|at|a las|las|sobre las|around|about|sorry|soz|no|nah|oh|ah|wait|hang on|hold on|hmm|actually|i meant|meant|make it|perdona|perdon|uy|ay|mejor|quise decir|digo|espera|y|and|but|pero|grand|right|so|yeah|yes|si|bueno|venga|' +
    // "ok morning then, 11", "por la tarde, a las 5": the part of the day says which half.
    'please|pls|porfa|por favor|morning|afternoon|evening|in the morning|in the afternoon|in the evening|manana|tarde|noche|por la manana|por la tarde|por la noche)\\s+)*(\\d{1,2})' +
    // "8 would be better", "a las 8 me va mejor, se puede?", "11 then so, cheers", "12 entonces está bien": words that only
    // say the hour suits, or accept it.
    '(?:\\s+(?:please|pls|porfa|por favor|then|entonces|pm|am|instead|actually|mejor|en su lugar|so|cheers|thanks|ta|gracias|is (?:grand|fine|good|perfect|great)|works|(?:esta|me va|me vale) bien|me vale|genial|perfecto|not \\d{1,2}|would be (?:better|best|great|good|ideal|perfect)|would suit (?:me )?better|(?:works|suits) (?:me )?better|is better|if (?:possible|you can|that s ok)|me va mejor|me viene mejor|seria mejor|si se puede|se puede|si puede ser|puede ser|if poss|' +
    // "is 4 too late?", "would 4 work?": the hour asked about is the one wished for.
    'too late|too early|ok|okay|alright|any good|work|suit|be ok|be okay|be possible|possible|es muy tarde|es muy pronto|es tarde|esta bien|' +
    // "10 works for me", "a las 10 me va bien a mí".
    'for me|for us|a mi|para mi))*$',
);

/** A number that counts or prices something ("10 min", "£10", "for 2 people", "not 10"), never an hour. */
const NOT_AN_HOUR = /(?:[£$€#]|\b(?:not|no|except|menos|sin|para|for|x)\s+)\d|\d\s*(?:%|\w*\s*(?:m|min|mins|minutes?|minutos?|h|hr|hrs|hours?|horas?|people|persons?|personas?|pax|of us|kids|ninos|euros?|eur|pounds?|quid|bucks|dollars?|dolares|pesos|years?|anos|kg|km|miles|st|nd|rd|th)\b)/;
/**
 * "any chance of 10?", "10 good?", "tipo 10?": once the flow has asked what time on the day it holds, a short
 * message with one number of an hour's size and nothing that counts or prices with it answers that question,
 * whatever words go round it.
 */
function loneHour(normalized: string): RegExpExecArray | null {
  const numbers = normalized.match(/\d+/g) ?? [];
  // A longer message with a number in it tells something else ("I'm at 12 Byres Road").
  if (numbers.length !== 1 || normalized.split(' ').length > 6 || NOT_AN_HOUR.test(normalized)) return null;
  return /\b(\d{1,2})\b/.exec(normalized);
}

/**
 * Whether a message fills a slot only in relation to what the dialogue holds ("3 then", "al día
 * siguiente a la misma hora", "15 min later"): words only a flow understands, whatever else they resemble.
 */
export function fillsRelative(normalized: string): boolean {
  return BARE_HOUR.test(normalized) || DAY_AFTER.test(normalized) || WEEK_AFTER.test(normalized) || SAME_TIME.test(normalized) || timeShift(normalized) !== undefined;
}

/** "15 min", "half an hour", "media hora", "un cuarto de hora": how far a time moves. */
// A number written in words is a word of its own: "ahora" (now) is no "a hora".
const SHIFT_AMOUNT = /\b(?:(\d{1,3}) ?|(a|an|one|two|half an|a quarter of an|quarter of an|un|una|dos|media|un cuarto de|cuarto de) )(m|min|mins|minute|minutes|minutos?|h|hr|hrs|hour|hours|horas?)\b/;
const SHIFT_WORDS: Record<string, number> = { a: 1, an: 1, one: 1, two: 2, un: 1, una: 1, dos: 2, 'half an': 0.5, media: 0.5, 'a quarter of an': 0.25, 'quarter of an': 0.25, 'un cuarto de': 0.25, 'cuarto de': 0.25 };
/** Which way: "later", "push it back", "retrásala" or "earlier", "bring it forward", "adelántala". */
// "atrasar", "atrásala", not "atrás" (the back wheel).
const LATER = /\b(later|after|mas tarde|despues|push\w* ([\w']+ ){0,4}back|delay\w*|retras\w*|atras[aeo]\w*)\b/;
const EARLIER = /\b(earlier|before|antes|bring\w* ([\w']+ ){0,4}forward|move\w* ([\w']+ ){0,4}forward|adelant\w*)\b/;

/**
 * "the day after tomorrow", "the week after", "after work", "el día después": an "after" or "before" that places a day
 * or a part of one, no way to move a time.
 */
const PLACING = /\b(?:(?:the )?(?:day|week|weekend|month) (?:after|before)|(?:dia|semana|finde|mes) (?:de )?(?:despues|antes)|(?:after|before) (?:tomorrow|work|school|lunch|dinner|class|training|practice)|(?:despues|antes) del? (?:trabajo|colegio|cole|comer|almuerzo|clase|entreno)|after that|despues de eso)\b/g;
/** "a court for 90 mins", "una pista por una hora", "una sesión de media hora": a length the booking lasts. */
const LASTING = /\b(?:for|por|durante|de)\s*$/;

/** Minutes a message moves the time agreed by (negative: earlier), or undefined when it moves none. */
export function timeShift(written: string): number | undefined {
  const normalized = written.replace(PLACING, ' ');
  // The first amount that is no length of the booking: "for 2 hours, can we start an hour earlier".
  const m = [...normalized.matchAll(new RegExp(SHIFT_AMOUNT.source, 'g'))].find((a) => !LASTING.test(normalized.slice(0, a.index)));
  const later = LATER.test(normalized);
  if (!m || later === EARLIER.test(normalized)) return undefined;
  const amount = m[1] !== undefined ? Number(m[1]) : SHIFT_WORDS[m[2]!]!;
  const minutes = /^(m|min)/.test(m[3]!) ? amount : amount * 60;
  if (!Number.isInteger(minutes) || minutes <= 0 || minutes > 12 * 60) return undefined;
  return later ? minutes : -minutes;
}

/**
 * "Tuesday 31st at 9", then "same time on Wednesday": a bare weekday that changes a day already
 * chosen means that weekday nearest the chosen day (the 1st), not the first one from today (the
 * 25th). `date` is that first one; "this" or "next" keep it as read.
 */
export function weekdayNear(date: string, chosen: string, normalized: string): string {
  if (/\b(this|next|este|esta|proxim[oa]|que viene)\b/.test(normalized)) return date;
  const target = DateTime.fromISO(chosen);
  let best = DateTime.fromISO(date);
  for (let d = best.plus({ weeks: 1 }); Math.abs(d.diff(target, 'days').days) < Math.abs(best.diff(target, 'days').days); d = d.plus({ weeks: 1 })) best = d;
  return best.toISODate()!;
}

/**
 * The dialogue's slot filling, pure: each slot is overwritten only by what the message says. "same
 * time but on Wednesday" keeps the time, "ok 5pm then" keeps the day, "in the evening" settles an
 * "at 8" that could be either, a picked offer sets both, and a reply naming the real weekday of a
 * date the customer got wrong ("Friday the 19th", then "Thursday") means that date, and the weekday they wrote
 * said again means that weekday nearest it. A reading that
 * needs a question changes nothing, except that the time stands when only the day is in doubt.
 */
export function fillWhen(slots: WhenSlots, input: WhenInput, zone: Zone): WhenSlots {
  const { when, choice } = input;
  const next: WhenSlots = { ...slots };
  // "the third one", or "la de las 8 y cuarto" when one offer is at that time of either half of the day.
  const atTime = (iso: string) => { const t = DateTime.fromISO(iso, { zone }); return t.hour * 60 + t.minute; };
  const byTime = !choice && !when.date && when.time !== undefined && when.ambiguousMeridiem ? slots.offered?.filter((iso) => atTime(iso) % 720 === when.time! % 720) : undefined;
  const pick = choice ? slots.offered?.[choice - 1] : byTime?.length === 1 ? byTime[0] : undefined;
  if (pick) {
    const picked = DateTime.fromISO(pick, { zone });
    return { ...next, date: picked.toISODate()!, time: atTime(pick), ambiguousMeridiem: false, nearTime: undefined };
  }
  // Asked "At 08:00 or at 20:00?", a pick or a part of the day settles it.
  const answer = slots.ambiguousMeridiem && slots.time !== undefined && slots.date && when.time === undefined && !when.date ? meridiemAnswer(input.normalized, when) : undefined;
  if (answer) return { ...next, time: (slots.time! % (12 * 60)) + (answer === 'pm' ? 12 * 60 : 0), ambiguousMeridiem: false, nearTime: undefined };
  if (when.unclear === 'weekday_mismatch') {
    if (when.time !== undefined) [next.time, next.ambiguousMeridiem] = [when.time, when.ambiguousMeridiem];
    return { ...next, dayInDoubt: when.date };
  }
  if (when.unclear) {
    // "Friday at a quarter after 2" read as a range, "Friday around 3 or 4": the day is known, the time is asked.
    if (when.date && when.unclear !== 'several') [next.date, next.time, next.ambiguousMeridiem] = [when.date, undefined, undefined];
    return next;
  }
  // "I meant the week after, same time": the day chosen, seven days on; "the next day": one day on. After
  // offers for a closed day, the day that was asked for is the one talked about.
  const about = slots.date ?? slots.dayAsked;
  if (!when.date && about && WEEK_AFTER.test(input.normalized)) next.date = DateTime.fromISO(about).plus({ weeks: 1 }).toISODate()!;
  // "mejor la semana que entra, el mismo día", "next week instead": the day talked about's weekday, in the week named.
  else if (!when.date && about && when.week && when.week > about) next.date = DateTime.fromISO(when.week).plus({ days: DateTime.fromISO(about).weekday - 1 }).toISODate()!;
  else if (!when.date && about && DAY_AFTER.test(input.normalized)) next.date = DateTime.fromISO(about).plus({ days: 1 }).toISODate()!;
  else if (when.date && when.weekdayOnly && about && WEEKDAY_AFTER.test(input.normalized)) {
    const from = DateTime.fromISO(about);
    next.date = from.plus({ days: (DateTime.fromISO(when.date).weekday - from.weekday + 7) % 7 || 7 }).toISODate()!;
    next.dayInDoubt = undefined;
  } else if (when.date) {
    const doubted = slots.dayInDoubt && when.weekdayOnly && DateTime.fromISO(slots.dayInDoubt).weekday === DateTime.fromISO(when.date).weekday;
    // The weekday they wrote, said again ("Friday 4/2" is a Thursday; "friday"): that weekday nearest the date.
    const near = when.weekdayOnly ? (slots.date ?? slots.dayInDoubt) : undefined;
    next.date = doubted ? slots.dayInDoubt : near ? weekdayNear(when.date, near, input.normalized) : when.date;
    next.dayInDoubt = undefined;
  }
  const shift = timeShift(input.normalized);
  // "can we do 15 min later": the time agreed, moved; a number in those words is no time of its own.
  // An hour without am/pm that replaces a time proposed keeps that time to choose the nearer reading by.
  const replaced = (ambiguous: boolean | undefined) => (ambiguous ? (slots.ambiguousMeridiem ? slots.nearTime : slots.time) : undefined);
  if (shift !== undefined && next.time !== undefined && !next.ambiguousMeridiem && next.time + shift >= 0 && next.time + shift < 24 * 60) next.time += shift;
  else if (when.time !== undefined) [next.time, next.ambiguousMeridiem, next.nearTime] = [when.time, when.ambiguousMeridiem, replaced(when.ambiguousMeridiem)];
  else if (when.part && next.time !== undefined && next.ambiguousMeridiem) [next.time, next.ambiguousMeridiem] = [applyPart(next.time, when.part), false];
  // A bare hour answers "what time?" or replaces the time agreed ("sorry I meant 4"); after offers it is a
  // time of its own only when no offer has its number ("ok 5 then").
  else if (next.date) {
    const bare = BARE_HOUR.exec(input.normalized) ?? (slots.date && slots.time === undefined && !when.date ? loneHour(input.normalized) : null);
    const hour = bare ? Number(bare[1]) : undefined;
    // "3 then" after offers at 14:00, 14:30 and 15:00: the offer at that hour, not the third one.
    const offeredAt = hour !== undefined && hour <= 12 ? next.offered?.filter((iso) => atTime(iso) % 720 === (hour % 12) * 60) : undefined;
    if (offeredAt?.length === 1) return { ...next, date: DateTime.fromISO(offeredAt[0]!, { zone }).toISODate()!, time: atTime(offeredAt[0]!), ambiguousMeridiem: false, nearTime: undefined };
    if (hour !== undefined && hour <= 23 && hour > (next.offered?.length ?? 0)) {
      const ambiguous = hour <= 12 && !when.part;
      [next.time, next.ambiguousMeridiem, next.nearTime] = [hour <= 12 && when.part ? applyPart(hour * 60, when.part) : hour * 60, ambiguous, replaced(ambiguous)];
    }
  }
  return next;
}

/**
 * A long, warm yes to the proposal waiting ("perfecto, allá estaremos el viernes a las 10, muchas gracias",
 * "see you Friday!"): it confirms when every day, time and service it names repeats the proposal's own
 * (`when` and `named` read from the same message); a different one is a correction, not a yes.
 */
export function confirmsProposal(text: string, pending: PendingAction, when: When, named: readonly Profile['services'][number][], zone: Zone): boolean {
  // "perfect yes please, do we need to bring our own cake?": a yes, then a question that changes nothing.
  if (yesThenQuestion(text, pending.action) && !when.date && when.time === undefined && !when.part && named.every((s) => pending.action === 'create_booking' && s.id === pending.serviceId)) return true;
  if (pending.action === 'cancel_booking' || !isWarmYes(text, named.flatMap((s) => [s.name, ...s.aliases]))) return false;
  const start = DateTime.fromISO(pending.start, { zone });
  const minutes = start.hour * 60 + start.minute;
  if (when.impossible || when.unclear || when.week || when.range || when.earliest) return false;
  if (when.date && when.date !== start.toISODate()) return false;
  // "see you at 10" for 10:00 or 22:00 both repeat a 10:00 proposal: the hour, not its half of the day, is checked.
  if (when.time !== undefined && when.time !== minutes && !(when.ambiguousMeridiem && when.time % 720 === minutes % 720)) return false;
  if (when.part && applyPart(minutes, when.part) !== minutes) return false;
  // A number the reading left unplaced ("the 3 of us") may be a time of its own: not a plain yes.
  if (/\d/.test(text) && when.time === undefined && !when.date) return false;
  return named.every((s) => pending.action === 'create_booking' && s.id === pending.serviceId);
}

/** Words that make what follows a yes a change or a doubt, not a question beside it. */
const NOT_ASIDE = /\d|\b(?:no|not|nope|but|pero|wait|espera|instead|rather|mejor|change|cambi\w*|move|mov\w*|another|other|otr[oa]s?|different|later|earlier|antes|despues|cancel\w*|anul\w*|actually|en realidad|maybe|quizas?|if|si no)\b/;

/**
 * "perfect yes please, do we need to bring our own cake?", "si, y hay que llevar la ficha técnica verdad?": a plain yes
 * to the proposal in the first clause, then a question that asks nothing about the booking. The question, or undefined.
 */
export function yesThenQuestion(text: string, action: PendingAction['action']): string | undefined {
  const m = /^([^,.!?;]+)[,.!;]+\s*(.+\?)\s*$/su.exec(text.trim());
  if (!m || !isAffirmative(normalize(m[1]!), action)) return undefined;
  return NOT_ASIDE.test(normalize(m[2]!)) ? undefined : m[2]!;
}

/** Yes words that may carry a yes saying which booking it is for. */
const YES_WORDS = new Set(['yes', 'yep', 'yeah', 'yup', 'ya', 'sure', 'ok', 'okay', 'si', 'vale', 'dale', 'claro', 'confirm', 'confirmed', 'confirmo', 'confirmado', 'please', 'porfa']);
/** "too", "también": a yes to the next of several bookings, said as going with the one before. */
const ALSO_WORDS = new Set(['too', 'also', 'tambien', 'tmb', 'igual']);
/** Words that only point at whose booking it is or which: "for the", "la de él", "mine", "for my wife". */
const WHOSE_WORDS = new Set(
  ('for the a to and of one s de del el la lo los las para y me mine my her hers his him theirs ours them mi mio mia mis su sus suya suyo ella ellos nuestra nuestro ' +
    'wife husband son daughter mum mom dad friend sister brother partner neighbor neighbour neighbors neighbours girls boys kids ' +
    'esposo esposa marido mujer hijo hija mama papa madre padre amigo amiga hermano hermana vecino vecina cunado cunada chicas ninos nenes').split(' '),
);
const BOTH = /\b(?:both|all of them|(?<!\ba )(?:las|los) dos|ambas|ambos|todas|todos)\b/g;
const NOT_YES = new Set(['no', 'not', 'nope', 'nah', 'but', 'pero', 'wait', 'espera']);

/**
 * A yes that says which booking it is for ("yes for the try on", "sí, el de los faros", "si la de él"), or, to one of
 * several bookings asked together (`several`), that it goes with the other ("yes for Donna's too",
 * "el lavado también"): yes or also words, the proposal's own service, words for whose it is and at most one name.
 */
export function saysYesTo(text: string, pending: PendingAction, named: readonly Profile['services'][number][], services: readonly Profile['services'][number][], several: boolean): boolean {
  if (pending.action !== 'create_booking' || text.includes('?') || named.some((s) => s.id !== pending.serviceId)) return false;
  const own = services.find((s) => s.id === pending.serviceId);
  // The proposal's service, by its name or a word of it ("el masaje" for "Masaje relajante"), says which.
  const ownWords = new Set((own ? [own.name, ...own.aliases] : []).flatMap((t) => plain(normalize(t)).split(' ')).filter((w) => w.length >= 3));
  // "yes, both please", "sí, las dos" to the next of several: both are wanted ("a las dos" is still 2 o'clock).
  const said = several ? normalize(text).replace(BOTH, ' yes ') : normalize(text);
  const words = plain(said).split(' ').filter(Boolean).filter((w) => !ownWords.has(w) && !ownWords.has(w.replace(/e?s$/, '')));
  const yes = words.some((w) => YES_WORDS.has(w) || (several && ALSO_WORDS.has(w)));
  if (!yes || words.some((w) => NOT_YES.has(w) || /\d/.test(w))) return false;
  const other = words.filter((w) => !YES_WORDS.has(w) && !WHOSE_WORDS.has(w) && !(several && ALSO_WORDS.has(w)));
  // "Donna's": a name, as written with a capital, says whose.
  return other.length === 0 || (other.length === 1 && new RegExp(`(?:^|[^\\p{L}])${other[0]![0]!.toUpperCase()}${other[0]!.slice(1)}`, 'u').test(text.normalize('NFD').replace(/[\u0300-\u036f]/g, '')));
}
