import { DateTime, type Zone } from 'luxon';
import type { Language, Profile } from '../../core/profile.js';
import { atLocalMinutes, rangesFor } from '../domain/calendar.js';

/**
 * What a message says about when, read by hand-written rules in English and Spanish. chrono-node
 * was the reader before; it loses half and quarter hours ("half 4", "a las 5 y media", "7 menos
 * cuarto", "16h30"), puts "Thursday the 26th" in the nearest Thursday's week, reads "sobre las 5"
 * as nothing and drops the time in "el jueves 19 a las 5". Fixing those meant pre- and
 * post-processing most of its output, so the small grammar customers use is written out here and
 * checked against test/brain/when-corpus. luxon does the calendar arithmetic in the tenant's zone.
 */
export interface When {
  /** Local date, yyyy-mm-dd, in the tenant's timezone. */
  date?: string;
  /** Minutes after midnight. */
  time?: number;
  /** The customer gave a bare hour ("at 5"): 05:00 or 17:00 is for resolveMeridiem to decide. */
  ambiguousMeridiem?: boolean;
  /** A day and month that do not exist, as written ("30 February"). */
  impossible?: string;
  /** The message says when in a way only a question can settle. */
  unclear?: Unclear;
  /** "in the morning", "por la tarde": a part of the day without a clock time. */
  part?: DayPart;
  /** "first thing", "a primera hora", "as early as possible": the day's opening time. */
  earliest?: boolean;
  /** "next week", "esta semana", "this weekend": the Monday of a week named without a day. */
  week?: string;
  /** The date comes from a weekday alone ("Thursday"), not a day of the month or a relative day. */
  weekdayOnly?: boolean;
  /** With `vague_time`: the hours a range wish allows ("after 5", "entre las 10 y las 12"). */
  range?: RangeWish;
}

/** "after 5": from 05:00 or 17:00, for the caller to settle by what is open; minutes after midnight. */
export interface RangeWish {
  from?: number;
  to?: number;
  /** Written without am/pm: each bound may be 12 hours later. */
  ambiguous: boolean;
}

export type Unclear = 'weekday_mismatch' | 'several' | 'vague_time' | 'bad_time';
/** `after_lunch`: the afternoon once a lunch hour is over ("after lunch", "después de comer"). */
export type DayPart = 'morning' | 'afternoon' | 'after_lunch' | 'evening';

const MONTHS: Record<string, number> = {
  january: 1, february: 2, march: 3, april: 4, may: 5, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
  jan: 1, feb: 2, mar: 3, apr: 4, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
  enero: 1, febrero: 2, marzo: 3, abril: 4, mayo: 5, junio: 6, julio: 7, agosto: 8, septiembre: 9, setiembre: 9, octubre: 10, noviembre: 11, diciembre: 12,
};
const MONTH = Object.keys(MONTHS).sort((a, b) => b.length - a.length).join('|');

const FULL_WEEKDAYS: Record<string, number> = {
  monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6, sunday: 7,
  lunes: 1, martes: 2, miercoles: 3, jueves: 4, viernes: 5, sabado: 6, domingo: 7,
  // "el sabadito", "el juevecito": the diminutives said in much of Latin America.
  lunesito: 1, lunecito: 1, martecito: 2, martesito: 2, miercolito: 3, miercolesito: 3, juevecito: 4, juevesito: 4, viernecito: 5, viernesito: 5, sabadito: 6, dominguito: 7,
};
/** Short forms in their own language only: "Dom", "Vie" or "Sab" in an English message is a customer's name. */
const SHORT_WEEKDAYS: Record<Language, Record<string, number>> = {
  en: { mon: 1, tue: 2, tues: 2, wed: 3, weds: 3, thu: 4, thur: 4, thurs: 4, fri: 5, sat: 6, sun: 7 },
  // "mar" would be March: martes has no short form.
  es: { lun: 1, mie: 3, mier: 3, mierc: 3, jue: 4, juev: 4, vie: 5, vier: 5, sab: 6, dom: 7 },
};
const WEEKDAYS: Record<string, number> = { ...FULL_WEEKDAYS, ...SHORT_WEEKDAYS.en, ...SHORT_WEEKDAYS.es };
const WEEKDAY = Object.fromEntries(
  (['en', 'es'] as const).map((lang) => [lang, Object.keys({ ...FULL_WEEKDAYS, ...SHORT_WEEKDAYS[lang] }).sort((a, b) => b.length - a.length).join('|')]),
) as Record<Language, string>;
/** A pattern built once per language, with that language's weekday words spliced in. */
const perLanguage = (build: (weekday: string) => RegExp) => ({ en: build(WEEKDAY.en), es: build(WEEKDAY.es) });
/**
 * "el dom", "el próximo jue", "dom 29", "vie a las 5": in Spanish a short weekday is a day only where it reads as one;
 * "soy Dom" is a name, whatever follows it.
 */
const SHORT_AS_DAY = {
  before: /\b(?:el|del|al) $/,
  after: /^ (?:\d|a las? \d)/,
  name: /\bsoy $/,
  // "vie", "juev?", "ok, mejor el mie": a short weekday that is the whole answer, with a word of assent at most.
  aloneBefore: /^ (?:(?:ok|vale|pues|bueno|mejor|entonces|y|o|no|si|para|el) )*$/,
  aloneAfter: /^ (?:(?:porfa|por favor|entonces|mejor|pues|vale|si|puede ser|nomas|mismo|no) )*$/,
};
/** "I'm Sun", "this is Sat", "name's Sun": an English short weekday right after words that give a name is that name. */
const SHORT_AS_NAME = /\b(?:i'?m|i am|this is|it'?s|its|name is|name'?s|names|call me)\s$/;

const UNITS_EN = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const UNITS_ES = ['uno', 'dos', 'tres', 'cuatro', 'cinco', 'seis', 'siete', 'ocho', 'nueve'];
/** "twenty-five", "twenty five", "veinticinco", "cuarenta y cinco": the minutes people write in words. */
const compounds = (tens: [string, number][], units: string[], joins: string[]) =>
  Object.fromEntries(tens.flatMap(([t, v]) => units.flatMap((u, i) => joins.map((j) => [`${t}${j}${u}`, v + i + 1]))));
const NUMBER_WORDS: Record<Language, Record<string, number>> = {
  en: {
    one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12, fifteen: 15, twenty: 20, thirty: 30, forty: 40, fifty: 50,
    ...compounds([['twenty', 20], ['thirty', 30], ['forty', 40], ['fifty', 50]], UNITS_EN, [' ', '-']),
  },
  es: {
    uno: 1, dos: 2, tres: 3, cuatro: 4, cinco: 5, seis: 6, siete: 7, ocho: 8, nueve: 9, diez: 10, once: 11, doce: 12, quince: 15, veinte: 20, treinta: 30, cuarenta: 40, cincuenta: 50,
    ...compounds([['veinti', 20]], UNITS_ES, ['']),
    ...compounds([['treinta', 30], ['cuarenta', 40], ['cincuenta', 50]], UNITS_ES, [' y ']),
  },
};

const NUMBER_RE = Object.fromEntries(
  Object.entries(NUMBER_WORDS).map(([lang, words]) => [lang, new RegExp(`\\b(${Object.keys(words).sort((a, b) => b.length - a.length).join('|')})\\b`, 'g')]),
) as Record<Language, RegExp>;

/** "I'm at 12 Byres Road", "we live at 4 Elm Grove": a house number, not a time. */
const STREET = '(?: [a-z]+){0,2} (?:road|rd|street|avenue|ave|lane|crescent|terrace|gardens|grove|mews|square)\\b';

/** Ages: a list after kids ("2 kids (9 and 11)"), after "aged", "ages", "edad", or before "years old", "year olds", "años" (one or several, listed or as a span). */
const AGES = /(?<=\b(?:kids?|children|boys|girls|sons|daughters|ninos|ninas|hijos|hijas) )\d{1,2}(?: ?(?:and|&|y|e) ?\d{1,2})+\b(?! ?(?:am|pm|h|hs)\b)|\b(?:(?:aged?|ages|edad(?:es)?(?: de)?) \d{1,2}(?: ?(?:and|&|-|to|or|y|e|o|a)? ?\d{1,2})*(?: (?:years?|yrs?|anos)(?: old)?)?|\d{1,2}(?: ?(?:and|&|-|to|or|y|e|o|a)? ?\d{1,2})* ?(?:years? old|yrs? old|year olds?|yr olds?|anos|anitos))\b/g;
/** Whom or what a number counts: "for 2 adults", "3 kids", "the 3 of us": no time and no day. */
const PEOPLE = 'people|persons|personas|ppl|pax|adults?|kids?|children|boys|girls|guests|of us|of them|ninos|ninas|adultos|invitados|chicos|chicas';

/** Patterns built once, with the word lists above spliced in. */
const ANCHORED = new RegExp(`\\b(?:at|around|about|by|for|@|or|and|till|until|after|before|from|between|make it|it to|instead|we do|you do|u do|i do|how about|what about|say) (\\d{1,2})(?: (\\d{2}))?(?: ?-?ish)?\\b(?! ?(?:(?:st|nd|rd|th)\\b|\\/|[:.]\\d|days?|weeks?|months?|(?:${PEOPLE})\\b|of\\b|minutes?|mins?|hours?|hrs?|years?|(?:${MONTH})\\b|${STREET}))`, 'g');
// "los lunes" (Mondays in general: "¿los lunes cerráis?") names no day; English plurals never match the names.
const WEEKDAY_PHRASE = perLanguage((weekday) => new RegExp(`(?<!\\blos )\\b(next |this |este |el proximo |proximo )?(${weekday})\\b( que viene| proximo| de la (?:semana que viene|proxima semana|otra semana)| (?:of |on )?next week| (?:de )?la (?:semana que viene|semana q viene|proxima semana))?`, 'g'));
const DAY_MONTH = new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)? (?:of |de )?(${MONTH})\\b(?: (?:de )?(\\d{4}))?`, 'g');
const MONTH_DAY = new RegExp(`\\b(${MONTH}) (\\d{1,2})(?:st|nd|rd|th)?\\b(?![:.]\\d)`, 'g');
/** "the 9 hole lesson", "the 2 seater", "the 3 course menu": what a number before these counts is no day. */
const COUNTED = 'holes?|courses?|seaters?|pieces?|wheels?|doors?|lessons?|sessions?|classes|packs?|players?|kids?|dogs?|cars?|rounds?|laps?|goals?|points?|stars?|steps?|layers?|tiers?|flavou?rs?|sizes?|inch\\w*|ft|feet|foot|metres?|meters?|kg|kilos?|lbs?|ml|cm|mm|pc|pcs';

const BARE_DAY: Record<Language, RegExp> = {
  // "the 3 o'clock one" is a time; "my 2nd fitting" counts visits, it names no day.
  en: new RegExp(`\\b(?:the (\\d{1,2})(?:st|nd|rd|th)?(?![:.]\\d| ?(?:min|mins|minutes?|hours?|hrs?|hs|h|${PEOPLE}|euros?|pounds?|quid|pick|o ?'? ?clock|am|pm|${COUNTED})\\b)|(?<!\\b(?:my|our|your|her|his|their) )(\\d{1,2})(?:st|nd|rd|th)|(?:${WEEKDAY.en}) (\\d{1,2})(?!\\d| ?(?:am|pm|[:.]\\d|(?:h|hs|hrs?)\\b|o ?clock|ish| past\\b| to\\b)))\\b`, 'g'),
  // "el martes 17 hs", "el 17h": an hour, as written in Argentina and elsewhere, never the 17th.
  es: new RegExp(`\\b(?:(?:el|del|al) (?:dia )?(\\d{1,2})|dia (\\d{1,2})|(?:${WEEKDAY.es}) (\\d{1,2}))\\b(?![:.]\\d| ?(?:h|hs|hrs?)\\b| ?(?:am|pm)| y (?:media|cuarto)| menos| de la (?:manana|tarde|noche)\\b)`, 'g'),
};

/** "el 3 del 11", "el día 3 de 4": a day and the month's number, in Spanish. */
const DAY_OF_MONTH_NUMBER = /\b(?:el|dia) (?:dia )?([1-9]|[12]\d|3[01]) del? (0?[1-9]|1[0-2])\b(?![:.]\d| ?(?:h|hs|hrs?|am|pm)\b| (?:y (?:media|cuarto)|menos|personas|sesiones|clases|horas|dias|semanas|meses)\b)/g;
/** Zones of the United States (and the Philippines), where 4/3 is April 3. */
const MONTH_FIRST_ZONE = /^(?:America\/(?:New_York|Detroit|Chicago|Denver|Phoenix|Los_Angeles|Anchorage|Juneau|Sitka|Metlakatla|Yakutat|Nome|Adak|Boise|Menominee|Indiana\/\w+|Kentucky\/\w+|North_Dakota\/\w+|Indianapolis|Louisville)|Pacific\/Honolulu|US\/\w+|Asia\/Manila)$/;
/** "tmrw 1630", "sat 1730": four digits alone are a 24-hour time from 06:00 on, unless a year, a price or part of a date. */
const FOUR_DIGITS = new RegExp(
  // "my 2014 camry": a year of a thing someone has.
  `(?<![\\d/.:,-]|\\b(?:${MONTH}|de|del|of|in|year|ano|since|desde|my|our|his|her|their|mi|su|a|an) ?|[€£$] ?)\\b(0[6-9]|1\\d|2[0-3])([0-5]\\d)(?: ?(?:h|hs|hrs))?\\b(?![/.:,-]?\\d| ?(?:[€£$]|eur|euros?|pounds?|quid|dollars?|pesos|soles|usd|mxn|gbp|km|kms|miles|people|personas)\\b)`,
  'g',
);
/**
 * "pista 1h", "a court for 1h30", "dos horas": how long, not when. Blanked unless a word asking for a
 * time comes first ("a las 1h30" stays a time).
 */
const DURATION = /(?<!\b(?:at|las?|around|about|sobre las|tipo|by) )\b(?:[1-3] ?h ?30|[1-3](?:[.,]5)? ?(?:h|hr|hrs|hours?|horas?)|(?:an?|una?|half an?|media) (?:hours?|horas?|hr))(?: (?:y media|and a half))?\b/g;

const MONTH_NAMES = Object.keys(MONTHS).slice(0, 12);
/**
 * Weekdays and "mañana" as customers mistype them ("satdy", "thrusday", "juebes", "mñn"): the word they meant. Only
 * misspellings that are no other word ("vienes" is "you come", not "viernes").
 */
const TYPOS: Record<Language, Record<string, string>> = {
  en: Object.fromEntries(
    Object.entries({
      monday: 'mondy monady mondya',
      tuesday: 'tuesdy tusday tueday teusday tuseday tuesady',
      wednesday: 'wensday wendsday wednsday wedensday wednesay wedsnday wednessday wedneday',
      thursday: 'thursdy thrusday thurday thursay thurdsay thursady',
      friday: 'fridy firday frday friady fridya',
      saturday: 'satdy satday saturdy saterday satuday satruday saturady',
      sunday: 'sundy sundya sunady',
    }).flatMap(([day, typos]) => typos.split(' ').map((t) => [t, day])),
  ),
  // "mñn", "mñna": ñ loses its tilde with the accents.
  es: { mnn: 'manana', mnna: 'manana', mnana: 'manana', juebes: 'jueves', biernes: 'viernes', savado: 'sabado', sabdo: 'sabado', mircoles: 'miercoles', miecoles: 'miercoles', domigo: 'domingo' },
};

/** Lower case, no accents, number words as digits, punctuation that never carries a time removed. */
function prepare(text: string, language: Language): string {
  let s = text
    // "se me rompió la uña": without its tilde "la uña" would be "la una", one o'clock.
    .replace(/\bu(?:ñ|n\u0303)a\b/giu, 'unya')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    // "Morning! can you do wednesday": a greeting opening the message names no part of the day.
    .replace(/^\s*(?:good )?(?:morning|afternoon|evening)\b(?= *[!,.]| +(?:all|there|guys|team|folks|mate|yall|y all)\b)/, ' ')
    // "feliz año nuevo a todo el equipo", "merry xmas!": a greeting names no day, the feast in it none either.
    .replace(FEAST_GREETING, ' ')
    // "2027-01-12": a date written year first, told as "12 january 2027" so no part of it is read as a day or a time.
    .replace(/\b(20\d{2})[-/.](0?[1-9]|1[0-2])[-/.](0?[1-9]|[12]\d|3[01])\b/g, (_, y, m, d) => `${Number(d)} ${MONTH_NAMES[Number(m) - 1]} ${y}`)
    // "12.01.27": a day, month and year written with dots, not the time 12:01.
    .replace(/\b(0?[1-9]|[12]\d|3[01])\.(0?[1-9]|1[0-2])\.(\d{2}|20\d{2})\b(?![.:]?\d)/g, '$1/$2/$3')
    // "1º de mayo" is the 1st; "soy el del 2ºB", "la 3ª sesión" count floors and visits, no day.
    .replace(new RegExp(`\\b(\\d{1,2}) ?[ºª°](?=(?: de)? (?:${MONTH})\\b)`, 'g'), '$1')
    .replace(/\b\d{1,2} ?[ºª°]/g, ' nth ')
    .replace(/[¿¡!?,;()"*]+/g, ' ')
    .replace(/\b([ap])\.m\.?/g, '$1m')
    .replace(/@/g, language === 'es' ? ' a las ' : ' at ')
    .replace(/\s+/g, ' ');
  s = s.replace(/\b[a-z]+\b/g, (w) => TYPOS[language][w] ?? w);
  // "the one on Saturday", "that one": a pronoun, not the 1st; "still time for one today", "room for one": a person.
  if (language === 'en') s = s.replace(/\b(the|that|this|which|other|first|second|third|last|next) one\b/g, '$1 pick').replace(/\b((?:room|space|time|slot|spot|place|gap|opening|appointment|booking)s? for) one\b(?! ?(?:o ?'? ?clock|am|pm|thirty|fifteen|forty|[:.]\d))/g, '$1 pick');
  s = s.replace(NUMBER_RE[language], (w) => String(NUMBER_WORDS[language][w]));
  s = s.replace(DURATION, ' duration ');
  // "is it still 2 for 1 on blow dries", "3 for 2": an offer, the second number smaller, no time.
  if (language === 'en') s = s.replace(/\b(\d{1,2}) for (\d{1,2})\b(?! ?(?:am|pm|[:.]\d|o ?'? ?clock))/g, (m, a, b) => (Number(b) < Number(a) ? `${a} offer ${b}` : m));
  // "table for 4 this Saturday at 8:30pm": a party size, not four o'clock.
  s = s.replace(/\b(table|party|group|mesa|grupo) (for|of|para|de) (\d{1,2})\b(?! ?(?:am|pm|[:.]\d))/g, '$1 $2 $3 people');
  // "kids aged 10 and 12", "ages 6-12", "8 and 10 year olds", "de 6 a 12 años": ages, no time and no day of the month.
  s = s.replace(AGES, ' age ');
  // "for 4 at 6", "for two at 8": a party size said before the time, not a second time.
  if (language === 'en') s = s.replace(/\bfor (\d{1,2}) (?=(?:at|@|around|about) \d)/g, 'for $1 people ');
  if (language === 'es') s = s.replace(/\bla una\b/g, 'la 1').replace(/\bd (la|el)\b/g, 'de $1');
  return ` ${s.trim()} `;
}

interface TimeHit {
  at: number;
  end: number;
  minutes: number;
  certain: boolean;
  /** The end of a span read as such ("from 6 to 7.30pm"). */
  spanEnd?: boolean;
}

/** Minutes from an hour and minute on a 12- or 24-hour clock; certain when written with am/pm or as 13-23 / 0. */
function clock(h: number, m: number, meridiem?: string): { minutes: number; certain: boolean } | 'bad' {
  if (h > 23 || m > 59 || (meridiem && (h > 12 || h === 0))) return 'bad';
  if (meridiem === 'pm') return { minutes: ((h % 12) + 12) * 60 + m, certain: true };
  if (meridiem === 'am') return { minutes: (h % 12) * 60 + m, certain: true };
  return { minutes: h * 60 + m, certain: h >= 13 || h === 0 };
}

const PM_PART = /^(tarde|noche|evening|afternoon|night)/;

/** Clock times written in the message, in order; 'bad' when one cannot exist (25:00). */
function findTimes(s: string, language: Language): TimeHit[] | 'bad' {
  const hits: TimeHit[] = [];
  let bad = false;
  const add = (m: RegExpExecArray, h: number, min: number, meridiem?: string, forceCertain = false) => {
    const at = m.index;
    const end = at + m[0].length;
    if (hits.some((x) => x.at < end && at < x.end)) return;
    const c = clock(h, min, meridiem);
    if (c === 'bad') return void (bad = true);
    hits.push({ at, end, minutes: c.minutes, certain: c.certain || forceCertain });
  };
  const scan = (re: RegExp, f: (m: RegExpExecArray) => void) => {
    for (const m of s.matchAll(re)) f(m as RegExpExecArray);
  };
  // "from 6 to 7.30pm", "tuesday 11 till 12", "de 10 a 12": both ends of a span are times, the end's am/pm the start's too.
  for (const m of s.matchAll(SPAN[language])) {
    // "de las 6 a las 7 y media": the end's half or quarter.
    const [h1, m1, h2, m2, meridiem] = [Number(m[1] ?? m[3] ?? m[5]), Number(m[2] ?? m[4] ?? m[6] ?? 0), Number(m[7]), Number(m[8] ?? (m[10] ? (m[10].includes('media') ? 30 : 15) : 0)), m[9]?.trim()];
    const [a, b] = [clock(h1, m1, h1 <= h2 ? meridiem : undefined), clock(h2, m2, meridiem)];
    if (a === 'bad' || b === 'bad') bad = true;
    else hits.push({ at: m.index, end: m.indices![7]![0], minutes: a.minutes, certain: a.certain }, { at: m.indices![7]![0], end: m.index + m[0].length, minutes: b.minutes, certain: b.certain, spanEnd: true });
  }
  if (language === 'es') {
    // "tipo 5", "tipo 17:30" (Río de la Plata): about that time.
    scan(/\btipo (?:las? )?(\d{1,2})(?:[:.](\d{2}))?(?:( y media| y cuarto| menos cuarto| y pico| y algo)\b|\b(?! ?(?:de\b|dias?|semanas?|meses|personas|euros?|minutos?)))/g, (m) => {
      const h = Number(m[1]);
      const extra = m[3]?.trim();
      // "tipo 11 y algo": some minutes after 11, which ones only a question settles.
      if (extra === 'y pico' || extra === 'y algo') bad = true;
      else if (extra === 'menos cuarto') add(m, h - 1, 45);
      else add(m, h, extra === 'y media' ? 30 : extra === 'y cuarto' ? 15 : m[2] ? Number(m[2]) : 0);
    });
    // "a las 5 y media de la tarde", "sobre las 11 y cuarto", "a las 7 menos cuarto", "a las 16h30".
    // "la de las 3 sesiones", "las 2 clases": a count of things, no hour.
    scan(/\blas? (\d{1,2})(?!\d)(?! (?:sesion|sesiones|clases?|citas?|personas?|horas|dias|semanas|meses|veces|ninos|ninas|hijas?|hijos|pacientes|masajes|bonos?|euros|minutos|primeras|ultimas|mismas)\b)(?:(?::|\.|h)(\d{2}))?(?: ?h\b)?(?: (y media|y cuarto|menos cuarto|y (\d{1,2})\b(?! de [a-z]|[:.]\d| ?(?:am|pm|h|hs)\b)|menos (\d{1,2})\b|y pico|y algo))?(?: (?:de la |del |por la |en la )(manana|tarde|noche|mediodia|madrugada))?/g, (m) => {
      let h = Number(m[1]);
      let min = m[2] ? Number(m[2]) : 0;
      const extra = m[3];
      if (extra === 'y pico' || extra === 'y algo') return void (bad = true);
      if (extra === 'y media') min = 30;
      else if (extra === 'y cuarto') min = 15;
      else if (extra === 'menos cuarto') [h, min] = [h - 1, 45];
      else if (m[4]) min = Number(m[4]);
      else if (m[5]) [h, min] = [h - 1, 60 - Number(m[5])];
      const part = m[6];
      // "las 12 de la mañana" and "del mediodía" are noon.
      const meridiem = !part || h > 12 ? undefined : h === 12 && (part === 'manana' || part === 'mediodia') ? 'pm' : part === 'manana' || part === 'madrugada' ? 'am' : part === 'mediodia' ? undefined : 'pm';
      add(m, h, min, meridiem, /\d ?h(?:\d|\b)/.test(m[0]));
    });
  }
  // "el jueves, 6 de la tarde", "mañana 10 de la mañana": a bare hour the part of the day makes a time. Past 12 the
  // number is a day of the month said with its part of the day ("el viernes 29 por la tarde"), no clock time that cannot exist.
  if (language === 'es') scan(/(?<!\b(?:el|del|al|dia|las?|mi|no|numero|para|de) )\b(\d{1,2})(?:[:.](\d{2}))? (?:de|por) la (manana|tarde|noche)\b/g, (m) => {
    const h = Number(m[1]);
    if ((h < 1 || h > 12) && !m[2]) return;
    add(m, h, m[2] ? Number(m[2]) : 0, h > 12 ? undefined : m[3] === 'manana' ? (h === 12 ? 'pm' : 'am') : 'pm');
  });
  // "el domingo a mediodía": noon, as "midday" is; "a las 2 del mediodía" was read above.
  // "a mediodía" is noon; beside a clock time it tells the story ("mejor a las 5, que a mediodía tenemos comida").
  if (language === 'es' && !/\d/.test(s)) scan(/\b(?:a |al |sobre el |hacia el )?mediodia\b/g, (m) => add(m, 12, 0, undefined, true));
  // "el sábado 9 y media", "mañana 10 y cuarto": the half or quarter says it is a time, without "a las".
  if (language === 'es') scan(/\b(\d{1,2}) (y media|y cuarto|menos cuarto)\b/g, (m) => add(m, m[2] === 'menos cuarto' ? Number(m[1]) - 1 : Number(m[1]), m[2] === 'y media' ? 30 : m[2] === 'y cuarto' ? 15 : 45));
  // Spoken English times first, so "quarter past 6 pm" is 18:15 and not the "6 pm" inside it.
  if (language === 'en') {
    scan(/\bhalf (?:past )?(\d{1,2})(?!\d|[:.]\d)( ?(?:am|pm)\b)?/g, (m) => add(m, Number(m[1]), 30, m[2]?.trim()));
    // British "past"/"to" and American "after"/"of"/"till".
    scan(/\b(?:a )?quarter (?:past|after) (\d{1,2})(?!\d)( ?(?:am|pm)\b)?/g, (m) => add(m, Number(m[1]), 15, m[2]?.trim()));
    scan(/\b(?:a )?quarter (?:to|of|till|til) (\d{1,2})(?!\d)( ?(?:am|pm)\b)?/g, (m) => add(m, Number(m[1]) - 1, 45, m[2]?.trim()));
    scan(/\b(\d{1,2}) (?:minutes )?(?:past|after) (\d{1,2})(?!\d)( ?(?:am|pm)\b)?/g, (m) => add(m, Number(m[2]), Number(m[1]), m[3]?.trim()));
    scan(/\b(5|10|20|25) (?:to|of|till|til) (\d{1,2})(?!\d)( ?(?:am|pm)\b)?/g, (m) => add(m, Number(m[2]) - 1, 60 - Number(m[1]), m[3]?.trim()));
    scan(/\b(\d{1,2}) ?o ?'? ?clock\b/g, (m) => add(m, Number(m[1]), 0));
    scan(/\b(noon|midday|midnight)(?:ish)?\b/g, (m) => add(m, m[1] === 'midnight' ? 0 : 12, 0, undefined, true));
    // "fine, 11 in the morning", "7 in the evening", "3 this afternoon": a bare hour the part of the day makes a time.
    scan(/(?<!\b(?:the|my|our|no|number|for|of|have|had|got) )\b(\d{1,2})(?:[:.](\d{2}))? (?=(?:in the|this|tomorrow|on \w+) (?:morning|afternoon|evening|arvo)\b|at night\b|tonight\b)/g, (m) => add(m, Number(m[1]), m[2] ? Number(m[2]) : 0));
  }
  scan(/\b(\d{1,2})[:.](\d{2}) ?(am|pm)?(?![\d/])/g, (m) => add(m, Number(m[1]), Number(m[2]), m[3]));
  scan(/\b(\d{1,2}) ?(?:h|hs|hrs?) ?(\d{2})?\b/g, (m) => add(m, Number(m[1]), m[2] ? Number(m[2]) : 0, undefined, true));
  // "at 1630", "a las 0930": a 24-hour time written without a colon, only after a word that asks for a time.
  scan(/\b(?:at|a las|las|around|about|for) ([01]\d|2[0-3])([0-5]\d) ?(?:h|hs|hrs)?\b/g, (m) => add(m, Number(m[1]), Number(m[2]), undefined, true));
  // "tmrw 1630", "sat 1730": four digits alone are a 24-hour time from 06:00 on, unless they are a year, a price or part of a date.
  scan(FOUR_DIGITS, (m) => add(m, Number(m[1]), Number(m[2]), undefined, true));
  scan(/\b(\d{1,2}) ?(am|pm)\b/g, (m) => add(m, Number(m[1]), 0, m[2]));
  if (language === 'en') {
    scan(ANCHORED, (m) =>
      add(m, Number(m[1]), m[2] ? Number(m[2]) : 0),
    );
    scan(/\b(\d{1,2}) ?-?ish\b/g, (m) => add(m, Number(m[1]), 0));
    // "thursday evening, 6 or so", "half 5 or thereabouts": about that hour.
    scan(/\b(\d{1,2})(?:[:.](\d{2}))?(?= or (?:so|thereabouts)\b)/g, (m) => add(m, Number(m[1]), m[2] ? Number(m[2]) : 0));
    // "is 4 too late?", "would 5 be ok": an hour asked about.
    scan(/\b(?:is|would|could) (\d{1,2})(?:[:.](\d{2}))?( ?(?:am|pm))?(?= (?:be )?(?:too (?:late|early)|ok|okay|alright|possible|free|available|good|fine|doable|any good|work)\b)/g, (m) => add(m, Number(m[1]), m[2] ? Number(m[2]) : 0, m[3]?.trim()));
    // "thursday morning? 10 would be great", "9 works for me": an hour said to suit.
    // Only after a day, a part of one or a lead word: "the private one is better" names no hour.
    scan(/(?<=(?:^ ?|\b(?:morning|afternoon|evening|tomorrow|today|tonight|\w+day|at|around|about|maybe|say|ok|okay|so|then|and|but|or|yes|yeah) ))(\d{1,2})(?:[:.](\d{2}))?( ?(?:am|pm))?(?= (?:would|will|should) (?:be )?(?:great|ideal|perfect|best|good|fine|better|lovely|ideal)\b| (?:works|suits|is (?:best|ideal|perfect|great|good|fine|better))\b)/g, (m) => add(m, Number(m[1]), m[2] ? Number(m[2]) : 0, m[3]?.trim()));
    // "a bit later, like 5": a number that ends the message after "like".
    scan(/\blike (\d{1,2})( ?(?:am|pm))? $/g, (m) => add(m, Number(m[1]), 0, m[2]?.trim()));
  }
  if (language === 'es') scan(/\b(\d{1,2}) ?(am|pm)\b/g, (m) => add(m, Number(m[1]), 0, m[2]));
  // The end of a span: "from 2 to 4", "de 10 a 12" (read as a range in parseWhen).
  const notCount = `(?![:.]?\\d| ?(?:st|nd|rd|th|of|de (?:${MONTH})|people|persons|personas|dias?|days?|semanas?|weeks?|horas?|hours?|min\\w*)\\b)`;
  scan(new RegExp(`(?<=\\d ?(?:am|pm)? )(?:to|till|until|a|hasta) (?:las? )?(\\d{1,2})(?:[:.](\\d{2}))?( ?(?:am|pm)\\b)?${notCount}`, 'g'), (m) => add(m, Number(m[1]), m[2] ? Number(m[2]) : 0, m[3]?.trim()));
  // Its start, written bare before "till": "thursday 11 till 12:30".
  scan(new RegExp(`\\b(\\d{1,2})(?:[:.](\\d{2}))?( ?(?:am|pm)\\b)?(?= ?(?:till|til|until|-|–|hasta) (?:las? )?\\d{1,2}(?:[:.]\\d{2})?\\b${notCount})`, 'g'), (m) => add(m, Number(m[1]), m[2] ? Number(m[2]) : 0, m[3]?.trim()));
  // "entre 4 y 6", "entre las 10 y las 12": both bounds of a range are times.
  if (language === 'es') {
    scan(/(?<=\bentre (?:las? )?)(\d{1,2})(?:[:.](\d{2}))?(?= y (?:las? )?\d)/g, (m) => add(m, Number(m[1]), m[2] ? Number(m[2]) : 0));
    scan(new RegExp(`(?<=\\bentre (?:las? )?\\d{1,2}(?:[:.]\\d{2})? y (?:las? )?)(\\d{1,2})(?:[:.](\\d{2}))?${notCount}`, 'g'), (m) => add(m, Number(m[1]), m[2] ? Number(m[2]) : 0));
  }
  if (language === 'es') scan(new RegExp(`\\bde (\\d{1,2})(?:[:.](\\d{2}))?(?= a (?:las? )?\\d{1,2}(?:[:.]\\d{2})?\\b${notCount})`, 'g'), (m) => add(m, Number(m[1]), m[2] ? Number(m[2]) : 0));
  if (bad) return 'bad';
  listedHours(s, hits);
  return hits.sort((a, b) => a.at - b.at);
}

/** Whom a time in a list is for: "10 for me and 11 for my son", "a las 5 para mí y 6 para ella". */
const FOR_WHOM = '(?: (?:for|para) (?:me|mine|myself|him|her|hers|us|them|mi|el|ella|ellos|ellas|nosotros|(?:my|mi|his|her|the|el|la|su|our|nuestr[oa]) [a-z]+))?';
/** What joins the hours of a list: "9 and 10:30", "10 for me and 11 for him", "a las 9, 10 o 11" (commas are gone by now). */
const LIST_WORD = `${FOR_WHOM} (?:and|or|y|e|o|u|&|then|luego|and then|y luego|y despues)`;
const LIST_JOIN = `${LIST_WORD}(?: (?:at|a las|las|la|for))?`;
/** A bare number that names no day, count or length: not "the 9", "el 9", "9th", "9/3", "9 people". */
const BARE_HOUR = new RegExp(`(?<!\\b(?:the|el|del|al|dia|day|de|of|my|our|no|number|num|n|x|table|mesa|room|sala|pista|court|for|para|lane|bay) )\\b(\\d{1,2})\\b(?! ?(?:st|nd|rd|th|am|pm|h|hs|hrs?|of|de|del|${PEOPLE}|dias?|days?|semanas?|weeks?|meses|months?|horas?|hours?|min\\w*|years?|anos|euros?|pounds?|quid|dollars?|pesos)\\b|[:./-]\\d)`, 'g');

/**
 * "thursday, 9 and 10:30", "10 for me and 11 for my son": a bare number in a list with a clock time is an hour too.
 * Added to `hits` until no more join the list; a number alone is left as it is (an hour only after "at").
 */
function listedHours(s: string, hits: TimeHit[]): void {
  const join = new RegExp(`^${LIST_JOIN} ?$`);
  for (let added = true; added && hits.length > 0; ) {
    added = false;
    for (const m of s.matchAll(BARE_HOUR)) {
      const [at, end] = [m.index!, m.index! + m[0].length];
      if (hits.some((x) => x.at < end && at < x.end)) continue;
      // A hit may hold its lead-in ("and 11", "las 10"): the list is joined up to its digits.
      const digits = (x: TimeHit) => x.at + Math.max(0, s.slice(x.at, x.end).search(/\d/));
      const listed = hits.some((x) => (x.at >= end && join.test(s.slice(end, digits(x)))) || (x.end <= at && join.test(s.slice(x.end, at))));
      const c = listed ? clock(Number(m[1]), 0) : 'bad';
      if (c === 'bad') continue;
      hits.push({ at, end, minutes: c.minutes, certain: c.certain });
      added = true;
    }
  }
}

/** Range words ("between 3 and 4", "after 5pm", "a partir de las 5") that make a time a wish, not a slot. */
const VAGUE = /(?<!\b(?:quarter|half|\d{1,2}|minutes) )\b(between|after|before|from|not before|no later than|no earlier than|entre|a partir de|despues del?|antes del?|desde|hasta) (?:the |las? |el |about )?(?:\d(?!\d?(?:st|nd|rd|th)\b)|noon|midday|mediodia)/;
const RANGE_START = /^(after|from|not before|no earlier than|a partir de|despues del?|desde)$/;
const RANGE_BOTH = /^(between|entre)$/;

/** What joins the two ends of a span: "2 to 4", "11:30 till 1:30", "de 10 a 12". After a weekday, "to" is left to "ten to 5" (16:50). */
const JOIN_AFTER_WEEKDAY = '-|–|till|til|until';
const JOIN_EN = `to|${JOIN_AFTER_WEEKDAY}`;
const JOIN_ES = 'a|hasta';
const SPAN_JOIN = new RegExp(`^\\s*(?:${JOIN_EN}|${JOIN_ES})\\s*(?:las?\\s+)?$`);
/** A span said with its lead-in: "from 6 to 7.30pm", "tuesday 11 till 12", "de 10 a 12", "desde las 5 hasta las 7". */
const SPAN = perLanguage((weekday) => new RegExp(`\\b(?:(?:from (\\d{1,2})(?:[:.](\\d{2}))? ?(?:${JOIN_EN})|(?:${weekday}) (\\d{1,2})(?:[:.](\\d{2}))? ?(?:${JOIN_AFTER_WEEKDAY}))|(?:de|desde) (?:las? )?(\\d{1,2})(?:[:.](\\d{2}))? (?:${JOIN_ES})) (?:las? )?(\\d{1,2})(?:[:.](\\d{2}))?( ?(?:am|pm))?( y media| y cuarto)?\\b(?! ?(?:st|nd|rd|th|de|of|\\/)\\b)`, 'dg'));

/** Two clock times joined as one span, as a range wish (the end without am/pm after the start). */
function spanOf(s: string, times: readonly TimeHit[]): RangeWish | undefined {
  // The join may open the second time's own words ("10:30 till 12" reads "till 12" as one time).
  if (times.length !== 2 || !(times[1]!.spanEnd || SPAN_JOIN.test(s.slice(times[0]!.end, times[1]!.at) + s.slice(times[1]!.at, times[1]!.end).replace(/\d[\s\S]*$/, '')))) return undefined;
  const [a, b] = [times[0]!, times[1]!];
  const to = b.certain || b.minutes > a.minutes ? b.minutes : b.minutes + 12 * 60;
  return { from: a.minutes, to, ambiguous: !a.certain };
}

/**
 * The start of a span exactly as long as the service ("the boardroom from 2 to 4" for a two-hour
 * room), in either reading of a start without am/pm; undefined when no reading fits.
 */
export function spanStart(range: RangeWish, minutes: number): number | undefined {
  if (range.from === undefined || range.to === undefined) return undefined;
  const starts = range.ambiguous ? [range.from, range.from + 12 * 60] : [range.from];
  return starts.find((f) => [range.to!, range.to! + 12 * 60].some((t) => t - f === minutes));
}

/** The hours a range wish allows, from its word and the clock times after it. */
function rangeOf(word: string, at: number, times: readonly TimeHit[]): RangeWish | undefined {
  const after = times.filter((t) => t.end > at);
  if (after.length === 0) return undefined;
  const ambiguous = after.slice(0, RANGE_BOTH.test(word) ? 2 : 1).some((t) => !t.certain);
  if (RANGE_BOTH.test(word)) {
    if (after.length < 2) return undefined;
    const [a, b] = [after[0]!, after[1]!];
    // "between 2 and 4pm": the bound without am/pm takes the reading on the other's side of it.
    if (a.certain !== b.certain) {
      const from = a.certain ? a.minutes : [a.minutes + 12 * 60, a.minutes].find((m) => m < b.minutes) ?? a.minutes;
      const to = b.certain ? b.minutes : [b.minutes, b.minutes + 12 * 60].find((m) => m > a.minutes) ?? b.minutes;
      return { from, to, ambiguous: false };
    }
    return { from: a.minutes, to: b.minutes, ambiguous };
  }
  return RANGE_START.test(word) ? { from: after[0]!.minutes, ambiguous } : { to: after[0]!.minutes, ambiguous };
}

/** "first thing in the morning", "lo más temprano posible", "when you open": the opening time of the day. */
const EARLIEST = /\b(first thing|as early as (?:possible|poss|you can)|earliest (?:possible|slot|time|you can)|when you open|as soon as you open|a primera hora|lo mas temprano(?: posible)?|(?:la|lo) primer[oa]? (?:hora |cita |turno )?que (?:tenga|tengan|tengas|tengais|haya)|the first (?:one|slot|time|thing) (?:you have|you ve got|you got|available)|whatever is first|lo antes posible ese dia|apenas abr\w+|en cuanto abr\w+|nada mas abrir|al abrir)\b/;

/** How many characters from a clock time a part of the day may be said and still go with it. */
const PART_REACH = 24;

/** Part of the day, when the message names one. */
function partOfDay(s: string): DayPart | undefined {
  if (/\b(morning|in the am|first thing|before school|before work|(?:por|de|en) la manana|a primera hora|temprano|before (?:my |your )?lunch|antes del? (?:colegio|cole|escuela|clase|trabajo|curro|comer|comida|almuerzo))\b/.test(s)) return 'morning';
  if (/\b(after (?:my |your |the )?lunch(?: break| time)?|after lunchtime|despues del? (?:comer|comida|almuerzo))\b/.test(s)) return 'after_lunch';
  if (/\b(afternoon|arvo|after school|por la tarde|de la tarde|a la tarde|en la tarde|despues del? (?:colegio|cole|escuela|clase)|a la salida del? (?:colegio|cole))\b/.test(s)) return 'afternoon';
  if (/\b(evening|tonight|night|after work|por la noche|de la noche|en la noche|esta noche|despues del? (?:trabajo|curro)|al salir del? (?:trabajo|curro))\b/.test(s)) return 'evening';
  return undefined;
}

/** The next date with this day of the month, from today on (this month or one of the next two). */
function nextDayOfMonth(today: DateTime, day: number): DateTime | undefined {
  for (let add = 0; add <= 2; add++) {
    const month = today.startOf('month').plus({ months: add });
    if (day <= month.daysInMonth! && month.set({ day }) >= today) return month.set({ day });
  }
  return undefined;
}

/** A day and month this year, or next year once it has passed; undefined when neither year has it. */
function dayMonth(today: DateTime, day: number, month: number, year?: number): DateTime | undefined {
  const years = year ? [year < 100 ? 2000 + year : year] : [today.year, today.year + 1];
  for (const y of years) {
    const d = DateTime.fromObject({ year: y, month, day }, { zone: today.zone });
    if (d.isValid && (year || d >= today)) return d;
  }
  return undefined;
}

/**
 * A day and month (no year) that went by in the last two months: nobody asks for it a year ahead, so
 * it is a day the message tells about ("ya vine el 20 de noviembre").
 */
function recentPast(today: DateTime, day: number, month: number): DateTime | undefined {
  for (const year of [today.year, today.year - 1]) {
    const d = DateTime.fromObject({ year, month, day }, { zone: today.zone });
    if (d.isValid && d < today && today.diff(d, 'days').days <= 62) return d;
  }
  return undefined;
}

/** Days people name by their feast, day and month. */
const FEASTS: Record<string, [number, number]> = {
  'christmas eve': [24, 12], 'christmas day': [25, 12], 'boxing day': [26, 12], "new year's eve": [31, 12], 'new years eve': [31, 12], "new year's day": [1, 1], 'new years day': [1, 1],
  nochebuena: [24, 12], navidad: [25, 12], 'dia de navidad': [25, 12], nochevieja: [31, 12], 'ano nuevo': [1, 1], 'dia de reyes': [6, 1],
  // Short names and other fixed feasts ("nye at 2", "halloween", "el día de los enamorados").
  nye: [31, 12], nyd: [1, 1], hogmanay: [31, 12], 'xmas eve': [24, 12], 'xmas day': [25, 12], halloween: [31, 10], "valentine's day": [14, 2], 'valentines day': [14, 2],
  "st patrick's day": [17, 3], 'st patricks day': [17, 3], 'bonfire night': [5, 11], 'san valentin': [14, 2], 'dia de san valentin': [14, 2], 'dia de los enamorados': [14, 2],
  'noche de reyes': [5, 1], 'noche de san juan': [23, 6], 'todos los santos': [1, 11], 'dia de todos los santos': [1, 11],
};
/** "happy new year", "feliz año nuevo", "merry xmas": greetings, read before the feasts they name. */
const FEAST_GREETING = /\b(?:happy|merry|feliz|felices|prospero)(?: y (?:feliz|prospero))? (?:new year|christmas|xmas|halloween|easter|holidays|valentine'?s(?: day)?|ano nuevo|navidad(?:es)?|fiestas|pascua|nochebuena|nochevieja|dia de reyes|san valentin)\b/g;
const FEAST = new RegExp(`\\b(${Object.keys(FEASTS).map((k) => k.replace(/'/g, "'?")).sort((a, b) => b.length - a.length).join('|')})\\b`, 'g');

interface DateReading {
  dates: DateTime[];
  weekdays: number[];
  days: DateTime[];
  impossible?: string;
}

const TOMORROW = 'tomorrow|tmrw|tmr|tmw|tomoz|2moro|2morro|2morrow|2morow|tomoro|tomorow|tommorow|tommorrow|tomorro';
// "Tuesday fortnight": two weeks on, as "Friday week" is one.
const WEEKS_AFTER = perLanguage((weekday) => new RegExp(`\\b(${weekday}) (week|after next|fortnight|(?:of |on )?(?:the )?(?:next next week|week after next))\\b`, 'g'));
// "a week tomorrow", "2 weeks today", "a fortnight on friday" (not "in 2 weeks on friday": IN_WEEKS_ON's).
const A_WEEK_FROM = perLanguage((weekday) => new RegExp(`(?<!\\b(?:in|dentro de) )\\b(a|\\d{1,2}) (weeks?|fortnights?) (?:on |from |after )?(${weekday}|${TOMORROW}|today)\\b`, 'g'));
const TOMORROW_OR_NEXT = new RegExp(`(?<!\\bla )\\b(?:manana|${TOMORROW}) (?:o|or) (?:el )?(?:pasado|(?:the )?day after|(?:the )?next day)\\b`);
/** "tomorrow week", "today fortnight": a week (two) after the day. */
const DAY_WEEK = new RegExp(`\\b(${TOMORROW}|today) (week|fortnight)\\b`, 'g');
const IN_WEEKS_ON = perLanguage((weekday) => new RegExp(`\\b(?:in|dentro de) (\\d{1,2}|a|un|una) (?:weeks?|semanas?)(?: time)?(?: on the| on| el| the)? (${weekday})\\b|\\b(?:el |the |on the )?(${weekday}) (?:in|dentro de|de dentro de) (\\d{1,2}|a|un|una) (?:weeks?|semanas?)\\b`, 'g'));

/**
 * Words that put the weekday after them in the past: a past tense a few words before it ("se cayó
 * el sábado", "we came in on monday") with no request between ("se me levantaron, me hacéis … el
 * miércoles" asks for that Wednesday), "last" or "since" right before it ("the last slot on
 * friday" is no past); or "pasado" / "ago" after it. Only verbs
 * with no present reading once accents are gone ("paso", "compro" are also the present: not here).
 */
const PAST_VERBS = "ago|went|came|happened|started|broke|bought|dropped|fell|hurt|injured|crashed|born|nacio|naci|nacimos|nacieron|fue|fui|fuimos|fueron|vino|vine|vinimos|vinieron|estuve|estuvo|estuvimos|tuve|tuvo|tuvimos|hice|hizo|dijo|dije|empezo|empece|rompio|rompi|cayo|cai|salio|sali|\\w+(?:aron|ieron)";
const PAST_BEFORE = new RegExp(`(?:\\b(?:last|since|desde)|\\b(?:${PAST_VERBS})\\b(?: (?!(?:can|could|would|will|do|are|is|me|te|nos|podeis|puedes|pueden|podrias|haceis|hacen|haces|quiero|quisiera|queria|tienes|teneis|tienen|hay)\\b)[\\w']+){0,5}) (?:on |el |the |este )?$`);
/**
 * "hoy cambiaron la hora, ¿mañana a las 9?", "today I broke a nail, tomorrow at 3?": today with a past tense after it
 * tells the story; beside another day it is no wish.
 */
const STORY_TODAY = new RegExp(`\\b(?:today|hoy)\\b(?: [\\w']+){0,3}? (?:${PAST_VERBS}|was|were|had|did|(?:he|ha|han|hemos) \\w+(?:ado|ido))\\b`);
const PAST_AFTER = /^ (?:pasado|ago)\b/;
/**
 * "next week thursday", "la semana que viene el viernes", "Wednesday next week", "el jueves la próxima semana": the
 * week said beside the weekday is the week it falls in, even while this week's one is still ahead.
 */
const NEXT_WEEK = '(?:next week|the week after this|(?:la )?semana (?:que|q) (?:viene|entra)|(?:la )?proxima semana|(?:la )?semana proxima)';
const NEXT_WEEK_BEFORE = new RegExp(`\\b${NEXT_WEEK}(?: on| on the| el| the)? $`);
const NEXT_WEEK_SAID = new RegExp(NEXT_WEEK);
const NEXT_WEEK_AFTER = new RegExp(`^ (?:of |on |in |de |en )?(?:the )?${NEXT_WEEK}\\b`);
/** "the friday before", "el jueves antes", "el sábado siguiente": a weekday that counts from a day of the month said. */
const WEEKDAY_AROUND = perLanguage((weekday) => new RegExp(`\\b(?:the|el) (${weekday}) (before|after|antes|de antes|anterior|despues|de despues|siguiente)\\b(?! (?:de |del )?las?\\b| \\d{1,2} ?(?:am|pm)\\b| (?:work|school|lunch|noon|midday|dinner)\\b)`, 'g'));

/** "in two weeks time, same day of the week as today": the count of weeks says the day; this only agrees with it. */
const SAME_WEEKDAY = /\b(?:on )?(?:the )?same day(?: of the week)?(?: as (?:today|now))?\b|\b(?:el )?mismo dia(?: de la semana)?(?: que hoy)?\b/g;

function findDates(text: string, language: Language, today: DateTime): DateReading {
  let s = text.replace(SAME_WEEKDAY, (m) => ' '.repeat(m.length));
  const r: DateReading = { dates: [], weekdays: [], days: [] };
  const take = (d: DateTime | undefined, written: string) => {
    if (d) r.days.push(d);
    else r.impossible ??= written.trim();
  };
  const nextWeekOf = (wd: number) => today.startOf('week').plus({ weeks: 1, days: wd - 1 });
  const ahead = (wd: number, includeToday: boolean) => today.plus({ days: (wd - today.weekday + 7) % 7 || (includeToday ? 0 : 7) });
  // "Friday week", "Friday after next", "a week tomorrow", "in 2 weeks on Tuesday", "el martes dentro de dos semanas":
  // whole weeks after a named day. Read first, then blanked, so the day alone is not read again.
  const shift = (m: RegExpMatchArray, day: DateTime, weekday?: number) => {
    r.dates.push(day);
    if (weekday) r.weekdays.push(weekday);
    s = s.slice(0, m.index!) + ' '.repeat(m[0].length) + s.slice(m.index! + m[0].length);
  };
  const count = (w: string) => (/^\d/.test(w) ? Number(w) : 1);
  for (const m of [...s.matchAll(WEEKS_AFTER[language])]) {
    const wd = WEEKDAYS[m[1]!]!;
    // "tuesday next next week", "tuesday of the week after next": that weekday two weeks on from this week's.
    const twoOn = /next next week|week after next/.test(m[2]!);
    shift(m, twoOn ? today.startOf('week').plus({ weeks: 2, days: wd - 1 }) : ahead(wd, false).plus({ weeks: m[2] === 'fortnight' ? 2 : 1 }), wd);
  }
  for (const m of [...s.matchAll(A_WEEK_FROM[language])]) {
    const wd = WEEKDAYS[m[3]!];
    const weeks = (m[1] === 'a' ? 1 : Number(m[1])) * (m[2]!.startsWith('fortnight') ? 2 : 1);
    shift(m, (wd ? ahead(wd, false) : m[3] === 'today' ? today : today.plus({ days: 1 })).plus({ weeks }), wd);
  }
  if (language === 'en') for (const m of [...s.matchAll(DAY_WEEK)]) shift(m, (m[1] === 'today' ? today : today.plus({ days: 1 })).plus({ weeks: m[2] === 'fortnight' ? 2 : 1 }));
  for (const m of [...s.matchAll(IN_WEEKS_ON[language])]) {
    const wd = WEEKDAYS[(m[2] ?? m[3])!]!;
    shift(m, today.plus({ weeks: count((m[1] ?? m[4])!) }).startOf('week').plus({ days: wd - 1 }), wd);
  }
  // Feasts with a fixed date ("christmas eve morning", "en nochebuena"): the next one.
  for (const m of s.matchAll(FEAST)) r.dates.push(dayMonth(today, ...FEASTS[m[1]!]!)!);
  // Relative days.
  // "mañana o pasado", "tomorrow or the day after": two days, for a question to settle.
  if (TOMORROW_OR_NEXT.test(s)) r.dates.push(today.plus({ days: 1 }), today.plus({ days: 2 }));
  else if (/\b(day after tomorrow|pasado manana)\b/.test(s)) r.dates.push(today.plus({ days: 2 }));
  else if (new RegExp(`\\b(${TOMORROW})\\b`).test(s) || /(?<!\b(?:la|por la|de la|esta|pasado)) manana\b/.test(s)) r.dates.push(today.plus({ days: 1 }));
  // "in two weeks, same day of the week as today": today says which weekday, not the day.
  if (/\b(today|hoy|this (?:morning|afternoon|evening|arvo)|esta (?:manana|tarde))\b/.test(s) && !/\b(?:same day(?: of the week)? as today|mismo dia(?: de la semana)? que hoy)\b/.test(s)) r.dates.push(today);
  if (/\b(yesterday|ayer|anteayer)\b/.test(s)) r.dates.push(today.minus({ days: /\banteayer\b/.test(s) ? 2 : 1 }));
  for (const m of s.matchAll(/\b(?:in|dentro de|en) (\d{1,2}|a|an|un|una) (days?|dias?|weeks?|semanas?|fortnights?)\b/g)) {
    const n = /^\d/.test(m[1]!) ? Number(m[1]) : 1;
    r.dates.push(today.plus({ days: /^(week|semana)/.test(m[2]!) ? n * 7 : /^fortnight/.test(m[2]!) ? n * 14 : n }));
  }
  // "the tuesday before, the 27th": a weekday counted from a day of the month, read once those are known.
  const relative = [...s.matchAll(WEEKDAY_AROUND[language])].map((m) => {
    s = s.slice(0, m.index!) + ' '.repeat(m[0].length) + s.slice(m.index! + m[0].length);
    return { wd: WEEKDAYS[m[1]!]!, after: /^(after|despues|de despues|siguiente)$/.test(m[2]!) };
  });
  // Weekdays, with their "this / next / que viene" reading.
  for (const m of s.matchAll(WEEKDAY_PHRASE[language])) {
    const wd = WEEKDAYS[m[2]!]!;
    const before = m[1]?.trim();
    if (language === 'en' && !before && m[2]! in SHORT_WEEKDAYS.en && SHORT_AS_NAME.test(s.slice(0, m.index!))) continue;
    if (language === 'es' && !before && m[2]! in SHORT_WEEKDAYS.es) {
      const [pre, post] = [s.slice(0, m.index!), s.slice(m.index! + m[0].length)];
      const alone = SHORT_AS_DAY.aloneBefore.test(pre) && SHORT_AS_DAY.aloneAfter.test(post);
      if (SHORT_AS_DAY.name.test(pre) || !(SHORT_AS_DAY.before.test(pre) || SHORT_AS_DAY.after.test(post) || alone)) continue;
    }
    const after = m[3]?.trim() ?? '';
    // "nació el viernes", "I crashed it last saturday": a day in the story is the one gone by.
    // A clock time right after the day makes it the wish, whatever verb came before ("me mandaron 3 punciones, el
    // viernes a las 10?"): the story is asked about again rather than read as gone by.
    const timed = /^ (?:at |a las |a la |@ ?)?\d{1,2}(?:[:.]\d{2})?(?: ?(?:am|pm|h|hs))?\b/.test(s.slice(m.index! + m[0].length)) && !/\b(?:last|since|desde) (?:on |el |the |este )?$/.test(s.slice(0, m.index!));
    if ((PAST_BEFORE.test(s.slice(0, m.index!)) && !timed) || PAST_AFTER.test(s.slice(m.index! + m[0].length))) {
      r.dates.push(today.minus({ days: (today.weekday - wd + 7) % 7 || 7 }));
      continue;
    }
    // "next week tuesday", "la semana que viene el martes", "tuesday next week": that weekday in the week after this one.
    const nextWeek = (language === 'en' && before === 'next') || after.startsWith('de la') || NEXT_WEEK_SAID.test(after) || NEXT_WEEK_BEFORE.test(s.slice(0, m.index!)) || NEXT_WEEK_AFTER.test(s.slice(m.index! + m[0].length));
    r.weekdays.push(wd);
    r.dates.push(nextWeek ? nextWeekOf(wd) : before === 'this' || before === 'este' ? ahead(wd, true) : ahead(wd, false));
  }
  // Days of the month: "20 March", "March 20th", "the 20th of March", "el 20 de marzo", "20/3".
  const consumed: [number, number][] = [];
  const mark = (m: RegExpMatchArray) => consumed.push([m.index!, m.index! + m[0].length]);
  const free = (m: RegExpMatchArray) => !consumed.some(([a, b]) => m.index! < b && a < m.index! + m[0].length);
  // "I had it done on the 14th of November", said on 1 December: a day gone by tells the story.
  const dayOf = (m: RegExpMatchArray, day: number, month: number, year?: number) => {
    mark(m);
    const past = year === undefined ? recentPast(today, day, month) : undefined;
    if (past) r.dates.push(past);
    else take(dayMonth(today, day, month, year), m[0]);
  };
  for (const m of s.matchAll(DAY_MONTH)) dayOf(m, Number(m[1]), MONTHS[m[2]!]!, m[3] ? Number(m[3]) : undefined);
  for (const m of s.matchAll(MONTH_DAY)) if (free(m)) dayOf(m, Number(m[2]), MONTHS[m[1]!]!);
  // "4/3" is 4 March, except in an English message to a business in the United States (3 April); "el 3 del 4" is 3 April.
  const monthFirst = language === 'en' && MONTH_FIRST_ZONE.test(today.zoneName ?? '');
  for (const m of s.matchAll(/\b(\d{1,2})[/-](\d{1,2})(?:[/-](\d{2,4}))?\b/g)) {
    const [a, b] = [Number(m[1]), Number(m[2])];
    // A number above 12 can only be the day, whichever order the country writes.
    let [day, month] = monthFirst && a <= 12 ? [b, a] : b > 12 && a <= 12 ? [b, a] : [a, b];
    // "7/10 at 11am, that's july 10": a day written out in the message says which order the numbers are in.
    const year = m[3] ? Number(m[3]) : undefined;
    const swapped = day <= 12 && month <= 31 ? dayMonth(today, month, day, year) : undefined;
    if (swapped && r.days.some((d) => +d === +swapped)) [day, month] = [month, day];
    if (month >= 1 && month <= 12) dayOf(m, day, month, year);
    else {
      mark(m);
      take(undefined, m[0]);
    }
  }
  if (language === 'es') for (const m of s.matchAll(DAY_OF_MONTH_NUMBER)) if (free(m)) dayOf(m, Number(m[1]), Number(m[2]));
  for (const m of s.matchAll(BARE_DAY[language])) {
    if (!free(m)) continue;
    const day = Number(m[1] ?? m[2] ?? m[3]);
    // "Friday 4" in English is a time; a day of the month only from 13 on.
    if (language === 'en' && m[3] && day <= 12) continue;
    mark(m);
    take(day >= 1 && day <= 31 ? nextDayOfMonth(today, day) : undefined, m[0]);
  }
  for (const { wd, after } of relative) countFrom(r, wd, after, ahead(wd, false));
  const isToday = (d: DateTime) => +d === +today;
  if (STORY_TODAY.test(s) && [...r.dates, ...r.days].some((d) => !isToday(d))) r.dates = r.dates.filter((d) => !isToday(d));
  return r;
}

/**
 * "the thursday before the 4th", "my test is on the 30th, the tuesday before, the 27th": the weekday
 * counted from a day of the month, which then is no wish of its own (nor its weekday). A day that
 * is that weekday confirms it; with no day of the month, the weekday is read as any other.
 */
function countFrom(r: DateReading, wd: number, after: boolean, alone: DateTime): void {
  const from = (d: DateTime) => (after ? d.plus({ days: (wd - d.weekday + 7) % 7 || 7 }) : d.minus({ days: (d.weekday - wd + 7) % 7 || 7 }));
  const iso = (d: DateTime) => d.toISODate()!;
  const days = [...new Map(r.days.map((d) => [iso(d), d])).values()];
  const anchor = days.find((d) => days.some((o) => iso(o) === iso(from(d)))) ?? (days.length === 1 ? days[0] : undefined);
  r.weekdays.push(wd);
  if (!anchor) {
    if (days.length === 0) r.dates.push(alone);
    return;
  }
  const counted = from(anchor);
  r.days = [...r.days.filter((d) => iso(d) !== iso(anchor)), ...(days.length === 1 ? [counted] : [])];
  // "el sábado 28": the anchor's own weekday, said with it, goes with it.
  const own = r.weekdays.indexOf(anchor.weekday);
  if (own >= 0 && anchor.weekday !== wd) r.weekdays.splice(own, 1);
}

/** "el martes 9 y 10:30", "thursday 9 and 10:30": a weekday, then a bare number listed with a clock time. */
const WEEKDAY_LISTED = perLanguage((weekday) => new RegExp(`\\b(${weekday}) (\\d{1,2})(?=${LIST_WORD} (?:at|a las|las) \\d|${LIST_WORD} \\d{1,2}(?:[:.]\\d{2}| ?(?:am|pm|h|hs)\\b))`, 'g'));

/**
 * "el martes 9 y 10:30" when the 9th is no Tuesday: the number is the first of the hours listed, not a day the
 * customer meant (which would contradict the weekday). When the day is that weekday, it stays a day of the month.
 */
function hoursAfterWeekday(s: string, language: Language, today: DateTime): string {
  return s.replace(WEEKDAY_LISTED[language], (all, weekday: string, n: string) =>
    Number(n) <= 23 && nextDayOfMonth(today, Number(n))?.weekday !== WEEKDAYS[weekday] ? `${weekday} ${language === 'es' ? 'a las' : 'at'} ${n}` : all,
  );
}

/**
 * Dates and times in a message, in the tenant's zone. A date and a weekday that disagree, two
 * different times or days, a range, or a clock time that cannot exist come back as `unclear`:
 * the caller asks rather than guesses.
 */
export function parseWhen(text: string, language: Language, now: DateTime): When {
  const whole = readWhen(text, language, now);
  if (whole.unclear !== 'several' && whole.unclear !== 'weekday_mismatch') return whole;
  // "ay no, el jueves no puedo, mejor el viernes a las 12", "wait no tuesday, can we do wednesday instead": of several
  // days, the one a correction names is the wish, with the time said in its clause (or the only one said).
  const clause = PREFERRED.exec(text.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, ''))?.[1];
  if (!clause) return whole;
  const preferred = readWhen(clause, language, now);
  if (!preferred.date || preferred.unclear) return whole;
  const times = clockTimes(text, language);
  if (preferred.time !== undefined || new Set(times.map((t) => t.minutes)).size !== 1) return preferred;
  return { ...preferred, time: times[0]!.minutes, ambiguousMeridiem: times[0]!.ambiguousMeridiem };
}

/**
 * The clause that says which day instead: "mejor el jueves a las 11", "que sea el viernes 9", "can we do wednesday
 * instead", "make it thursday", up to where its clause ends. Only one may be said.
 */
const PREFERRED = /(?:^|[\s,.;!?])((?:mejor|que sea|q sea|prefiero|preferiria|can we do|could we do|can we make it|could we make it|make it|how about|what about|rather|i'?d rather|switch to|change it to|move it to|cambialo a|cambiala a|pasalo a|pasala a|pasalo al|pasala al)\s+[^,.;!?]*?)(?=\s+(?:q|que|porque|because|cause|cos|as|since|pero|but)\s|[,.;!?]|$)(?![\s\S]*\b(?:mejor|que sea|q sea|can we do|could we do|make it|how about|what about|rather)\b)/;

function readWhen(text: string, language: Language, now: DateTime): When {
  const today = now.startOf('day');
  const s = hoursAfterWeekday(prepare(text, language), language, today);
  const result: When = {};
  const found = findDates(s, language, today);
  if (found.impossible) {
    // Told back as the customer wrote it ("30 February"), when it can be found in their words.
    const written = new RegExp(found.impossible.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'), 'i').exec(text);
    return { impossible: written?.[0] ?? found.impossible };
  }

  const iso = (d: DateTime) => d.toISODate()!;
  const days = [...new Set(found.days.map(iso))];
  // "the light came on yesterday, can you look at it tomorrow": a past day tells the story, a coming one the wish.
  const named = [...new Set(found.dates.map(iso))];
  const coming = named.filter((d) => d >= iso(today));
  const others = coming.length > 0 ? coming : named;
  if (days.length > 1) result.unclear = 'several';
  else if (days.length === 1) {
    result.date = days[0];
    const wd = DateTime.fromISO(days[0]!, { zone: now.zone }).weekday;
    if (found.weekdays.some((w) => w !== wd)) result.unclear = 'weekday_mismatch';
    // A day gone by beside a day of the month tells the story ("had it on the 3rd of March, again on 1 April").
    else if (found.weekdays.length === 0 && coming.some((o) => o !== days[0])) result.unclear = 'several';
  } else if (coming.length === 0 && others.length > 1) {
    // "got it done on tuesday 17th nov": days gone by only, the story's; the latest stands for it.
    result.date = others.sort().at(-1);
  } else if (others.length > 1) {
    // "tonight" names the evening more than the day: "tomorrow at 6 tonight" is tomorrow.
    const withoutTonight = /\btonight\b/.test(s) ? others.filter((o) => o !== iso(today)) : others;
    if (withoutTonight.length === 1) result.date = withoutTonight[0];
    else result.unclear = 'several';
  } else if (others.length === 1) {
    result.date = others[0];
    result.weekdayOnly = found.weekdays.length > 0 && found.dates.length === found.weekdays.length;
  }
  if (!result.date && /\btonight\b|\besta noche\b/.test(s)) result.date = iso(today);

  if (/\b(next week|la semana (?:que|q) (?:viene|entra)|la proxima semana)\b/.test(s)) result.week = today.startOf('week').plus({ weeks: 1 }).toISODate()!;
  else if (/\b(this week|esta semana|this weekend|at the weekend|on the weekend|este finde|este fin de semana|el finde|el fin de semana)\b/.test(s)) result.week = today.startOf('week').toISODate()!;
  else if (/\b(next weekend|el finde que viene|el fin de semana que viene)\b/.test(s)) result.week = today.startOf('week').plus({ weeks: 1 }).toISODate()!;
  const part = partOfDay(s);
  const clockTimes = findTimes(s, language);
  if (clockTimes === 'bad') return { ...result, date: result.date, unclear: 'bad_time' };
  const times = correctedTime(s, withoutStoryTimes(s, clockTimes));
  const distinct = [...new Set(times.map((t) => t.minutes))];
  // "from 2 to 4", "11:30 till 1:30", "de 10 a 12": two times joined as one span.
  const span = spanOf(s, times);
  const vague = span ? undefined : VAGUE.exec(s);
  // "between 3 and 4" names two times for one wish, not two choices.
  const between = span || (vague && RANGE_BOTH.test(vague[1]!) && distinct.length === 2);
  if ((distinct.length > 1 && !between) || /\d ?(?:am|pm)? (?:or|o) (?:at |a las |las )?\d/.test(s)) result.unclear ??= 'several';
  if (span) {
    result.unclear ??= 'vague_time';
    if (result.unclear === 'vague_time') result.range = span;
  } else if (vague) {
    result.unclear ??= 'vague_time';
    const range = result.unclear === 'vague_time' ? rangeOf(vague[1]!, vague.index, times) : undefined;
    // "after 5 in the afternoon": the part of the day says which 5.
    const shift = (m: number | undefined) => (m !== undefined && part && part !== 'morning' && m < 12 * 60 ? m + 12 * 60 : m);
    if (range) result.range = range.ambiguous && part ? { from: shift(range.from), to: shift(range.to), ambiguous: false } : range;
  }
  const hit = times[0];
  if (hit) {
    let minutes = hit.minutes;
    let certain = hit.certain;
    // "make that 2 o'clock, I have a dentist appointment in the morning": a part of the day said far from the time
    // tells the story; only one said beside it says which half of the day.
    const [before, after] = [s.slice(Math.max(0, hit.at - PART_REACH), hit.at), s.slice(hit.end, hit.end + PART_REACH)];
    const part = partOfDay(before + s.slice(hit.at, hit.end) + after);
    // "at 10ish or sometime after lunch": a part of the day offered as another choice says nothing of which 10; the
    // choice is asked.
    const choice = / (?:or|o|u) /;
    const offered = part && !partOfDay(before.split(choice).at(-1)! + s.slice(hit.at, hit.end) + after.split(choice)[0]!);
    if (offered) result.unclear ??= 'several';
    else if (!certain && part && minutes < 13 * 60) {
      // "a las 12 de la mañana", "12 in the morning": noon, as a booking means it, never midnight.
      if (part !== 'morning' && minutes < 12 * 60) minutes += 12 * 60;
      certain = true;
    } else if (certain && part && ((part === 'morning' && minutes >= 13 * 60) || (part !== 'morning' && minutes < 12 * 60))) result.unclear ??= 'several';
    result.time = minutes;
    result.ambiguousMeridiem = !certain && minutes >= 60 && minutes <= 12 * 60 + 59;
  } else if (part) result.part = part;
  if (!hit && EARLIEST.test(s)) result.earliest = true;
  return result;
}

/**
 * The clock times a message asks for, in the order written ("me 10am then the girls 2pm" → 10:00, 14:00): the times
 * of several bookings asked in one message. Times that tell the story are left out; a span's end is no time of its own.
 */
export function clockTimes(text: string, language: Language): { minutes: number; ambiguousMeridiem: boolean }[] {
  const s = prepare(text, language);
  const found = findTimes(s, language);
  if (found === 'bad') return [];
  return withoutStoryTimes(s, found).filter((t) => !t.spanEnd).map((t) => ({ minutes: t.minutes, ambiguousMeridiem: !t.certain && t.minutes >= 60 && t.minutes <= 12 * 60 + 59 }));
}

/**
 * "any time after 4 is fine, I get off work at 3:30", "I work til 5:30": a time the customer tells of their own day
 * (I or we, a verb that is no wish, then the time) is why, not when; dropped when another time is left.
 */
const STORY_TIME = {
  en: /\b(?:i|we|i m|im)\b((?: [\w']+){1,4}?) (?:at|till|til|until|by|around|from)? ?$/,
  // "my daughter gets out of school at 3", "school finishes at 3": someone else's day, said with the verb that ends or
  // starts it, tells why as well ("a kids cut for my son saturday, 10am" is the son's booking). Words only between the
  // verb and the time: "school finishes at 3, wednesday at 4?" asks for the 4.
  others: /\b(?:she|he|they|school|work|class|(?<!\bfor )(?:my|our) (?:son|daughter|kids?|children|husband|wife|partner|boy|girl|boys|girls|shift|bus|train|flight|school|class|work))\b(?: [a-z']+){0,2}? (?:finishes|finish|gets out|get out|gets off|get off|leaves|leave|starts|start|ends|end|works|work|arrives|arrive|lands|land|is out|are out|closes|close|opens|open)\b(?: [a-z']+){0,3}? (?:at|till|til|until|by|around|from)? ?$/,
  es: /\b(?:salgo|salimos|sale|salen|termino|terminamos|termina|terminan|trabajo|trabajamos|trabaja|trabajan|entro|entramos|entra|entran|acabo|acabamos|acaba|acaban|llego|llegamos|llega|llegan)\b(?: [\w']+){0,3} (?:a las?|hasta las?|sobre las?)? ?$/,
};
const WISH_WORDS = /\b(?:can|could|would|want|wanna|need|like|prefer|d|ll|will|am free|m free|free|available|come|do|book|make it)\b/;
function withoutStoryTimes(s: string, times: TimeHit[]): TimeHit[] {
  if (times.length < 2) return times;
  const lead = (t: TimeHit) => (s.slice(0, t.at) + s.slice(t.at, t.end).replace(/\d[\s\S]*$/, '')).slice(-48);
  const story = (t: TimeHit) => {
    const en = STORY_TIME.en.exec(lead(t));
    return Boolean((en && !WISH_WORDS.test(en[1]!)) || STORY_TIME.others.test(lead(t)) || STORY_TIME.es.test(lead(t)));
  };
  const left = times.filter((t) => !story(t));
  return left.length > 0 ? left : times;
}

/** "make it 5", "mejor a las 6", "change it to 11", "5 instead": the words that put a time in place of another. */
const CORRECTION_BEFORE = /\b(?:make it|make that|change it to|change that to|change to|move it to|switch(?: it)? to|actually|rather|mejor|que sea|cambiala a|cambialo a|pasala a|pasalo a|ponla a|ponlo a)(?: (?:at|for|to|a|para|sobre|around|about))?(?: (?:las?|el))? $/;
const CORRECTION_AFTER = /^ (?:instead|en su lugar|mejor)\b/;

/**
 * "actually make it 10, the bus doesn't get in till half 9", "mejor a las 5, que a mediodía comemos":
 * of several times, the one a correction names is the wish; the others tell why.
 */
function correctedTime(s: string, times: TimeHit[]): TimeHit[] {
  if (new Set(times.map((t) => t.minutes)).size < 2) return times;
  const lead = (t: TimeHit) => s.slice(0, t.at) + s.slice(t.at, t.end).replace(/\d[\s\S]*$/, '');
  const named = times.filter((t) => CORRECTION_BEFORE.test(lead(t)) || CORRECTION_AFTER.test(s.slice(t.end)));
  return named.length === 1 ? named : times;
}

/** Whether the business is open at `minutes` past midnight on `date`, by that day's ranges. */
function openOn(profile: Profile, day: DateTime, minutes: number): boolean {
  return rangesFor(profile, day).some((r) => (r.close > r.open ? r.open <= minutes && minutes < r.close : minutes >= r.open));
}

/**
 * "at 5": whichever of 05:00 and 17:00 the business is open at that day; when open at both, the one
 * nearer `near` (the time proposed before: "mejor a las 7" after 18:00 is 19:00), else 'ask'; when
 * at neither, the hour as written, read as afternoon below 7 (nobody books at 5 a.m.). On a day the
 * business is closed the opening hours say nothing about which 5: 'ask' (the caller offers another day).
 */
export function resolveMeridiem(profile: Profile, date: string, minutes: number, ambiguous: boolean | undefined, zone: Zone, near?: number): number | 'ask' {
  if (!ambiguous) return minutes;
  const day = DateTime.fromISO(date, { zone });
  if (rangesFor(profile, day).length === 0) return 'ask';
  const am = minutes % (12 * 60);
  const pm = am + 12 * 60;
  const [amOpen, pmOpen] = [openOn(profile, day, am), openOn(profile, day, pm)];
  if (amOpen && pmOpen) {
    const [toAm, toPm] = near === undefined ? [0, 0] : [Math.abs(near - am), Math.abs(near - pm)];
    return toAm === toPm ? 'ask' : toAm < toPm ? am : pm;
  }
  if (amOpen) return am;
  if (pmOpen) return pm;
  return am < 7 * 60 ? pm : minutes;
}

/** A time of day told back with a part of the day, for "10:00 or 22:00?" style questions. */
export function applyPart(minutes: number, part: DayPart): number {
  const am = minutes % (12 * 60);
  return part === 'morning' ? am : am + 12 * 60;
}

/** A local date and time in the tenant's zone. */
export function localDateTime(date: string, minutes: number, zone: Zone): DateTime {
  return atLocalMinutes(DateTime.fromISO(date, { zone }), minutes);
}
