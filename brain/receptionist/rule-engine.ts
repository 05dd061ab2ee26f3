import { SURE } from './classifier.js';
import { DateTime } from 'luxon';
import { formatClock, type Profile } from '../../core/profile.js';
import { nextOpening, openIntervalAt, rangesFor } from '../domain/calendar.js';
import type { Engine, EngineResult, Intent, Turn } from './engine.js';
import { applyChange, samePending, type BookingFlow, type CancelFlow, type PendingAction, type QueuedBooking, type RescheduleFlow } from '../domain/state.js';
import { severalBookings, withoutNumberedNames } from './several.js';
import { ABOUT_OFFER, PRICE, WHEN_TO_COME, finalRequest, keywordIntents } from './keywords.js';
import { asksForHuman, asksToStopMessages, doubtsBot, isFrustrated, withoutChat } from './conversation.js';
import { nameInMessage, selfInLowerCase, signedInLowerCase } from './names.js';
import { isEverydayWord } from './vocabulary.js';
import { asksCancelPolicy, asksLatePolicy, extractName, hasNoWords, isAffirmative, isNegative, isUnsure, mentionsCancel, mentionsChange, mentionsReschedule, normalize, parseChoice, withoutExclusions } from './text.js';
import { checkStart, freeStarts, requestBooking, requestCancel, requestReschedule, summarize, upcoming, type BookingSummary } from '../domain/bookings.js';
import { escalateToHuman, settle } from './tools.js';
import { escalationSummary, type EscalationReason } from '../domain/staff-words.js';
import { nameCore, serviceForParty, sharesServiceWord } from './matchers.js';
import { SAME_TIME, fillWhen, fillsRelative, timeShift, weekdayNear, yesThenQuestion } from './slots.js';
import { localDateTime, parseWhen, resolveMeridiem, spanStart, type DayPart, type RangeWish, type When } from './when.js';
import { zoneOf } from '../domain/zone.js';
import { cached } from '../../core/memo.js';

type Service = Profile['services'][number];

interface Reading {
  when: When;
  service: Service | undefined;
  /** Services the message could mean equally ("a haircut" where three names hold the word): asked between. */
  undecided: Service[];
}

interface Entities extends Reading {
  choice?: number;
}

/** What the message says about when and which service, read once per turn. */
const readings = new WeakMap<Turn, Reading>();
function read(turn: Turn): Reading {
  return cached(readings, turn, () => {
    // "not friday, saturday", "the haircut, not the colour": what is ruled out is not read.
    const text = withoutExclusions(turn.text);
    const found = turn.services.find(text);
    // Several services said: the ones asked for, of which one is the service and more are asked between; of a general
    // service and one made specific that the message names by its own words, the matcher keeps the specific.
    const undecided = turn.services.undecided(text);
    const open = turn.services.specific(found.length > 0 ? wished(turn, text, undecided) : undecided, text);
    // "mesa para 2 el viernes": a business that sells tables by size is told the size, not the service's name.
    const service = open.length === 1 ? open[0] : open.length > 1 ? undefined : (found[0] ?? serviceForParty(turn.tools.profile.services, text));
    // "how much for a one to one": a number in a service's name is no time.
    const dated = withoutNumberedNames(text, turn.tools.profile.services);
    return { when: namedHoliday(turn, withoutStoryDays(turn, dated, parseWhen(dated, turn.language, turn.tools.now))), service, undecided: open.length > 1 ? open : [] };
  });
}

/** Whether the message holds the service's name or one of its aliases, word for word. */
function namedAsWritten(turn: Turn, service: Service): boolean {
  const said = ` ${nameCore(turn.text)} `;
  return [service.name, ...service.aliases].map(nameCore).some((t) => t.length >= 3 && said.includes(` ${t} `));
}

/** The message as the date and time rules read it: "30 min lessons", "a one to one" are services, not a length or an hour. */
const dateTexts = new WeakMap<Turn, string>();
const dateText = (turn: Turn) => cached(dateTexts, turn, () => normalize(withoutNumberedNames(turn.text, turn.tools.profile.services)));

/** Where sentences end: a clause within one ("same time but on wednesday") is read with it. */
const SENTENCES = /[.?!;]+(?:\s+|$)|\n+/;

/**
 * "a move out clean on Friday at noon? keys go back to the landlord on saturday": of several days, the one said
 * in a sentence with a time is the wish; a day alone in a sentence of its own tells the story. Days in one
 * sentence ("friday or saturday"), or a message that moves a booking from one day to another, stay several.
 */
function withoutStoryDays(turn: Turn, text: string, when: When): When {
  if (when.unclear !== 'several' || mentionsChange(unnamed(turn)) || mentionsReschedule(unnamed(turn))) return when;
  const { now } = turn.tools;
  const clauses = text.split(SENTENCES).filter((c) => c && c.trim());
  const read = clauses.map((c) => ({ c, when: parseWhen(c, turn.language, now), sameTime: SAME_TIME.test(normalize(c)) }));
  const dated = read.filter((r) => r.when.date || r.when.unclear === 'several');
  const wish = dated.filter((r) => r.when.time !== undefined || r.sameTime);
  if (wish.length !== 1 || dated.length < 2 || wish[0]!.when.unclear) return when;
  const story = new Set(dated.filter((r) => r !== wish[0]).map((r) => r.c));
  const rest = parseWhen(clauses.filter((c) => !story.has(c)).join(', '), turn.language, now);
  return rest.unclear === 'several' || !rest.date ? when : rest;
}

/** Where a message's clauses part: punctuation, or "and" / "but" between them. */
const CLAUSES = /[.,;:!?()]+|\s(?:and|but|y|pero|so|asi que)\s/iu;

/** A clause that tells what was done before: "she already had her consultation", "ya vine a la evaluación". What someone advised ("me dijo que regresara para acupuntura") is no story: it is often the wish. */
const PREFERS = /\b(actually|rather|instead|make it|mejor|en vez|en lugar|prefiero|prefer)\b/;
const TOLD = /\b(already|had|did|went|came|got (?:my|it|them|her|his)|ya|vine|vino|vinimos|fui|fue|tuve|tuvo|hice|hizo|recommended|recomendo|recomendaron|recomendasteis)\b/;

/**
 * Of several services a message names, the ones it asks for: a service named only beside a day gone
 * by, or in a clause telling what was done, is the story ("ya vino a la valoración el 17 de
 * noviembre … las sesiones de niños"). Two or more still wished for are asked between, never guessed.
 */
function wished(turn: Turn, text: string, found: Service[]): Service[] {
  const today = turn.tools.now.toISODate()!;
  const told = new Set<string>();
  const asked = new Set<string>();
  const preferred = new Set<string>();
  for (const clause of text.split(CLAUSES).filter((c) => c && c.trim())) {
    const named = turn.services.find(clause, false);
    const day = parseWhen(clause, turn.language, turn.tools.now).date;
    const n = normalize(clause);
    for (const s of named) ((day && day < today) || TOLD.test(n) ? told : asked).add(s.id);
    // "mejor el blanqueamiento, … en la limpieza": the clause that corrects says which.
    if (PREFERS.test(n)) for (const s of named) preferred.add(s.id);
  }
  const chosen = found.filter((s) => preferred.has(s.id));
  if (chosen.length === 1) return chosen;
  const story = storyServices(turn, text);
  const left = found.filter((s) => (!told.has(s.id) || asked.has(s.id)) && !story.has(s.id));
  return left.length > 0 ? left : found;
}

/**
 * "it is a DISASTER inside, three kids + a dog. Could someone come out Friday at 8am for the full detail?": of the
 * message's sentences, those with a day, a time or a request say what is wished; a service named only in the
 * others ("inside" for the interior detail) tells the story, when a sentence with the wish names a service itself.
 */
function storyServices(turn: Turn, text: string): Set<string> {
  const sentences = text.split(SENTENCES).filter((c) => c && c.trim());
  if (sentences.length < 2) return new Set();
  const read = sentences.map((c) => {
    const when = parseWhen(c, turn.language, turn.tools.now);
    const wish = Boolean(when.date || when.time !== undefined) || keywordIntents(normalize(c)).includes('book') || ADD_ON.test(normalize(c));
    return { wish, named: turn.services.find(c, false).map((s) => s.id) };
  });
  const wished = new Set(read.filter((r) => r.wish).flatMap((r) => r.named));
  if (wished.size === 0) return new Set();
  return new Set(read.filter((r) => !r.wish).flatMap((r) => r.named).filter((id) => !wished.has(id)));
}

/**
 * "easter monday", "el día de San Jorge": a day the business's own calendar names (an exception's
 * note) is that date, when the message names no date of the month of its own.
 */
function namedHoliday(turn: Turn, when: When): When {
  if (when.impossible || (when.date && !when.weekdayOnly && when.unclear !== 'several')) return when;
  const today = turn.tools.now.toISODate()!;
  const named = turn.tools.profile.exceptions.filter((x) => x.note && x.date >= today && normalize(x.note).length >= 5 && ` ${turn.normalized} `.includes(` ${normalize(x.note)} `));
  if (named.length !== 1) return when;
  const { unclear, ...rest } = when;
  return { ...rest, ...(unclear === 'several' ? {} : unclear ? { unclear } : {}), date: named[0]!.date, weekdayOnly: false };
}

function ok(reply: string, intent: Intent, handled = true): EngineResult {
  return { reply, intent, handled };
}

function extract(turn: Turn, choices: number): Entities {
  return {
    ...read(turn),
    choice: choices > 0 ? parseChoice(turn.normalized, choices) : undefined,
  };
}

function offer(turn: Turn, slots: string[], lead: string): string {
  const r = turn.replies;
  if (slots.length === 0) return `${lead} ${r.t('noSlots')}`.trim();
  const options = slots.map((s, i) => `${i + 1}) ${r.when(DateTime.fromISO(s, { zone: zoneOf(turn.tools.profile) }))}`).join(', ');
  return `${lead} ${r.t('offerSlots', { options })}`.trim();
}

function unavailableLead(turn: Turn, reason: string, start: DateTime): string {
  const r = turn.replies;
  const policy = turn.tools.profile.booking;
  if (reason === 'too_soon') return r.t('slotTooSoon', { notice: policy.minNoticeMinutes >= 60 ? `${Math.round(policy.minNoticeMinutes / 60)} h` : `${policy.minNoticeMinutes} min` });
  if (reason === 'too_far') return r.t('slotTooFar', { days: policy.maxDaysAhead });
  return r.t('slotTaken', { when: r.when(start) });
}

function serviceName(turn: Turn, id: string): string {
  return turn.tools.profile.services.find((s) => s.id === id)?.name ?? id;
}

function dayHours(turn: Turn, day: DateTime): string {
  return rangesFor(turn.tools.profile, day).map((r) => `${formatClock(r.open)}–${formatClock(r.close)}`).join(', ');
}

/** The one short question for a when the message leaves open (see When.unclear). */
function unclearQuestion(turn: Turn, when: When): string {
  const r = turn.replies;
  if (when.unclear === 'weekday_mismatch') return r.t('dayMismatch', { date: r.day(DateTime.fromISO(when.date!, { zone: zoneOf(turn.tools.profile) })) });
  if (when.unclear === 'several') return r.t('severalTimes');
  if (when.unclear === 'vague_time') return r.t('vagueTime');
  return r.t('badTime');
}

/** The name a message gives along the way; words that name one of the services are no name ("for English"). */
const givenName = (turn: Turn) => nameInMessage(turn.text, (words) => turn.services.find(words, false).length > 0) ?? signedName(turn) ?? selfInLowerCase(turn.text, knownWord(turn));

/** Whether a word is something the business or the language knows besides a name: a day or time, a service, a yes or no, everyday talk. */
function knownWord(turn: Turn): (word: string) => boolean {
  const timely = (w: string) => { const at = parseWhen(w, turn.language, turn.tools.now); return Boolean(at.date || at.time !== undefined || at.part || at.week || at.unclear); };
  return (w) => isEverydayWord(w) || keywordIntents(w).length > 0 || isAffirmative(w) || isNegative(w) || timely(w) || turn.services.find(w).length > 0;
}

/** "express session tuesday 6.30am pls, jade": a request for a day, a time or a service, signed in lower case. */
function signedName(turn: Turn): string | undefined {
  const cut = turn.text.search(/[,\u2013-][^,\u2013-]*$/);
  if (cut <= 0) return undefined;
  const before = turn.text.slice(0, cut);
  const asked = parseWhen(before, turn.language, turn.tools.now);
  if (!asked.date && asked.time === undefined && turn.services.find(before, false).length === 0) return undefined;
  return signedInLowerCase(turn.text, knownWord(turn));
}
/** The name a reply opens with before a comma or "and", when that clause says nothing about when or what. */
function leadingName(turn: Turn): string | undefined {
  const m = /^([^,;]+?)\s*(?:[,;]|\s(?:and|y|e)\s)/u.exec(turn.text.trim());
  if (!m) return undefined;
  const clause = parseWhen(m[1]!, turn.language, turn.tools.now);
  if (clause.date || clause.time !== undefined || clause.unclear || turn.services.find(m[1]!).length) return undefined;
  return extractName(m[1]!);
}
const SAME_DAY = /\b(same day|that day|(?:el )?mismo dia|ese (?:mismo )?dia)\b/;

/** The one service of `choices` the text shares a word with, by a word the others do not have. */
function onlySharing(choices: readonly Service[], text: string): Service | undefined {
  const sharing = choices.filter((s) => sharesServiceWord(s, text, 3));
  return sharing.length === 1 ? sharing[0] : undefined;
}

/**
 * Shared steps of booking and rescheduling once the service is known: a usable date, a time,
 * and a start that is in the future. Returns the start, or the reply asking for what is missing.
 */
async function resolveStart(turn: Turn, flow: BookingFlow | RescheduleFlow, e: Entities, intent: Intent, durationMinutes: number | undefined, askDate: () => string, booked?: number): Promise<DateTime | EngineResult> {
  const { profile, now } = turn.tools;
  const r = turn.replies;
  if (e.when.impossible) return ok(r.t('impossibleDate', { date: e.when.impossible }), intent);
  e = { ...e, when: spanBooked(e.when, durationMinutes, turn.normalized) };
  const firmTime = flow.time !== undefined && !flow.ambiguousMeridiem;
  Object.assign(flow, fillWhen(flow, { when: e.when, choice: e.choice, normalized: dateText(turn) }, zoneOf(profile)));
  // "after lunch is best for me" once a morning time was proposed: a part of the day on the other side of noon (or of
  // lunch) from the time agreed replaces it.
  if (firmTime && e.when.part && e.when.time === undefined && flow.date && flow.time !== undefined) {
    const at = `${flow.date}T${formatClock(flow.time)}`;
    const lunch = e.when.part === 'after_lunch' && !inPart(at, 'after_lunch', rangesFor(profile, DateTime.fromISO(flow.date, { zone: zoneOf(profile) })));
    if ((e.when.part === 'morning') === (flow.time >= 12 * 60) || lunch) flow.time = undefined;
  }
  // "anything after 5 on friday?": asked what is free, the free times that fit are offered, when the range and the
  // day say which. "entre 3 y 5", "any time after 4 is fine": told a range, its first free time is proposed.
  const asksWhatIsFree = ASKS_FREE.test(turn.normalized);
  if (e.when.range && flow.date && durationMinutes !== undefined) {
    const fitting = await startsInRange(turn, flow.date, e.when.range, durationMinutes);
    if (fitting.length > 0 && asksWhatIsFree) {
      flow.offered = fitting;
      return ok(offer(turn, fitting, ''), intent);
    }
    if (fitting.length > 0) e = { ...e, when: { ...e.when, unclear: undefined, range: undefined } };
    if (fitting.length > 0) flow.time = takeFirstFree(turn, flow, fitting);
  }
  if (e.when.unclear) return ok(unclearQuestion(turn, e.when), intent);
  if (!flow.date) return ok(askDate(), intent);
  const day = DateTime.fromISO(flow.date, { zone: zoneOf(profile) });
  if (day < now.startOf('day')) {
    flow.date = undefined;
    flow.time = undefined;
    return ok(r.t('pastTime'), intent);
  }
  if (rangesFor(profile, day).length === 0) {
    // A closed day gets the nearest open slots, as a time outside opening hours does.
    // The alternatives are the earliest on the next open days, whatever the hour asked for.
    const wanted = localDateTime(flow.date, flow.time ?? 12 * 60, zoneOf(profile));
    const check = durationMinutes === undefined ? { available: false as const, ...NOTHING } : await checkStart(turn.tools, wanted, durationMinutes);
    flow.dayAsked = flow.date;
    flow.date = undefined;
    return offerInstead(turn, flow, check.available ? NOTHING : check, day, intent, r.t('closedThatDay', { date: r.day(day) }));
  }
  // "the 30th then, first thing in the morning": the day's opening time.
  if (flow.time === undefined && e.when.earliest) [flow.time, flow.ambiguousMeridiem] = [rangesFor(profile, day)[0]!.open, false];
  if (flow.time === undefined) {
    // "anything before school tomorrow?": asked what is free, the day's first free times (in the part of the day
    // said) come with the question, as numbered choices. "mañana en la mañana", "after lunch": told a part of the
    // day, its first free time is proposed.
    const free = durationMinutes === undefined || !(asksWhatIsFree || e.when.part) ? [] : (await freeStarts(turn.tools, day, durationMinutes)).filter((iso) => inPart(iso, e.when.part, rangesFor(profile, day)));
    if (free.length > 0 && !asksWhatIsFree) flow.time = takeFirstFree(turn, flow, free.slice(0, 3));
    else {
      flow.offered = free.length > 0 ? free.slice(0, 3) : undefined;
      const question = r.t('askTime', { date: r.day(day), hours: dayHours(turn, day) });
      return ok(flow.offered ? `${question} ${offer(turn, flow.offered, '')}` : question, intent);
    }
  }
  // Of two open readings, the one nearer the time proposed before, or else the booking being moved.
  const minutes = resolveMeridiem(profile, flow.date, flow.time, flow.ambiguousMeridiem, zoneOf(profile), flow.nearTime ?? booked);
  if (minutes === 'ask') {
    const am = flow.time % (12 * 60);
    return ok(r.t('askMeridiem', { am: formatClock(am), pm: formatClock(am + 12 * 60) }), intent);
  }
  flow.time = minutes;
  flow.ambiguousMeridiem = false;
  flow.nearTime = undefined;
  const start = localDateTime(flow.date, flow.time, zoneOf(profile));
  if (start <= now) {
    flow.date = undefined;
    flow.time = undefined;
    return ok(r.t('pastTime'), intent);
  }
  return start;
}

/** What a turn says before its question: the first free time it chose in a range or part of the day. */
const leads = new WeakMap<Turn, string>();

/**
 * The first free start in a range or part of the day said, taken as the day and time (returned); the customer is
 * told which, and the next free ones stay offered ("the second", "3 then" picks one of them).
 */
function takeFirstFree(turn: Turn, flow: BookingFlow | RescheduleFlow, free: string[]): number {
  const r = turn.replies;
  const zone = zoneOf(turn.tools.profile);
  const [first, ...others] = free.map((iso) => DateTime.fromISO(iso, { zone }));
  [flow.date, flow.ambiguousMeridiem, flow.offered] = [first!.toISODate()!, false, others.length > 0 ? free : undefined];
  const also = others.map((d) => formatClock(d.hour * 60 + d.minute)).join(', ');
  leads.set(turn, r.t(others.length > 0 ? 'firstFreeOthers' : 'firstFree', { when: r.when(first!), others: also }));
  return first!.hour * 60 + first!.minute;
}

/** A reply with what the turn chose before it, if anything. */
const led = (turn: Turn, reply: string) => (leads.has(turn) ? `${leads.get(turn)} ${reply}` : reply);

/**
 * "the boardroom from 2 to 4" for a two-hour room, "the training room from 2pm": a span as long as the service, or a
 * start said with "from" and no question about what is free, is the booking's own start, not a range to choose in.
 */
function spanBooked(when: When, durationMinutes: number | undefined, normalized: string): When {
  const range = when.range;
  if (!range || range.from === undefined || durationMinutes === undefined || when.unclear !== 'vague_time') return when;
  const fromAlone = /\b(from|desde)\b/.test(normalized) && !ASKS_FREE.test(normalized) && !/\b(any ?time|whenever|cualquier)\b/.test(normalized);
  const start = range.to === undefined ? (fromAlone ? range.from : undefined) : spanStart(range, durationMinutes);
  if (start === undefined) return when;
  return { ...when, unclear: undefined, range: undefined, time: start, ambiguousMeridiem: range.ambiguous && start < 13 * 60 };
}

/**
 * Up to three free starts on `date` inside a range wish. A bound written without am/pm takes the
 * reading that leaves free times (below 7 it is the afternoon's); when both do, none: the caller asks.
 */
async function startsInRange(turn: Turn, date: string, range: RangeWish, durationMinutes: number): Promise<string[]> {
  const free = await freeStarts(turn.tools, DateTime.fromISO(date, { zone: zoneOf(turn.tools.profile) }), durationMinutes);
  const minutes = (iso: string) => Number(iso.slice(11, 13)) * 60 + Number(iso.slice(14, 16));
  const within = (shift: number) =>
    free.filter((iso) => (range.from === undefined || minutes(iso) >= range.from + shift) && (range.to === undefined || minutes(iso) < range.to + shift));
  const early = (range.from ?? range.to!) < 7 * 60;
  const shifts = !range.ambiguous ? [0] : early ? [12 * 60] : [0, 12 * 60].filter((h) => (range.from ?? range.to!) + h < 24 * 60);
  const readings = shifts.map(within).filter((starts) => starts.length > 0);
  return readings.length === 1 ? readings[0]!.slice(0, 3) : [];
}

/** "add a facial straight after", "y también una limpieza justo después": one more service beside a booking. */
const ADD_ON = /\b(add|also|as well|too|straight after|right after|after that|afterwards|another|tambien|ademas|anadir|agregar|justo despues|despues de eso|luego|otra|otro)\b/;

/** "anything on friday?", "¿tenéis hueco el jueves?": a question about what is free, not a time. */
const ASKS_FREE = /\b(what s open|whats open|what s free|whats free|what (?:times|slots) (?:u|you) (?:got|have)|que horarios (?:tiene|tienen|tienes|teneis|hay)|anything|something|any (?:slots?|times?(?! (?:after|before|from|between|is|works|suits|you like|you want))|space|spaces|availability|room|openings?|gaps?)|availability|available|free|have you got|got any|is there|are there|what times|algo|hueco|huecos|disponible|disponibles|disponibilidad|libre|libres|que horas|a que hora pue\w*|lugar|turnos?)\b/;

/**
 * Whether a local start ("2026-03-27T16:30") falls in a part of the day. On a day split by a break
 * (10:00–14:00, 16:00–20:00) the morning is the first opening and the afternoon what follows the
 * break ("por la tarde" is after lunch); otherwise mornings end at noon and afternoons run 12–19.
 * Evenings start at 17:00; "after lunch" is after the break, or from 13:00.
 */
function inPart(iso: string, part: DayPart | undefined, ranges: readonly { open: number; close: number }[]): boolean {
  const minutes = Number(iso.slice(11, 13)) * 60 + Number(iso.slice(14, 16));
  const split = ranges.length >= 2 && ranges[0]!.close <= 15 * 60 ? ranges[0]!.close : undefined;
  if (part === 'morning') return minutes < (split ?? 12 * 60);
  if (part === 'afternoon') return minutes >= (split ?? 12 * 60) && minutes < 19 * 60;
  // With no break in the day, lunch is taken to end at 13:00.
  if (part === 'after_lunch') return minutes >= (split ?? 13 * 60) && minutes < 19 * 60;
  if (part === 'evening') return minutes >= 17 * 60;
  return true;
}

/** Why a start could not be had, and what to offer instead. */
interface Refusal {
  reason: string;
  alternatives: string[];
}

/** For a booking or service that vanished meanwhile: nothing to offer. */
const NOTHING: Refusal = { reason: 'full', alternatives: [] };

/**
 * The offer after an unavailable start: alternatives become numbered choices. The day and time
 * asked for stay in the flow, so a reply that changes only one of them keeps the other.
 */
function offerInstead(turn: Turn, flow: BookingFlow | RescheduleFlow, refusal: Refusal, start: DateTime, intent: Intent, lead?: string): EngineResult {
  const { alternatives } = refusal;
  flow.offered = alternatives;
  if (refusal.reason === 'past') {
    flow.date = undefined;
    flow.time = undefined;
    return ok(turn.replies.t('pastTime'), intent);
  }
  return ok(offer(turn, alternatives, lead ?? unavailableLead(turn, refusal.reason, start)), intent);
}

/**
 * The bookings a first message asks for when it asks for more than one ("a full detail at 8 and the headlights at 1",
 * "manicure y pedicure el viernes a las 5", "9 for mine and 10 for hers"); undefined for one, or when unclear.
 */
const plans = new WeakMap<Turn, { plan?: QueuedBooking[] }>();
function plannedBookings(turn: Turn): QueuedBooking[] | undefined {
  return cached(plans, turn, () => {
    const text = withoutExclusions(turn.text);
    const named = turn.services.find(text, false);
    if (named.length === 0) return {};
    const requested = named.length > 1 ? wished(turn, text, named) : named;
    // Each booking with the name said beside it: "a kids cut for my son Sam at 11" is Sam's, not the customer's.
    return { plan: severalBookings(text, turn.language, turn.tools.now, requested, (words) => nameInMessage(words, (w) => turn.services.find(w, false).length > 0)) };
  }).plan;
}

/** "Full detail at 08:00, then Headlight restoration at 13:00": the bookings understood, in their order. */
function plannedList(turn: Turn, plan: readonly QueuedBooking[]): string {
  const r = turn.replies;
  const { profile } = turn.tools;
  const said = (p: QueuedBooking) => {
    const service = serviceName(turn, p.serviceId);
    if (p.afterPrevious) return r.t('plannedAfter', { service });
    // "at 2" is told back as the business's 14:00, or not at all while it could be either.
    const time = p.time === undefined || !p.date ? (p.ambiguousMeridiem ? undefined : p.time) : resolveMeridiem(profile, p.date, p.time, p.ambiguousMeridiem, zoneOf(profile));
    return typeof time === 'number' ? r.t('plannedAt', { service, time: formatClock(time) }) : service;
  };
  return plan.map(said).join(r.t('plannedThen'));
}

async function advanceBooking(turn: Turn, flow: BookingFlow, shown?: PendingAction): Promise<EngineResult> {
  const ctx = turn.tools;
  const r = turn.replies;
  let e = extract(turn, flow.offered?.length ?? 0);
  // Two bookings in one message: the first is proposed now, the others queued, each shown and confirmed on its own.
  const plan = !flow.serviceId && !flow.queue && !flow.serviceChoices && !shown ? plannedBookings(turn) : undefined;
  if (plan) {
    const [first, ...rest] = plan;
    const service = ctx.profile.services.find((s) => s.id === first!.serviceId);
    e = { ...e, service, undecided: [], when: { ...(first!.date ? { date: first!.date } : {}), ...(first!.time !== undefined ? { time: first!.time, ambiguousMeridiem: first!.ambiguousMeridiem } : {}) } };
    flow.queue = rest;
    leads.set(turn, r.t('severalBookings', { list: plannedList(turn, plan) }));
  }
  // "Pilar", "soy Pilar Ruiz" when a name is awaited is the name, not a misspelt "pilates": only a service named as written
  // counts in a reply that could be a name ("actually no, just the diagnostic visit" cannot).
  // "the later one works better" with "the works" a service's alias: once a service is chosen, a close spelling changes
  // it only said alone ("pedicur"); in a longer message only a service named as written does.
  const typoOnly = e.service && turn.services.find(withoutExclusions(turn.text), false).length === 0;
  // "aye that's grand" to "which service?": a yes or a no names no service, however close a word of it is spelt to one.
  if (typoOnly && ((flow.awaiting === 'name' && turn.normalized.split(' ').length <= 3) || (flow.serviceId && turn.normalized.split(' ').length > 2) || isAffirmative(turn.normalized) || isNegative(turn.normalized))) e = { ...e, service: undefined };
  // "ok deep then", "no sorry, standard is fine": a change of mind may name the service by its first word only.
  const headWord = !e.service && e.undecided.length === 0 && flow.serviceId ? turn.services.byHeadWord(withoutExclusions(turn.text)) : undefined;
  // "3 then" where a name is awaited: an hour for the flow, no name.
  const gaveSomething = Boolean(e.service || headWord || e.when.date || e.when.time !== undefined || e.choice || e.when.impossible || fillsRelative(turn.normalized));
  // "Hi, I'm booking for Sarah Jones" / "a nombre de Lucía" / "... it's Mark Evans": a name given along the way is kept.
  // "Rachel Green, and can we make it 11 instead?": asked for a name, the first clause gives it, the rest the change.
  // Several bookings asked together: the first booking's own name, not one said for another's ("…and my son Sam at 11").
  const given = plan ? plan[0]!.name : (givenName(turn) ?? (flow.awaiting === 'name' && gaveSomething ? leadingName(turn) : undefined));
  flow.name = given ?? flow.name;
  if (flow.awaiting === 'name' && !gaveSomething && !given) {
    const name = extractName(turn.text);
    if (!name) return ok(r.t('askName'), 'book', false);
    flow.name = name;
  }
  flow.awaiting = undefined;
  const services = ctx.profile.services;
  // Asked which of a few services, a reply saying a word only one of them has picks it ("the mens one", "la larga").
  const chosen = e.service ?? headWord ?? (flow.serviceChoices && !flow.serviceId ? onlySharing(services.filter((s) => flow.serviceChoices!.includes(s.id)), turn.text) : undefined);
  if (chosen) flow.serviceId = chosen.id;
  // "the colour or the blow dry then" while a cut is agreed: other services named are asked between, not ignored;
  // "the haircut at 5 instead" may mean the one agreed.
  else if (e.undecided.length > 0 && !flow.serviceChoices && !e.undecided.some((s) => s.id === flow.serviceId)) flow.serviceId = undefined;
  if (services.length === 0) {
    ctx.state.flow = undefined;
    return ok(r.t('noServices'), 'book', false);
  }
  if (!flow.serviceId && services.length === 1) flow.serviceId = services[0]!.id;
  if (!flow.serviceId) {
    if (e.when.date) flow.date = e.when.date;
    if (e.when.time !== undefined) [flow.time, flow.ambiguousMeridiem] = [e.when.time, e.when.ambiguousMeridiem];
    if (e.undecided.length > 0) flow.serviceChoices = e.undecided.map((s) => s.id);
    const asked = flow.serviceChoices ? services.filter((s) => flow.serviceChoices!.includes(s.id)) : services;
    return ok(r.t('askService', { list: asked.map((s) => s.name).join(', ') }), 'book');
  }
  flow.serviceChoices = undefined;
  const service = serviceName(turn, flow.serviceId);
  const duration = services.find((s) => s.id === flow.serviceId)?.duration;
  // "and could I add a facial straight after, at 11?": a time for one more service is on the day of the booking last made.
  // "and my boyfriend wants the massage at the same time", "y una clase a las 6 el mismo día": the day (and the time)
  // of the booking last made.
  const sameTime = SAME_TIME.test(turn.normalized) && e.when.time === undefined;
  if (!flow.date && !e.when.date && ((e.when.time !== undefined && ADD_ON.test(turn.normalized)) || sameTime || SAME_DAY.test(turn.normalized))) {
    const latest = (await myBookings(turn)).sort((a, b) => b.bookingId - a.bookingId)[0];
    if (latest) {
      // Its time stands in for the one replaced, so "at 7" after an 18:00 booking is 19:00.
      const time = Number(latest.start.slice(11, 13)) * 60 + Number(latest.start.slice(14, 16));
      [flow.date, flow.time, flow.ambiguousMeridiem] = [latest.start.slice(0, 10), e.when.time !== undefined || sameTime ? time : flow.time, false];
    }
  }
  const start = await resolveStart(turn, flow, e, 'book', duration, () => r.t('askDate', { service: r.service(service) }));
  if (!(start instanceof DateTime)) return start;

  flow.name ??= ctx.state.customerName;
  if (!flow.name) {
    const check = duration === undefined ? { available: false as const, ...NOTHING } : await checkStart(ctx, start, duration);
    if (!check.available) return offerInstead(turn, flow, check, start, 'book');
    flow.awaiting = 'name';
    return ok(led(turn, r.t('askName')), 'book');
  }
  const result = settle(ctx, 'create_booking', await requestBooking(ctx, ctx, { serviceId: flow.serviceId, start, name: flow.name }));
  if (result.status === 'needs_confirmation') {
    // Free times offered beside a first one chosen this turn stay offered with the proposal.
    if (!leads.has(turn)) flow.offered = undefined;
    // "no, hang on, 12 would suit better" read as nothing new: the same proposal again would let the next yes book what
    // the customer just turned down. A number that changed nothing gets a question instead; a time read that is the
    // one shown ("4pm" after "…at 16:00") is the proposal said back, shown again.
    if (shown && samePending(ctx.state.pending, shown) && mentionsNumber(turn) && e.when.time === undefined) {
      ctx.state.pending = undefined;
      flow.time = undefined;
      return ok(r.t('badTime'), 'book');
    }
    // "hmm my wife might need the car that day": nothing read that changes the proposal; it is held, and the
    // customer told so, not shown again as if nothing had been said.
    if (shown && samePending(ctx.state.pending, shown) && !gaveSomething && !given) return ok(r.t('heldBook', { service, when: r.when(start), name: flow.name }), 'book');
    return ok(led(turn, r.t('confirmBook', { service, when: r.when(start), name: flow.name })), 'book');
  }
  return offerInstead(turn, flow, result.status === 'unavailable' ? result : NOTHING, start, 'book');
}

async function myBookings(turn: Turn): Promise<BookingSummary[]> {
  const zone = zoneOf(turn.tools.profile);
  return (await upcoming(turn.tools)).map((b) => summarize(b, zone));
}

function listBookings(turn: Turn, bookings: BookingSummary[]): string {
  const zone = zoneOf(turn.tools.profile);
  return bookings
    .map((b, i) => turn.replies.t('bookingLine', { n: i + 1, service: serviceName(turn, b.serviceId), when: turn.replies.when(DateTime.fromISO(b.start, { zone })) }))
    .join('\n');
}

/** What in a message points at one booking: its day, its time of day, its service. */
interface Selector {
  date?: string;
  serviceId?: string;
  /** Minutes after midnight; with `ambiguousMeridiem`, either half of the day. */
  time?: number;
  ambiguousMeridiem?: boolean;
}

/** Whether a booking's local start ("2026-03-27T10:00") is at the selector's time of day. */
function atTime(start: string, selector: Selector): boolean {
  if (selector.time === undefined) return true;
  const minutes = Number(start.slice(11, 13)) * 60 + Number(start.slice(14, 16));
  return selector.ambiguousMeridiem ? minutes % 720 === selector.time % 720 : minutes === selector.time;
}

/** "thursday's", "the monday one", "my friday appointment", "la del jueves": a day that names a booking, not where it goes. */
const DAY_OWNER = /\b(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day(?: |'|’)s|(?:the|my|our) (?:mon|tues|wednes|thurs|fri|satur|sun)day (?:one|appointment|appt|booking|session|slot|\w+ (?:appointment|booking))|(?:la|el|mi|mis) (?:\w+ )?del? (?:lunes|martes|miercoles|jueves|viernes|sabado|domingo))\b/;

/** The day a message names its booking by, when it does so in the words above. */
function ownerDay(turn: Turn): string | undefined {
  const m = DAY_OWNER.exec(turn.normalized);
  return m ? parseWhen(m[0], turn.language, turn.tools.now).date : undefined;
}

/** Which of the customer's bookings a message means: a picked number, its day or service, or the only one. */
async function selectBooking(turn: Turn, flow: CancelFlow | RescheduleFlow, intent: Intent, selector: Selector, words = turn.text): Promise<BookingSummary | EngineResult> {
  const bookings = await myBookings(turn);
  if (bookings.length === 0) {
    turn.tools.state.flow = undefined;
    return ok(turn.replies.t('noBookings'), intent);
  }
  const chosen = flow.choices ? parseChoice(turn.normalized, flow.choices.length) : undefined;
  const byChoice = chosen ? bookings.find((b) => b.bookingId === flow.choices![chosen - 1]) : undefined;
  // A service named as the business names it, or else a word of one the customer has booked ("the haircut", "la del masaje").
  const services = turn.tools.profile.services;
  const named = selector.serviceId && bookings.some((b) => b.serviceId === selector.serviceId)
    ? new Set([selector.serviceId])
    : new Set(bookings.map((b) => b.serviceId).filter((id) => { const s = services.find((x) => x.id === id); return s && sharesServiceWord(s, withoutExclusions(words)); }));
  const byService = named.size > 0 && named.size < new Set(bookings.map((b) => b.serviceId)).size;
  const matching = bookings.filter((b) => (!selector.date || b.start.startsWith(selector.date)) && (!byService || named.has(b.serviceId)) && atTime(b.start, selector));
  const selected = (selector.date || byService || selector.time !== undefined) && matching.length === 1 ? matching[0] : undefined;
  const picked = byChoice ?? selected ?? (bookings.length === 1 ? bookings[0] : undefined);
  if (picked) return picked;
  flow.choices = bookings.map((b) => b.bookingId);
  return ok(`${turn.replies.t('yourBookings')}\n${listBookings(turn, bookings)}\n${turn.replies.t('whichBooking')}`, intent);
}

/**
 * "anulame el kessa del viernes, el circuito lo mantengo", "cancel friday's but keep saturday": the clause keeping a
 * booking names the one not to touch. The message without it, when a clause keeps and another is left.
 */
function withoutKept(turn: Turn): string | undefined {
  const clauses = turn.text.split(/[,;.!?]+|\s(?=(?:but|pero|and|y)\s)/iu).filter((c) => c.trim());
  const left = clauses.filter((c) => !KEEPS.test(normalize(c)));
  return left.length > 0 && left.length < clauses.length ? left.join(', ') : undefined;
}
const KEEPS = /\b(mantengo|mantenemos|mantener|mantenerla|mantenerlo|la mantengo|lo mantengo|sigue|siguen|sigue en pie|se queda|la dejo|lo dejo|keep|keeping|stays|stay|still on|leave (?:the|my)|is fine|esta bien)\b/;

async function advanceCancel(turn: Turn, flow: CancelFlow): Promise<EngineResult> {
  const kept = withoutKept(turn);
  const reading = kept === undefined ? read(turn) : { when: parseWhen(kept, turn.language, turn.tools.now), service: turn.services.find(kept, false)[0] };
  const picked = await selectBooking(turn, flow, 'cancel', { date: reading.when.date, serviceId: reading.service?.id }, kept);
  if (!('bookingId' in picked)) return picked;
  const result = settle(turn.tools, 'cancel_booking', await requestCancel(turn.tools, turn.tools, { bookingId: picked.bookingId }));
  if (result.status !== 'needs_confirmation') return ok(turn.replies.t('noBookings'), 'cancel');
  const when = turn.replies.when(DateTime.fromISO(picked.start, { zone: zoneOf(turn.tools.profile) }));
  return ok(turn.replies.t('confirmCancel', { service: turn.replies.service(serviceName(turn, picked.serviceId)), when }), 'cancel');
}

async function advanceReschedule(turn: Turn, flow: RescheduleFlow): Promise<EngineResult> {
  const r = turn.replies;
  const zone = zoneOf(turn.tools.profile);
  const selectingNow = flow.bookingId === undefined;
  // "from Friday to Monday at 10": the words before the last "to" may name the booking, those after the new time.
  const move = selectingNow ? splitMove(turn) : undefined;
  if (selectingNow) {
    const fromTime = move?.from.unclear ? {} : { time: move?.from.time, ambiguousMeridiem: move?.from.ambiguousMeridiem };
    const selector = { date: move?.from.date ?? ownerDay(turn) ?? (flow.choices ? read(turn).when.date : undefined), serviceId: read(turn).service?.id, ...fromTime };
    const picked = await selectBooking(turn, flow, 'reschedule', selector);
    if (!('bookingId' in picked)) return picked;
    flow.bookingId = picked.bookingId;
    flow.choices = undefined;
  }
  const booking = (await myBookings(turn)).find((b) => b.bookingId === flow.bookingId);
  if (!booking) {
    turn.tools.state.flow = undefined;
    return ok(r.t('noBookings'), 'reschedule');
  }
  const current = DateTime.fromISO(booking.start, { zone });
  const service = r.service(serviceName(turn, booking.serviceId));
  // A number picked a booking above; it is not also an offered slot.
  let e = extract(turn, selectingNow ? 0 : (flow.offered?.length ?? 0));
  const bookedDay = current.toISODate()!;
  // "from Monday to Wednesday": the Wednesday nearest the booking's Monday, not the first one from today.
  if (move) e = { ...e, when: move.from.date && move.to.weekdayOnly && move.to.date ? { ...move.to, date: weekdayNear(move.to.date, bookedDay, turn.normalized) } : move.to };
  // "the monday one", "my Friday 10am appointment": the day and time that picked the booking are not where it goes.
  else if (selectingNow && e.when.date === bookedDay) {
    const sameTime = e.when.time === current.hour * 60 + current.minute;
    e = { ...e, when: { ...e.when, date: undefined, weekdayOnly: undefined, ...(sameTime ? { time: undefined, ambiguousMeridiem: undefined } : {}) } };
  }
  // "cambiar la pista del sábado de las 6 a las 7 y media", "move my 6 o'clock from 6 to 7.30": a span that starts at
  // the booking's own time moves it to where the span ends.
  const span = e.when.range;
  const bookedAt = current.hour * 60 + current.minute;
  const offset = span?.from === undefined ? undefined : [0, 12 * 60].find((h) => (h === 0 || span.ambiguous) && span.from! + h === bookedAt);
  if (!move && selectingNow && span?.to !== undefined && offset !== undefined && span.to + offset < 24 * 60) {
    e = { ...e, when: { ...(e.when.date && e.when.date !== bookedDay ? { date: e.when.date } : {}), time: span.to + offset, ambiguousMeridiem: false } };
  }
  // "can we push thursday's to next week", "a la semana que viene": the booking's weekday in the week named.
  if (!e.when.date && e.when.week && !e.when.unclear) {
    const day = DateTime.fromISO(e.when.week, { zone }).plus({ days: current.weekday - 1 }).toISODate()!;
    if (day !== bookedDay) e = { ...e, when: { ...e.when, date: day } };
  }
  // "Friday, same time": the booking's own time.
  if (e.when.time === undefined && SAME_TIME.test(turn.normalized)) e = { ...e, when: { ...e.when, time: current.hour * 60 + current.minute, ambiguousMeridiem: false } };
  // "can we do it 30 min later": the booking's own time, moved.
  const shift = timeShift(turn.normalized);
  if (shift !== undefined && flow.time === undefined && current.hour * 60 + current.minute + shift >= 0) e = { ...e, when: { ...e.when, time: current.hour * 60 + current.minute + shift, ambiguousMeridiem: false } };
  // "can I come at 5 instead": a new time alone keeps the booking's day; "the day after" counts from it.
  if (e.when.time !== undefined && !e.when.date && !flow.date && !e.when.unclear) flow.date = current.toISODate()!;
  flow.dayAsked ??= bookedDay;
  const duration = turn.tools.profile.services.find((s) => s.id === booking.serviceId)?.duration;
  const start = await resolveStart(turn, flow, e, 'reschedule', duration, () => r.t('askNewTime', { service, when: r.when(current) }), current.hour * 60 + current.minute);
  if (!(start instanceof DateTime)) return start;
  // Moving a booking to where it already is would be a proposal the customer never asked for.
  if (start.equals(current)) {
    flow.time = undefined;
    return ok(r.t('askNewTime', { service, when: r.when(current) }), 'reschedule');
  }
  const result = settle(turn.tools, 'reschedule_booking', await requestReschedule(turn.tools, turn.tools, { bookingId: booking.bookingId, start }));
  if (result.status === 'needs_confirmation') {
    flow.offered = undefined;
    return ok(r.t('confirmReschedule', { service, from: r.when(current), to: r.when(start) }), 'reschedule');
  }
  return offerInstead(turn, flow, result.status === 'unavailable' ? result : NOTHING, start, 'reschedule');
}

const MOVE_TO = /^(.*)\b(to|into|till|until|al|para el|para la|para|hasta el|pa(?= (?:las?|el)\b))\b(.*)$/is;
/** Where one clause ends and the next begins: "my colour on friday? same time but saturday", "la del viernes, el jueves". */
const CLAUSE_END = /[?!.;,]+\s+|\s+-+\s+|\s(?=(?:but|instead|rather|pero|mejor|en vez|en lugar)\b)/gi;

/**
 * A reschedule message: the booking's day or time before the last "to", the new one after it; or,
 * when the message names two days without a "to", the clause naming the booking first and the one
 * naming the new day after it.
 */
function splitMove(turn: Turn): { from: When; to: When } | undefined {
  const { now } = turn.tools;
  const m = MOVE_TO.exec(turn.text);
  if (m) {
    // "to 12 instead? the kids have swimming in the morning": the new time is said before the sentence ends.
    const said = m[3]!.split(/[?!.;]+\s/)[0]!;
    // "to 11" is a time only after "to": read it as "at 11".
    const bareTime = /^\s*\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)?(?:\s+(?:instead|then|please|pls|if possible|mejor|entonces|por favor|porfa|en su lugar))*\s*[?!.]*\s*$/i.test(said);
    const to = parseWhen(bareTime ? `${turn.language === 'es' ? 'a las' : 'at'} ${said}` : `${m[2]}${said}`, turn.language, now);
    const from = parseWhen(m[1]!, turn.language, now);
    if (!to.unclear && (to.date || to.time !== undefined)) return { from, to };
  }
  if (read(turn).when.unclear !== 'several') return undefined;
  for (const cut of turn.text.matchAll(CLAUSE_END)) {
    const from = parseWhen(turn.text.slice(0, cut.index), turn.language, now);
    const to = parseWhen(turn.text.slice(cut.index + cut[0].length), turn.language, now);
    if (from.date && !from.unclear && to.date && !to.unclear && from.date !== to.date) return { from, to };
  }
  return undefined;
}

/** The next step of the open flow. A proposal still waiting is superseded: only one this turn shows can be confirmed. */
async function continueFlow(turn: Turn): Promise<EngineResult> {
  const flow = turn.tools.state.flow!;
  const shown = turn.tools.state.pending;
  turn.tools.state.pending = undefined;
  if (flow.kind === 'book') return advanceBooking(turn, flow, shown);
  if (flow.kind === 'cancel') return advanceCancel(turn, flow);
  return advanceReschedule(turn, flow);
}

/** The customer answered YES (as the chat service established) to the pending change. */
async function confirmPending(turn: Turn): Promise<EngineResult> {
  const { action } = turn.tools.state.pending!;
  const result = await confirmed(turn);
  // "yes, will he need to pay cash or can he do card?": the question asked beside the yes is answered too.
  const question = yesThenQuestion(turn.text, action);
  const faq = question ? turn.faqs.match(question)?.faq : undefined;
  return faq ? { ...result, reply: `${result.reply}\n${faq.answer}` } : result;
}

async function confirmed(turn: Turn): Promise<EngineResult> {
  const ctx = turn.tools;
  const r = turn.replies;
  const pending = ctx.state.pending!;
  const zone = zoneOf(ctx.profile);
  if (pending.action === 'create_booking') {
    const start = DateTime.fromISO(pending.start, { zone });
    const queue = ctx.state.flow?.kind === 'book' ? ctx.state.flow.queue : undefined;
    const result = settle(ctx, 'create_booking', await requestBooking(ctx, ctx, { serviceId: pending.serviceId, start, name: pending.name }));
    if (result.status === 'booked') {
      ctx.state.flow = undefined;
      const booked = r.t('booked', { service: serviceName(turn, pending.serviceId), when: r.when(start), name: pending.name });
      if (!queue?.length) return ok(booked, 'book');
      const next = await proposeQueued(turn, queue, pending.name, { serviceId: pending.serviceId, start });
      return ok(`${booked}\n${next.reply}`, 'book');
    }
    const flow: BookingFlow = { kind: 'book', serviceId: pending.serviceId, name: pending.name, ...(queue?.length ? { queue } : {}) };
    ctx.state.flow = flow;
    return offerInstead(turn, flow, result.status === 'unavailable' ? result : NOTHING, start, 'book');
  }
  if (pending.action === 'cancel_booking') {
    const result = settle(ctx, 'cancel_booking', await requestCancel(ctx, ctx, { bookingId: pending.bookingId }));
    ctx.state.flow = undefined;
    if (result.status !== 'cancelled') return ok(r.t('noBookings'), 'cancel');
    return ok(r.t('cancelled', { service: r.service(serviceName(turn, result.serviceId)), when: r.when(DateTime.fromISO(result.start, { zone })) }), 'cancel');
  }
  const start = DateTime.fromISO(pending.start, { zone });
  const result = settle(ctx, 'reschedule_booking', await requestReschedule(ctx, ctx, { bookingId: pending.bookingId, start }));
  if (result.status === 'rescheduled') {
    ctx.state.flow = undefined;
    const booking = (await myBookings(turn)).find((b) => b.bookingId === pending.bookingId);
    return ok(r.t('rescheduled', { service: booking ? r.service(serviceName(turn, booking.serviceId)) : '', when: r.when(start) }), 'reschedule');
  }
  if (result.status === 'error') {
    ctx.state.flow = undefined;
    return ok(r.t('noBookings'), 'reschedule');
  }
  const flow: RescheduleFlow = { kind: 'reschedule', bookingId: pending.bookingId };
  ctx.state.flow = flow;
  return offerInstead(turn, flow, result.status === 'unavailable' ? result : NOTHING, start, 'reschedule');
}

/**
 * A no to the proposal. The reply invites another time, so a booking or move keeps what it knew
 * (service, name, the booking to move) for a next message that gives one ("no wait" → "Sunday at
 * 12 instead"); a message giving none ends it (see route).
 */
async function declinePending(turn: Turn): Promise<EngineResult> {
  const { state } = turn.tools;
  const pending = state.pending!;
  const queue = state.flow?.kind === 'book' ? state.flow.queue : undefined;
  state.pending = undefined;
  state.flow = undefined;
  if (pending.action === 'cancel_booking') return ok(turn.replies.t('notCancelled'), 'cancel');
  // A no to one of several bookings asked together turns down that one: the next is proposed.
  if (pending.action === 'create_booking' && queue?.length) {
    const next = await proposeQueued(turn, queue, pending.name);
    return ok(`${turn.replies.t('skipped')}\n${next.reply}`, 'book');
  }
  // "nope" then "3pm then": the day proposed stays, for a new time alone; "no" then "thursday?": the time stays, for a new day alone.
  const date = pending.start.slice(0, 10);
  const time = Number(pending.start.slice(11, 13)) * 60 + Number(pending.start.slice(14, 16));
  if (pending.action === 'reschedule_booking') {
    state.flow = { kind: 'reschedule', bookingId: pending.bookingId, date, time, declined: true };
    return ok(turn.replies.t('notRescheduled'), 'reschedule');
  }
  state.flow = { kind: 'book', serviceId: pending.serviceId, name: pending.name, date, time, declined: true };
  return ok(turn.replies.t('notBooked'), 'book');
}

/**
 * The next of several bookings asked for in one message, proposed as if the customer had just asked for it alone: on the
 * day of the booking before it unless it has its own, and straight after that booking when it has no time of its own.
 */
async function proposeQueued(turn: Turn, queue: readonly QueuedBooking[], name: string, before?: { serviceId: string; start: DateTime }): Promise<EngineResult> {
  const [head, ...rest] = queue;
  const { profile } = turn.tools;
  const previous = before && profile.services.find((s) => s.id === before.serviceId);
  const end = before && previous ? before.start.plus({ minutes: previous.duration }) : undefined;
  const duration = profile.services.find((s) => s.id === head!.serviceId)?.duration;
  // Straight after: the first free start once the booking before it ends, on the slot grid.
  const after = head!.afterPrevious && end && duration !== undefined ? (await freeStarts(turn.tools, end.startOf('day'), duration)).find((iso) => DateTime.fromISO(iso, { zone: zoneOf(profile) }) >= end) : undefined;
  const afterAt = after ? DateTime.fromISO(after, { zone: zoneOf(profile) }) : undefined;
  const time = head!.afterPrevious ? (afterAt ? afterAt.hour * 60 + afterAt.minute : undefined) : head!.time;
  const flow: BookingFlow = {
    kind: 'book',
    serviceId: head!.serviceId,
    name: head!.name ?? name,
    afterBooking: true,
    ...(head!.date ?? before?.start.toISODate() ? { date: head!.date ?? before!.start.toISODate()! } : {}),
    ...(time !== undefined ? { time, ambiguousMeridiem: !head!.afterPrevious && head!.ambiguousMeridiem } : {}),
    ...(rest.length ? { queue: rest } : {}),
  };
  turn.tools.state.flow = flow;
  // The message that said yes or no to the booking before says nothing about this one.
  return advanceBooking({ ...turn, text: '', normalized: '' }, flow);
}

/** A digit or a number word ("12", "one"): what a correction of a time is made of. */
function mentionsNumber(turn: Turn): boolean {
  return /\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce)\b/.test(turn.normalized);
}

/** Whether a message gives a booking flow something to go on: a service, a day, a time or a pick. */
function givesSlots(turn: Turn, pending?: PendingAction): boolean {
  const { service, when } = read(turn);
  // "no, al final mi pareja no puede" to a "Partner session": the service proposed, named in the reason, changes nothing.
  const proposed = pending?.action === 'create_booking' && service?.id === pending.serviceId;
  return Boolean((service && !proposed) || when.date || when.time !== undefined || when.week || when.part || when.unclear || when.impossible || parseChoice(turn.normalized, 3));
}

async function escalate(turn: Turn, why: EscalationReason): Promise<EngineResult> {
  const ctx = turn.tools;
  await escalateToHuman(ctx, escalationSummary(ctx.profile.language, why, turn.text));
  ctx.state.flow = undefined;
  ctx.state.pending = undefined;
  const next = openIntervalAt(ctx.profile, ctx.now) ? undefined : nextOpening(ctx.profile, ctx.now);
  const handoff = next ? `${turn.replies.t('handoff')} ${turn.replies.t('handoffClosed', { next: turn.replies.nextOpening(next, ctx.now) })}` : turn.replies.t('handoff');
  // "is this a bot?" gets a true answer along with the person it asks for.
  const reply = doubtsBot(turn.normalized) ? `${turn.replies.t('botAnswer')} ${handoff}` : handoff;
  return { reply, intent: 'human', handled: true, escalated: true };
}

function hoursReply(turn: Turn): string {
  const { profile, now } = turn.tools;
  const r = turn.replies;
  const lines: string[] = [];
  const asked = read(turn).when.date;
  if (asked) {
    const day = DateTime.fromISO(asked, { zone: zoneOf(profile) });
    const hours = dayHours(turn, day);
    lines.push(`${r.day(day)}: ${hours || r.t('closedDay')}`);
  }
  const open = openIntervalAt(profile, now);
  const next = open ? undefined : nextOpening(profile, now);
  if (open) lines.push(r.t('hoursOpen', { until: open.end.toFormat('HH:mm') }));
  else lines.push(next ? r.t('afterHours', { next: r.nextOpening(next, now) }) : r.t('closedNoNext'));
  lines.push(r.t('hoursTitle'), ...r.weekHours());
  const soon = profile.exceptions.filter((e) => e.date >= now.toISODate()! && e.date <= now.plus({ days: 14 }).toISODate()!);
  for (const e of soon) {
    const day = DateTime.fromISO(e.date, { zone: zoneOf(profile) });
    lines.push(r.t('exception', { date: r.day(day), what: `${e.closed ? r.t('closedDay') : dayHours(turn, day)}${e.note ? ` (${e.note})` : ''}` }));
  }
  return lines.join('\n');
}

function locationReply(turn: Turn): string {
  const p = turn.tools.profile;
  const r = turn.replies;
  if (!p.address && !p.mapUrl) return p.phone ? `${r.t('noAddress')} ${r.t('phone', { phone: p.phone })}` : r.t('noAddress');
  return [p.address ? r.t('location', { address: p.address }) : '', p.mapUrl ? r.t('locationMap', { map: p.mapUrl }) : '', p.phone ? r.t('phone', { phone: p.phone }) : '']
    .filter(Boolean)
    .join('\n');
}

function serviceDetail(turn: Turn, service: Service): string {
  const desc = service.description ? ` ${service.description}` : '';
  return turn.replies.t('serviceDetail', { name: service.name, duration: service.duration, price: turn.replies.price(service), desc });
}

function serviceReply(turn: Turn, service: Service): string {
  return `${serviceDetail(turn, service)} ${turn.replies.t('askBook')}`;
}

/** The question a booking was waiting on when something else was asked: the proposal, the name, the day or the time. */
function resumeQuestion(turn: Turn, flow: NonNullable<Turn['tools']['state']['flow']>): string | undefined {
  const r = turn.replies;
  const zone = zoneOf(turn.tools.profile);
  const pending = turn.tools.state.pending;
  if (pending?.action === 'create_booking') return r.t('confirmBook', { service: serviceName(turn, pending.serviceId), when: r.when(DateTime.fromISO(pending.start, { zone })), name: pending.name });
  if (flow.kind !== 'book' || !flow.serviceId) return undefined;
  if (flow.awaiting === 'name') return r.t('askName');
  if (!flow.date) return r.t('askDate', { service: r.service(serviceName(turn, flow.serviceId)) });
  const day = DateTime.fromISO(flow.date, { zone });
  return flow.time === undefined && !flow.offered?.length ? r.t('askTime', { date: r.day(day), hours: dayHours(turn, day) }) : undefined;
}

function servicesReply(turn: Turn): string {
  const r = turn.replies;
  const services = turn.tools.profile.services;
  if (services.length === 0) return r.t('noServices');
  return [r.t('servicesTitle'), ...services.map((s) => r.t('serviceLine', { name: s.name, duration: s.duration, price: r.price(s) })), r.t('askBook')].join('\n');
}

/**
 * "is this the place?", "am I at the right door?", "¿es aquí?", "¿es este el local?": whether the customer has found the
 * business (or reached the right one), asked in a few words.
 */
const THIS_PLACE = new RegExp(
  '^((hi|hey|hello|sorry|ok|okay|so|and|just checking|quick one|hola|oye|perdon|perdona|disculpa|ok|vale|y|una pregunta) )*' +
    '(is (this|that|it|here) (the |your )?(right |correct )?(place|address|building|door|entrance|shop|location|spot)|am i (at|in) the (right|correct) (place|address|building|door|spot)|is (this|that) (you|yours|where you are)|' +
    '(es|seria|sera) (aqui|aca|ahi|alli|alla)|(es|seria|sera) (este|esta|ese|esa) (el |la )?(sitio|lugar|local|direccion|puerta|edificio|portal|entrada)|estoy en el (sitio|lugar|local) (correcto|bien)|(sois|son) (vosotros|ustedes))' +
    '( [a-z]+){0,3}$',
);

/** "can I just drop in on Friday?", "¿puedo pasarme sin cita?": whether one must book, asked with or without a day. */
// "could I pop in on saturday for a trim" asks for a booking: only "just" makes dropping in a question about walk-ins.
const WALK_IN = /\b(walk ?ins?|walk in|just (?:drop|pop|turn|show|rock|come|call) (?:in|up|by|round|over)|without (?:an? )?(?:appointment|booking)|sin cita|sin reserva|sin pedir (?:cita|hora|turno)|sin turno|hace falta (?:pedir )?(?:cita|reservar?))\b/;
/** Intents whose messages name people or places: their names are words no vocabulary knows. */
const NAMES_FOREIGN_WORDS = new Set<Intent>(['human', 'location']);
/** "which tram do I get to you", "¿qué autobús me deja cerca?": how to get here. */
const TRANSPORT = /\b(?:which|what|que|q|cual) (?:tram|bus|buses|train|tube|metro|subway|tranvia|autobus|colectivo|tren|linea de (?:metro|autobus|bus|tranvia)|parada)\b/;
/** An FAQ entry about how long something lasts ("¿Cuánto dura el esmaltado permanente?", keywords "how long does it last"). */
const LASTING = /\b(last|lasts|dura|duran|duracion|aguanta|aguantan)\b/;

/**
 * The business's FAQ entry that answers how long a result lasts, for a message asking so: the one the message matches,
 * or the only such entry the business has.
 */
function lastingFaq(turn: Turn): Profile['faq'][number] | undefined {
  if (!LASTS.test(turn.normalized)) return undefined;
  const about = (f: Profile['faq'][number]) => LASTING.test(normalize(f.question)) || f.keywords.some((k) => LASTING.test(normalize(k)));
  const matched = turn.faqs.match(turn.text)?.faq;
  if (matched && about(matched)) return matched;
  const lasting = turn.tools.profile.faq.filter(about);
  return lasting.length === 1 ? lasting[0] : undefined;
}
const LASTS = /\bhow long (does|do|will|would|should) (\w+ ){1,4}last\b|\bcuanto (me |te |le |les |nos )?(dura|duran|aguanta|aguantan)\b(?! (la|el) (sesion|cita|tratamiento|servicio|consulta))(?=.*\b(me|te|le|puest[oa]s?|uñas|unas|manos?)\b|\s*$)/;
const ELSEWHERE = /\b(how (do|can|could|would|to) (i|you|we)?\b.*\b(at home|myself|by myself)|(como|cómo) (me|se|lo|la|los|las|hago|puedo)\b.*\b(en (mi |tu |la )?casa|yo mism[ao]|sol[ao])|(como|cómo) \w+\b.*\b(yo mism[ao]|por mi cuenta)|where (can|do|could|should) (i|we|you) (buy|get hold of|find)(?! (you|u|ur|your|the|them)\b)|where to buy|donde (compro|puedo comprar|venden|se compra|se venden|consigo|puedo conseguir))\b/;
/** Asking for a recommendation of some other place or trade: no booking words make it the business's ("conocen un buen sitio para cenar"). */
const RECOMMEND_ELSEWHERE = /\b((do|would) (you|u) know (a|an|any|of a|of any) (good|decent|cheap|reliable|nice)|(sabes|sabeis|saben|sabe|conoces|conoceis|conocen|conoce) (de )?(algun|alguna|algunos|algunas|un|una) (buen|buena|buenos|buenas|sitio|lugar)?)\b/;

/** Whether the message names the thing a price FAQ is about: a shared word that is no stopword and no price word. */
function namesFaqThing(text: string, question: string): boolean {
  const content = (s: string) => normalize(s).split(' ').filter((w) => w.length >= 4 && !PRICE.test(w) && !VAGUE_WORDS.has(w));
  const asked = new Set(content(question));
  return content(text).some((w) => asked.has(w));
}
const VAGUE_WORDS = new Set(
  ('much many what which when where with your have does there this that these those cuanto cuanta cuantos cuantas como donde cuando tienen teneis hacen haceis puedo puede para ' +
    'offer ofrecen ofreceis reserva reservas reservacion reservation reservations booking bookings appointment appointments cita citas tiempo time tipos types').split(' '),
);

/**
 * The message with the business's own service names ("a jewellery change", "move out clean", "cambio
 * de joya") standing as a plain "cita": the words of a name ask for no change of a booking, the
 * thing named stays ("pasar mi clase al domingo").
 */
function unnamed(turn: Turn): string {
  const flat = (t: string) => normalize(t).replace(/-/g, ' ');
  const names = turn.tools.profile.services.flatMap((s) => [s.name, ...s.aliases]).map(flat).filter(Boolean).sort((a, b) => b.length - a.length);
  let n = ` ${flat(turn.normalized)} `;
  // "necesito cambiar la cámara", "¿me cambian la cámara?", "swap my tyres": the change a "Cambio de cámara" or "Tyre swap"
  // makes, said with its verb, names that service.
  for (const thing of changedThings(turn.tools.profile.services)) n = n.replace(new RegExp(`\\b${CHANGE_VERB}(?: (?:la|el|los|las|the|my|mi|mis|su|sus|de|a|an|our))* ${thing}(?:e?s)?\\b`, 'g'), ' cita ');
  for (const name of names) n = n.split(` ${name} `).join(' cita ');
  return n.trim();
}

/** A verb of changing or swapping something, as a customer asks for the change a service makes. */
const CHANGE_VERB = '(?:cambi\\w*|change|changed|changing|swap|swapped|swapping|replace|replacing|recambi\\w*)';
/** A service's name or alias that holds a change word ("Cambio de cámara", "Oil change", "Tyre swap"). */
const CHANGE_NAME = new RegExp(`\\b${CHANGE_VERB}\\b`);

/** The things the business's change services change ("camara", "oil", "tyre"): the other words of such names. */
const changedThings = (services: readonly Service[]) => cachedThings.get(services) ?? cachedThings.set(services, [...new Set(services.flatMap((s) => [s.name, ...s.aliases]).map((t) => normalize(t).replace(/-/g, ' ')).filter((t) => CHANGE_NAME.test(t)).flatMap((t) => t.split(' ')).filter((w) => w.length >= 3 && !CHANGE_NAME.test(w) && !['and', 'the', 'del', 'los', 'las', 'for'].includes(w)))]).get(services)!;
const cachedThings = new WeakMap<readonly Service[], string[]>();

/** "Can we move the MOT to Monday": a change verb, a service and a day or time. */
function movesService(turn: Turn): boolean {
  const { service, when } = read(turn);
  return Boolean(service && mentionsChange(unnamed(turn)) && (when.date || when.time !== undefined));
}

function startBooking(turn: Turn): Promise<EngineResult> {
  const flow: BookingFlow = { kind: 'book' };
  turn.tools.state.flow = flow;
  return advanceBooking(turn, flow);
}

/** "someone to fix", "alguien que venga": someone to do the work, not someone to talk to. */
const SOMEONE_TO_DO = /\b(?:someone|somebody|a person|alguien) (?:to|que|para) (?:come|fix|repair|look|check|service|clean|arregl\w*|repar\w*|revis\w*|venga\w*)\b/;
/** "i need someone to fix my dishwasher, saturday at 9": the work of a service named, on a day or at a time, is a booking. */
function wantsWorkDone(turn: Turn): boolean {
  const { service, when } = read(turn);
  return SOMEONE_TO_DO.test(turn.normalized) && Boolean(service && (when.date || when.time !== undefined));
}

/** Words that move a proposal rather than turn it down: "the week after", "same time", "later", "otro día". */
const WHEN_WORDS = /\b(week|weeks|semana|semanas|day|days|dia|dias|time|hora|later|earlier|sooner|before|after|antes|despues|luego|tarde|temprano|pronto|instead|en vez|en lugar|morning|afternoon|evening|manana|noche|otro|otra|another|other)\b/;

/** A reply that opens by saying no: "no, …", "nah …", "uy no, …", "mejor no". */
const OPENS_NO = /^((uy|ay|ah|oh|hmm|sorry|perdon|pues) )*(no|nah|nope|nop|naa|mejor no|no no|on second thought|pensandolo mejor)\b(?! (worries|problem|probs?|pasa nada|hay problema|te preocupes|doubt|rush|prisa)\b)/;

const PENDING_INTENT: Record<PendingAction['action'], Intent> = { create_booking: 'book', cancel_booking: 'cancel', reschedule_booking: 'reschedule' };

/** Chat that may open a request; thanks close one ("thanks, the fade looks great" is no request for a fade). */
const CHAT_OPENERS = new Set<Intent>(['greeting', 'smalltalk']);

/** "Jamal Price", "Ana María López": two to four capitalised words and nothing else. */
const NAME_ALONE = /^\p{Lu}[\p{Ll}'’-]+(?:\s+(?:de |del |de la )?\p{Lu}[\p{Ll}'’-]+){1,3}[.!]?$/u;

const FILE_WORD = { image: 'whatImage', video: 'whatVideo', document: 'whatDocument' } as const;

/** What a question that cannot be the awaited name may be, besides a side question, to be answered aside. */
const ASIDE_ANYWAY = new Set<Intent>(['unknown', 'smalltalk', 'thanks']);

/** Intents that may interrupt a flow to ask something else; the flow stays where it was. */
const SIDE_QUESTIONS = new Set<Intent>(['hours', 'location', 'services', 'faq', 'my_bookings', 'greeting']);

/**
 * The offline engine: ordered guard rules, then the conversation's open flow, then the classifier.
 * Deterministic for a given clock and database, which makes every reply testable.
 */
export class RuleEngine implements Engine {
  readonly name = 'rules';
  readonly wantsHistory = false;

  async respond(turn: Turn): Promise<EngineResult> {
    // "Hi, it's Stuart Reid here", "buenas, soy Marta López": a name given before any booking is kept for the next one.
    // Several bookings with names of their own ("…and one for my son Sam") say whose each is, not who is writing.
    const name = turn.tools.state.flow || plannedBookings(turn)?.some((b) => b.name) ? undefined : givenName(turn);
    if (name) turn.tools.state = applyChange(turn.tools.state, { customerName: name });
    const result = await this.route(turn);
    const { profile, now } = turn.tools;
    const closed = !openIntervalAt(profile, now);
    // Mid-booking the customer hears about the day they asked for, not a second closing sentence.
    const midFlow = Boolean(turn.tools.state.flow || turn.tools.state.pending);
    if (closed && !midFlow && (turn.firstInSession || result.intent === 'greeting') && !['hours', 'human', 'opt_out'].includes(result.intent) && !result.escalated) {
      const next = nextOpening(profile, now);
      if (next) result.reply = `${turn.replies.t('afterHours', { next: turn.replies.nextOpening(next, now) })} ${result.reply}`;
    }
    return result;
  }

  private async route(turn: Turn): Promise<EngineResult> {
    const { state } = turn.tools;
    const n = turn.normalized;
    if (state.pending && turn.tools.confirmed) return confirmPending(turn);
    // "👋", "🙏", "📞": emoji only; thanks and hellos answered as such, a phone reaches a person, anything else invites a question.
    if (hasNoWords(turn.text) && !isAffirmative(n)) {
      const { intent } = turn.classification;
      if (intent === 'human') return escalate(turn, 'Customer asked for a call');
      return intent === 'thanks' || intent === 'greeting' ? ok(turn.replies.t(intent), intent) : ok(turn.replies.t('noWords'), 'smalltalk');
    }
    if (asksForHuman(n) && !wantsWorkDone(turn)) return escalate(turn, 'Customer asked for a person');
    if (isFrustrated(n)) return escalate(turn, 'Customer seems upset');
    if (state.pending && isNegative(n)) return declinePending(turn);
    if (state.pending && isUnsure(n)) return ok(turn.replies.t('unsure'), PENDING_INTENT[state.pending.action]);
    // "no, al final mi pareja no puede", "nah it's too dear": a no with its reason, and nothing that could be a new day or
    // time ("no, 10 would be better", "no, the week after") for the proposal.
    if (state.pending && OPENS_NO.test(n) && !givesSlots(turn, state.pending) && !givenName(turn) && !mentionsNumber(turn) && !fillsRelative(n) && !WHEN_WORDS.test(n)) return declinePending(turn);
    if (asksToStopMessages(n)) return ok(turn.replies.t('stopQuestion'), 'unknown');
    if (isAffirmative(n) && !state.flow && !['thanks', 'greeting'].includes(turn.classification.intent)) return ok(turn.replies.t('nothingToConfirm'), 'smalltalk');
    const asks = unnamed(turn);
    if (mentionsCancel(asks)) {
      state.pending = undefined;
      state.flow = { kind: 'cancel' };
      return advanceCancel(turn, state.flow);
    }
    // "can we change it to 7" while a new booking is being made corrects that booking.
    // "could I come in an hour earlier on friday": a shift with nothing being booked moves a booking.
    const shifts = !state.flow && timeShift(dateText(turn)) !== undefined;
    if (state.flow?.kind !== 'book' && (mentionsReschedule(asks) || movesService(turn) || shifts)) {
      state.pending = undefined;
      state.flow = { kind: 'reschedule' };
      return advanceReschedule(turn, state.flow);
    }
    const { intent, score } = turn.classification;
    if (state.flow && state.flow.kind !== 'cancel' && state.flow.declined) {
      if (givesSlots(turn)) state.flow.declined = undefined;
      else state.flow = undefined;
    }
    // "how much is a fade?" … "ok can I get one friday at 3": the service told about, booked. Another
    // service named alone is another question ("and a beard trim?"), not a booking.
    if (state.flow?.kind === 'book' && state.flow.invited) {
      const { when, service } = read(turn);
      const invitedId = state.flow.serviceId;
      const invitedService = invitedId ? turn.tools.profile.services.find((x) => x.id === invitedId) : undefined;
      // "how much is that btw": the price of the service just told about, and the invitation stands.
      if (invitedService && !service && PRICE.test(n) && !turn.faqs.match(turn.text)?.strong) return ok(serviceReply(turn, invitedService), 'services');
      if (when.date || when.time !== undefined || when.week || when.part || when.unclear || when.impossible || isAffirmative(n)) state.flow.invited = undefined;
      else state.flow = undefined;
    }
    if (state.flow) {
      const { service, when } = read(turn);
      const flow = state.flow;
      const picks = flow.kind !== 'cancel' && flow.offered?.length ? parseChoice(n, flow.offered.length) : undefined;
      // "sounds good" or "the third one" after a list of offers answers the flow, whatever the model makes of its words;
      // a side question needs its own words ("where are you?") or a sure model.
      // While a name is awaited, a sure model is not enough: "its connor" is the name, only "where are you?" asks something.
      const ownWords = turn.classification.hints.includes(intent as never);
      const awaitingName = flow.kind === 'book' && flow.awaiting === 'name';
      // A name where one is awaited, or words only the flow understands ("3 then", "al día siguiente"), are the flow's.
      // "do you take cards?" while a name or a yes is awaited: a question the business's own FAQ answers is asked aside.
      const askedAside = (awaitingName || Boolean(state.pending)) && turn.text.includes('?') && Boolean(turn.faqs.match(turn.text)?.strong);
      // "Jamal Price": a name in capitals where one is awaited is the name, whatever its words could ask.
      const nameAlone = awaitingName && NAME_ALONE.test(turn.text.trim());
      // "is this the place?" (alone, or as a photo's caption) where a name is awaited: a question with no name in it is
      // asked aside, however unsure the model is of what it asks.
      const questionNoName = awaitingName && /\?\s*$/.test(turn.text) && !givenName(turn) && !extractName(turn.text);
      // "is this the place?" while a proposal waits: asked aside, the proposal shown again.
      const placeCheck = THIS_PLACE.test(n);
      // "evening" to "at 07:00 or at 19:00?", "por la tarde" to "what time on Friday?": the part of the day the engine asked for.
      const asksTime = flow.kind !== 'cancel' && flow.date !== undefined && (flow.time === undefined || Boolean(flow.ambiguousMeridiem));
      const sideQuestion = ((SIDE_QUESTIONS.has(intent) && score >= 0.8 && (ownWords || (score >= 0.95 && !awaitingName))) || askedAside || questionNoName || placeCheck)
        && !service && !when.date && when.time === undefined && !when.unclear && !(asksTime && when.part) && !isAffirmative(n) && !picks
        // "name is Gareth Price": a name given in so many words, whatever else its words could ask.
        && !fillsRelative(n) && !(awaitingName && givenName(turn)) && !nameAlone;
      // A side question the business cannot answer ("sorry I meant 4" read as a greeting) is the flow's; a question
      // that cannot be a name is answered aside even so (the fallback, or the team told of its photo), never a request.
      const decided = sideQuestion ? this.decide(turn, service, Boolean(turn.faqs.match(turn.text)?.strong)) : undefined;
      if (!decided || !(SIDE_QUESTIONS.has(decided) || ((questionNoName || placeCheck) && ASIDE_ANYWAY.has(decided)))) return continueFlow(turn);
      return this.aside(turn, flow);
    }
    return this.byIntent(turn);
  }

  /**
   * A question in the middle of a flow ("how much is it?", "is there parking?"): answered, the flow kept as it
   * was, and its next question asked again so the booking goes on. "How much" with no service named is about the
   * one being booked.
   */
  private async aside(turn: Turn, flow: NonNullable<Turn['tools']['state']['flow']>): Promise<EngineResult> {
    const booking = flow.kind === 'book' && flow.serviceId ? turn.tools.profile.services.find((s) => s.id === flow.serviceId) : undefined;
    const result = booking && !read(turn).service && PRICE.test(turn.normalized) && !turn.faqs.match(turn.text)?.strong ? ok(serviceDetail(turn, booking), 'services') : await this.byIntent(turn);
    turn.tools.state.flow = flow;
    const next = resumeQuestion(turn, flow);
    if (next) result.reply = `${result.reply}\n${next}`;
    return result;
  }

  /**
   * The intent to act on: the classifier's, corrected by what the business's own data says. A
   * strong FAQ match wins over a guess; a service with a day or time is a booking; a human request
   * needs clear words (precision matters more than recall there); foreign vocabulary is out of scope.
   */
  private decide(turn: Turn, service: Service | undefined, strongFaq: boolean): Intent {
    const { intent, score, hints, coverage, foreign = 0 } = turn.classification;
    const transactional: Intent[] = ['book', 'cancel', 'reschedule', 'my_bookings'];
    if (asksCancelPolicy(turn.normalized) || asksLatePolicy(turn.normalized)) return 'faq';
    // "which tram do I get to you on saturday": how to get here, whatever day or booking word it names.
    if (TRANSPORT.test(turn.normalized) && !hints.includes('human')) return 'location';
    // "is this the place?", "¿es aquí?": the address answers it; a photo sent with it is the team's to look at.
    if (THIS_PLACE.test(turn.normalized) && !turn.file) return 'location';
    // "can I just drop in on Friday?": whether a booking is needed, not a booking.
    if (WALK_IN.test(turn.normalized)) return 'faq';
    // "how do I take it off at home", "where can I buy nail polish": doing it yourself or shopping elsewhere is out of scope.
    if (ELSEWHERE.test(turn.normalized) && !hints.some((h) => transactional.includes(h) || h === 'human')) return 'unknown';
    if (RECOMMEND_ELSEWHERE.test(turn.normalized) && !hints.includes('human')) return 'unknown';
    // "que horarios tiene el jueves para un poder general?": what is free for a service on a day is a booking.
    if (service && read(turn).when.date && ASKS_FREE.test(turn.normalized)) return 'book';
    // A closing question about where or when the business is open is the request, whatever the story before it.
    const request = finalRequest(turn.text);
    if (request?.length === 1 && (request[0] === 'location' || request[0] === 'hours')) return request[0];
    const { when, undecided } = read(turn);
    // "una sesión": a word several services share is the business's talk as much as one service's name.
    service ??= undecided[0];
    // "what size tables do you do reservations for": a question about the offer, not a request for it.
    if (ABOUT_OFFER.test(turn.normalized) && !when.date && when.time === undefined) return 'services';
    // The models sure it is out of scope: "how do i renew my passport" shares a word with a service, "the best padel
    // racket" with an FAQ, and asks about neither (classifier.ts).
    if (intent === 'unknown' && turn.classification.outOfScope) return 'unknown';
    // A service with a day or time is a booking, unless the words say cancel, move or look up.
    // Its words, not a service's name ("a jewellery change on saturday"), must say so.
    const ownHints = keywordIntents(unnamed(turn));
    const otherRequest = ['cancel', 'reschedule', 'my_bookings'].includes(intent) && ownHints.includes(intent as never);
    // The model too may read the name's verb ("move out clean on the 31st?" as a reschedule, with no keyword).
    const nameOnly = (hints.includes(intent as never) && !ownHints.includes(intent as never)) || (intent === 'reschedule' && mentionsChange(turn.normalized) && !mentionsChange(unnamed(turn)));
    if (service && ['cancel', 'reschedule'].includes(intent) && nameOnly) return 'book';
    if (service && (when.date || when.week || when.time !== undefined) && !otherRequest) return 'book';
    // "and an engine clean for my brother at the same time": the day and time of the booking just made.
    if (service && SAME_TIME.test(turn.normalized) && !transactional.slice(1).includes(intent) && !strongFaq && !ownHints.some((h) => h === 'cancel' || h === 'faq')) return 'book';
    // "how long does gel polish last", "cuánto me dura el permanente": how long the result lasts is the FAQ's, when the
    // business's FAQ tells how long something lasts; else "how long does the temazcal last" asks the service's duration.
    if (lastingFaq(turn)) return 'faq';
    // "how much are kids cuts": a price question about a service, even when a FAQ shares a word with it.
    if (service && PRICE.test(turn.normalized) && !hints.some((h) => transactional.includes(h))) return 'services';
    // The business's own FAQ wins, unless the words ask for a change with something to act on
    // ("puedo ir con mi hija?" is the FAQ; "can I come with my daughter on Friday at 5" is a booking).
    const actionable = intent !== 'book' || service !== undefined || when.date !== undefined || when.time !== undefined || WHEN_TO_COME.test(turn.normalized);
    // A booking word with a day or time is a booking, whatever FAQ shares a word with it.
    if (hints.includes('book') && (when.date || when.time !== undefined) && !otherRequest) return 'book';
    // "busy day? need tyres done", "alright mate, you doing fades?": chat that opens a request for a service.
    const inChat = CHAT_OPENERS.has(intent) && service ? withoutChat(turn.normalized) : undefined;
    if (inChat && turn.services.find(inChat).length) return when.date || when.time !== undefined || hints.includes('book') ? 'book' : 'services';
    // "buenas tardes": a hello, thanks or small talk in its own words is that, whatever FAQ shares a word with it.
    if (!service && ['greeting', 'thanks', 'smalltalk'].includes(intent) && hints.includes(intent as never)) return intent;
    if (strongFaq && !(transactional.includes(intent) && hints.includes(intent as never) && actionable)) return 'faq';
    // A day or a time in the message is the business's kind of talk ("can we do the 31st instead of the 26th"),
    // unless several of its words are foreign to the business ("the weather in London tomorrow").
    const dated = Boolean(when.date || when.time !== undefined) && foreign < 2;
    // A model sure of a business intent has read the words: "aceptan efectivo?" is a question, even with a rare word.
    if (hints.length === 0 && !service && coverage < 0.5 && !dated && (intent === 'unknown' || score < SURE)) return 'unknown';
    // A service the model cannot place is still the business's: tell about it.
    if (intent === 'unknown' && service) return 'services';
    // "el mejor movil calidad precio": a price word among mostly foreign ones asks about something we do not sell. Not a
    // request for a person or the way here: people's and places' names are foreign words ("can i talk to jhon jairo",
    // "¿quedan por la 10 o por la avenida el poblado?").
    if (!service && foreign >= 2 && coverage < 0.34 && hints.every((h) => h === 'services') && !NAMES_FOREIGN_WORDS.has(intent)) return 'unknown';
    return intent;
  }

  private async byIntent(turn: Turn): Promise<EngineResult> {
    const r = turn.replies;
    const { service } = read(turn);
    const match = turn.faqs.match(turn.text);
    const faq = lastingFaq(turn) ?? (match?.strong ? match.faq : turn.faqs.best(turn.text));
    const intent = this.decide(turn, service, Boolean(match?.strong));
    switch (intent) {
      case 'greeting':
        return ok(r.t('greeting'), 'greeting');
      case 'hours':
        return ok(hoursReply(turn), 'hours');
      case 'location':
        return ok(locationReply(turn), 'location');
      case 'services':
        // Only the business's own keywords make a price question an FAQ: a shared price word is not enough,
        // a thing it names is ("how much are the tacos" when the FAQ is about the tacos).
        if ((match?.strong || (match && PRICE.test(normalize(match.faq.question)) && namesFaqThing(turn.text, match.faq.question))) && !service) return ok(match.faq.answer, 'faq');
        if (!service) return ok(servicesReply(turn), 'services');
        turn.tools.state.flow = { kind: 'book', serviceId: service.id, invited: true };
        return ok(serviceReply(turn, service), 'services');
      case 'book':
        return startBooking(turn);
      case 'cancel':
        turn.tools.state.flow = { kind: 'cancel' };
        return advanceCancel(turn, turn.tools.state.flow);
      case 'reschedule':
        turn.tools.state.flow = { kind: 'reschedule' };
        return advanceReschedule(turn, turn.tools.state.flow);
      case 'my_bookings': {
        const bookings = await myBookings(turn);
        return ok(bookings.length ? `${r.t('yourBookings')}\n${listBookings(turn, bookings)}` : r.t('noBookings'), 'my_bookings');
      }
      case 'faq':
        // A walk-in question gets the business's own answer about walk-ins, or what a booking promises.
        if (WALK_IN.test(turn.normalized) && !match?.strong) {
          // The reply offers a booking: a time or a yes next goes on with the service and day already said.
          const { when } = read(turn);
          turn.tools.state.flow = { kind: 'book', invited: true, ...(service ? { serviceId: service.id } : {}), ...(when.date ? { date: when.date } : {}) };
          return ok(r.t('walkIn'), 'faq');
        }
        // "queria apuntar a mi hijo a una clase individual, tiene 10 años", "i need my car cleaned inside and out": a day
        // or a time next books the service the question named, as after a question about the service itself.
        // Only a service named in so many words: a word translated or misspelt in a story ("mi perro tira de la correa"
        // for a "New dog assessment") invites no booking.
        if (service && namedAsWritten(turn, service)) turn.tools.state.flow = { kind: 'book', serviceId: service.id, invited: true };
        return faq ? ok(faq.answer, 'faq') : ok(r.t('faqNone'), 'faq', false);
      case 'human':
        return escalate(turn, 'Customer asked for a person');
      case 'thanks':
        return ok(r.t('thanks'), 'thanks');
      case 'smalltalk':
        return ok(r.t('smalltalk'), 'smalltalk');
      default:
        // A question about a photo the engine cannot see: the team, told of the file, will look at it.
        if (turn.file && turn.tools.profile.media.notifyStaff) return ok(r.t('mediaReceived', { what: r.t(FILE_WORD[turn.file]) }), 'unknown');
        return ok(r.t('fallback'), 'unknown', false);
    }
  }
}
