import * as chrono from 'chrono-node';
import { DateTime, type Zone } from 'luxon';
import type { Language } from '../../core/profile.js';

/** What a message says about when: a local date, a time of day, or why it cannot be used. */
export interface When {
  /** Local date, yyyy-mm-dd, in the tenant's timezone. */
  date?: string;
  /** Minutes after midnight. */
  time?: number;
  /** The customer gave a bare hour ("at 5"): 05:00 or 17:00 is for the caller to decide. */
  ambiguousMeridiem?: boolean;
  /** A day and month that do not exist, as written ("30 February"). */
  impossible?: string;
}

const parsers: Record<Language, chrono.Chrono> = { en: chrono.en.GB, es: chrono.es.casual };

const MONTHS: Record<string, number> = {
  january: 1, february: 2, march: 3, april: 4, may: 5, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
  jan: 1, feb: 2, mar: 3, apr: 4, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
  enero: 1, febrero: 2, marzo: 3, abril: 4, mayo: 5, junio: 6, julio: 7, agosto: 8, septiembre: 9, setiembre: 9, octubre: 10, noviembre: 11, diciembre: 12,
};

/** "30 February", "31/04": a day-month pair no calendar has. chrono silently rolls these over. */
function impossibleDate(text: string, now: DateTime): string | undefined {
  const named = /\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+|de\s+)?([a-z]+)\b/i.exec(text);
  const numeric = /\b(\d{1,2})\/(\d{1,2})(?:\/\d{2,4})?\b/.exec(text);
  const candidates: [number, number, string][] = [];
  if (named && MONTHS[named[2]!.toLowerCase()]) candidates.push([Number(named[1]), MONTHS[named[2]!.toLowerCase()]!, named[0]]);
  if (numeric) candidates.push([Number(numeric[1]), Number(numeric[2]), numeric[0]]);
  for (const [day, month, written] of candidates) {
    if (month < 1 || month > 12 || day < 1) return written;
    const fits = [now.year, now.year + 1].some((year) => DateTime.fromObject({ year, month, day }).isValid);
    if (!fits) return written;
  }
  return undefined;
}

/** Rewrites chrono misreads: "14h" and "16h30" (read as 1 o'clock), "pasado mañana" (read as mañana). */
function prepare(text: string): string {
  return text
    .replace(/\b(\d{1,2})h(\d{2})?\b/gi, (_m, h: string, m?: string) => `${h}:${m ?? '00'}`)
    .replace(/\b(\d{1,2})\s*(am|pm)\b/gi, '$1$2');
}

/** "the 20th", "el 20", "el día 20": a day of this month, or of the next when it has passed. */
function bareDayOfMonth(text: string, now: DateTime): string | undefined {
  const m = /\b(?:the\s+(\d{1,2})(?:st|nd|rd|th)?|(\d{1,2})(?:st|nd|rd|th)|el\s+(?:dia\s+|día\s+)?(\d{1,2}))\b(?!\s*(?:\/|:|de\s+[a-z]|of\s+|[a-z]{3,}\b(?<!\b(?:at|a|las)\b)))/i.exec(text);
  if (!m) return undefined;
  const day = Number(m[1] ?? m[2] ?? m[3]);
  for (let add = 0; add <= 2; add++) {
    const candidate = now.startOf('month').plus({ months: add }).set({ day });
    if (candidate.isValid && candidate.day === day && candidate >= now.startOf('day')) return candidate.toISODate()!;
  }
  return undefined;
}

/**
 * Dates and times in a message, read with chrono in the tenant's language and rebuilt with luxon
 * in the tenant's timezone (chrono only understands fixed offsets, not zones).
 */
export function parseWhen(text: string, language: Language, now: DateTime): When {
  const impossible = impossibleDate(text, now);
  if (impossible) return { impossible };
  const prepared = prepare(text);
  const lower = prepared.toLowerCase();
  const result: When = {};
  if (/\bpasado\s+ma[ñn]ana\b/.test(lower)) result.date = now.plus({ days: 2 }).toISODate()!;

  const parsed = parsers[language].parse(prepared, { instant: now.toJSDate(), timezone: now.offset }, { forwardDate: true })[0];
  if (parsed) {
    const s = parsed.start;
    const dateGiven = s.isCertain('day') || s.isCertain('weekday');
    if (dateGiven && !result.date) {
      result.date = DateTime.fromObject({ year: s.get('year')!, month: s.get('month')!, day: s.get('day')! }, { zone: now.zone }).toISODate()!;
    }
    if (s.isCertain('hour')) {
      result.time = s.get('hour')! * 60 + (s.get('minute') ?? 0);
      result.ambiguousMeridiem = !s.isCertain('meridiem') && s.get('hour')! >= 1 && s.get('hour')! <= 12;
    }
  }
  if (!result.date) {
    const bare = bareDayOfMonth(prepared, now);
    if (bare) result.date = bare;
  }
  return result;
}

/** A local date and time in the tenant's zone. */
export function localDateTime(date: string, minutes: number, zone: Zone): DateTime {
  return DateTime.fromISO(date, { zone }).startOf('day').plus({ minutes });
}
