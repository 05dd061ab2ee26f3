import type { DateTime } from 'luxon';
import type { Language, Profile } from '../../core/profile.js';
import type { QueuedBooking } from '../domain/state.js';
import { clockTimes, parseWhen, type When } from './when.js';

type Service = Profile['services'][number];

/**
 * "me and my neighbor both want washes … 9 for mine and 10 for hers", "dos citas", "one for me and one for my son":
 * one service for more than one person, each with a time of their own.
 */
const SEVERAL_PEOPLE = /\b(both|each|two of us|2 of us|me and (?:my|her|his|the)|my \w+ and (?:i|me)|for (?:me|mine) and|and (?:one )?for (?:my|her|his|hers|him)|hers|his one|(?:two|2) (?:appointments|appts|bookings|slots|sessions)|(?:dos|2) (?:citas|turnos|reservas|sesiones)|los dos|las dos|ambos|ambas|mi \w+ y yo|yo y mi|para cada|una para mi y otra|uno para mi y otro)\b/;
/** "the colour or the blow dry", "X vs Y": a choice between services, which is asked, never booked twice. */
const CHOICE: Record<Language, RegExp> = { en: /\b(or|either|vs|versus|difference|which)\b/, es: /\b(o|u|vs|diferencia|cual)\b/ };

/** Words that join two services said together: "a manicure and a pedicure", "la sala y luego grabar". */
const JOINING = new Set('and then also plus with a an the some my then after afterwards y e luego despues tambien ademas con un una unos unas el la los las mi'.split(' '));

/** Lower case, no accents, anything but letters and digits a space; one character for one, so positions carry over. */
function fold(text: string): string {
  let out = '';
  for (const ch of text) {
    const f = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
    const one = f.length === 1 && /[a-z0-9]/.test(f) ? f : ' ';
    out += one.padEnd(ch.length, ' ');
  }
  return out;
}

interface Mention {
  at: number;
  end: number;
  id: string;
}

/** Where each service is named in the message, longest names first, none inside another. */
function mentions(folded: string, services: readonly Service[]): Mention[] {
  const all: Mention[] = [];
  for (const s of services) {
    for (const term of [s.name, ...s.aliases].map((t) => fold(t).trim().replace(/\s+/g, ' ')).filter((t) => t.length >= 3)) {
      const re = new RegExp(`(?<![a-z0-9])${term.replace(/ /g, ' +')}(?:e?s)?(?![a-z0-9])`, 'g');
      for (const m of folded.matchAll(re)) all.push({ at: m.index, end: m.index + m[0].length, id: s.id });
    }
  }
  const kept: Mention[] = [];
  for (const m of all.sort((a, b) => b.end - b.at - (a.end - a.at))) if (!kept.some((k) => k.at < m.end && m.at < k.end)) kept.push(m);
  return kept.sort((a, b) => a.at - b.at);
}

const clean = (w: When) => !w.unclear && !w.impossible;

/**
 * The bookings a message asks for when it asks for more than one: two services (each with its own time, times in
 * the order of the services, or one time for both, back to back), or one service for several people with a time
 * each. `requested` are the services it asks for (the story's left out). Undefined when it asks for one booking, or
 * in a way only a question settles (a choice, a range, several days): the caller asks, as for any unclear wish.
 */
export function severalBookings(text: string, language: Language, now: DateTime, requested: readonly Service[], nameOf?: (text: string) => string | undefined): QueuedBooking[] | undefined {
  const raw = text.normalize('NFC');
  const plan = planned(raw, language, now, requested);
  return plan && nameOf ? named(raw, plan, nameOf) : plan?.bookings;
}

/** Where in the message each booking is said, as [start, end) offsets: its service's mention, or its time's clause. */
interface Plan {
  bookings: QueuedBooking[];
  spans: [number, number][] | undefined;
}

/** Words that say whom a booking is for: "for my son", "para Lucía", "(Sam)". */
const FOR_SOMEONE = /(?:^|[^\p{L}])(?:for|para)\s|\(/iu;

/** Where a clause of a list ends: "10 for me and 11 for my son", "a las 5 para mí, a las 6 para ella". */
const LIST_CLAUSE = /[,;]+\s*|\s+(?:and|then|plus|y|e|luego|&)\s+/giu;

/**
 * Each booking's own name ("a kids cut for my son Sam at 11"), from the words said with it; the first booking also
 * takes a name said apart from the others ("Dave here, …"). A booking with no name of its own keeps the one before it.
 */
function named(raw: string, plan: Plan, nameOf: (text: string) => string | undefined): QueuedBooking[] {
  const { bookings, spans } = plan;
  if (!spans) {
    const name = nameOf(raw);
    return name ? bookings.map((b, i) => (i === 0 ? { ...b, name } : b)) : bookings;
  }
  // A later booking's name is its own when said for someone ("for my son Sam", "para Lucía", "(Sam)"); one signed at
  // the end ("…beard trim at 2, Ross") is the writer's, for every booking.
  const own = spans.map(([a, b], i) => (i === 0 || FOR_SOMEONE.test(raw.slice(a, b)) ? nameOf(raw.slice(a, b)) : undefined));
  const others = spans.slice(1).filter((_, i) => own[i + 1]).reduceRight((t, [a, b]) => t.slice(0, a) + ' '.repeat(b - a) + t.slice(b), raw);
  own[0] ??= nameOf(others);
  return bookings.map((b, i) => (own[i] ? { ...b, name: own[i] } : b));
}

function planned(raw: string, language: Language, now: DateTime, requested: readonly Service[]): Plan | undefined {
  const folded = fold(raw);
  const whole = parseWhen(raw, language, now);
  if ((whole.unclear && whole.unclear !== 'several') || whole.impossible || whole.range) return undefined;
  const times = clockTimes(raw, language);
  const date = whole.date;
  if (requested.length === 1) {
    if (times.length < 2 || !SEVERAL_PEOPLE.test(folded.replace(/\s+/g, ' '))) return undefined;
    return { bookings: times.map((t) => ({ serviceId: requested[0]!.id, date, time: t.minutes, ambiguousMeridiem: t.ambiguousMeridiem })), spans: timeClauses(raw, times.length) };
  }
  const said = mentions(folded, requested);
  const order = [...new Set(said.map((m) => m.id))];
  if (order.length !== requested.length || order.length < 2) return undefined;
  if (CHOICE[language].test(folded.slice(said[0]!.at, said.at(-1)!.end))) return undefined;
  // Each service with the time said after it, before the next service: "full detail at 8 and the headlights at 1".
  const own = new Map<string, When[]>();
  said.forEach((m, i) => {
    const w = parseWhen(raw.slice(m.at, said[i + 1]?.at ?? raw.length), language, now);
    if (w.time !== undefined || w.date) own.set(m.id, [...(own.get(m.id) ?? []), w]);
  });
  // Each service's words run to the next service named.
  const starts = order.map((id) => said.find((m) => m.id === id)!.at);
  const spans = starts.map((at, i): [number, number] => [i === 0 ? 0 : at, starts[i + 1] ?? raw.length]);
  const before = clockTimes(raw.slice(0, said[0]!.at), language);
  const timed = order.map((id) => own.get(id)?.filter((w) => w.time !== undefined) ?? []);
  if (before.length === 0 && timed.every((ws) => ws.length === 1 && clean(ws[0]!) && new Set(ws.map((w) => w.time)).size === 1)) {
    const bookings = order.map((id, i) => {
      const w = timed[i]![0]!;
      return { serviceId: id, date: w.date ?? date, time: w.time, ambiguousMeridiem: w.ambiguousMeridiem };
    });
    return { bookings, spans };
  }
  if (whole.unclear === 'several' && !date && times.length < 2) return undefined;
  // "Sat 22nd, me 10am then the girls 2pm": as many times as services, in the same order.
  if (times.length === order.length) return { bookings: order.map((id, i) => ({ serviceId: id, date, time: times[i]!.minutes, ambiguousMeridiem: times[i]!.ambiguousMeridiem })), spans };
  if (times.length > 1) return undefined;
  // One time, or none yet, for services said together ("oil change and a tire swap"): the first at it, the others
  // straight after. Services said apart, with no time of their own, may be the story and the wish: asked, not queued.
  const apart = said.slice(1).some((m, i) => m.id !== said[i]!.id && folded.slice(said[i]!.end, m.at).trim().split(/\s+/).filter(Boolean).some((w) => !JOINING.has(w)));
  if (apart) return undefined;
  return { bookings: order.map((id, i) => (i === 0 ? { serviceId: id, date, time: whole.time, ambiguousMeridiem: whole.ambiguousMeridiem } : { serviceId: id, date, afterPrevious: true })), spans };
}

/**
 * "Dave at 10 and Sam at 11", "10 for me and 11 for my son Jack": the clauses of a list that hold one time each, as
 * many as the times; undefined when the list does not part so (no names are then read per booking).
 */
function timeClauses(raw: string, count: number): [number, number][] | undefined {
  const cuts = [0, ...[...raw.matchAll(LIST_CLAUSE)].flatMap((m) => [m.index, m.index + m[0].length]), raw.length];
  const clauses: [number, number][] = [];
  for (let i = 0; i < cuts.length; i += 2) clauses.push([cuts[i]!, cuts[i + 1]!]);
  // A clause's number may be an hour only beside the others ("10 for me"): counted as written, a number each.
  const timed = clauses.map(([a, b]) => raw.slice(a, b).match(/\d{1,2}(?:[:.h]\d{2})?/g)?.length ?? 0);
  if (timed.some((n) => n > 1) || timed.filter((n) => n === 1).length !== count) return undefined;
  // A clause with no time of its own goes with the timed clause after it ("for my son Sam, at 11"), or the last one.
  const spans: [number, number][] = [];
  let from = 0;
  clauses.forEach(([, b], i) => {
    if (timed[i] === 1) [spans[spans.length], from] = [[from, b], b];
  });
  spans[spans.length - 1]![1] = raw.length;
  return spans;
}

/** A name or alias with a number in it ("one to one", "1-2-1", "2 in 1", "3D", "24h", "4x4"): no time of the message's. */
const NUMBERED = /\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|uno|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce)\b/;

/** The message with the services' names and aliases that hold a number blanked out, for the date and time reader. */
export function withoutNumberedNames(text: string, services: readonly Service[]): string {
  const numbered = services.map((s) => ({ ...s, aliases: s.aliases.filter((a) => NUMBERED.test(fold(a))) })).filter((s) => s.aliases.length > 0 || NUMBERED.test(fold(s.name)));
  if (numbered.length === 0) return text;
  const raw = text.normalize('NFC');
  const found = mentions(fold(raw), numbered).filter((m) => NUMBERED.test(fold(raw.slice(m.at, m.end))));
  return found.reduceRight((t, m) => t.slice(0, m.at) + ' '.repeat(m.end - m.at) + t.slice(m.end), raw);
}
