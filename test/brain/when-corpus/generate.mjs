// Writes en.txt and es.txt: message + reference instant + zone → what the receptionist must read.
// The expected values come from the templates below and luxon's calendar arithmetic, never from
// brain/receptionist/when.ts, so the corpus is an independent oracle. Run: node test/brain/when-corpus/generate.mjs
import fs from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';

const here = path.dirname(new URL(import.meta.url).pathname);

/** Opening hours the am/pm rule reads (the same ones when-corpus.test.ts gives the parser). */
export const HOURS = {
  en: { zone: 'Europe/London', hours: { 1: [], 2: [[540, 780], [840, 1200]], 3: [[540, 780], [840, 1200]], 4: [[540, 780], [840, 1200]], 5: [[540, 780], [840, 1200]], 6: [[540, 1020]], 7: [[600, 960]] } },
  es: { zone: 'Europe/Madrid', hours: { 1: [[480, 840], [960, 1260]], 2: [[480, 840], [960, 1260]], 3: [[480, 840], [960, 1260]], 4: [[480, 840], [960, 1260]], 5: [[480, 840], [960, 1260]], 6: [[540, 840]], 7: [] } },
};

// Reference instants (UTC): an ordinary Monday, the Friday before the spring DST change, the
// Wednesday before the autumn one, a Saturday, and a late Saturday night that is already Sunday in Madrid.
const REFS = ['2026-03-16T10:00:00Z', '2026-03-27T17:00:00Z', '2026-10-21T08:30:00Z', '2026-04-18T10:00:00Z', '2026-03-28T23:30:00Z'];

let seed = 13;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];

/**
 * The am/pm rule: a bare hour is the one of h or h+12 that falls in that day's opening hours;
 * both open → ask; neither → the hour as written, read as afternoon below 7; a closed day → ask.
 */
function meridiem(lang, date, h, m) {
  const ranges = HOURS[lang].hours[date.weekday];
  if (ranges.length === 0) return 'ask';
  const am = (h % 12) * 60 + m;
  const pm = am + 720;
  const open = (x) => ranges.some(([a, b]) => a <= x && x < b);
  if (open(am) && open(pm)) return 'ask';
  if (open(am)) return am;
  if (open(pm)) return pm;
  return h < 7 ? pm : h * 60 + m;
}

const hhmm = (mins) => `${String(Math.floor(mins / 60)).padStart(2, '0')}:${String(mins % 60).padStart(2, '0')}`;

// [text, hour, minute, meridiem certain]
const TIMES = {
  en: [
    ['at 4pm', 16, 0, true], ['4pm', 16, 0, true], ['at 4 pm', 16, 0, true], ['at 16:00', 16, 0, true], ['at 4:30pm', 16, 30, true], ['4.30pm', 16, 30, true],
    ['at 4.30', 4, 30, false], ['half 4', 4, 30, false], ['at half past 4', 4, 30, false], ['at half past four', 4, 30, false], ['quarter past 11', 11, 15, false],
    ['at quarter to 7', 6, 45, false], ['at 16h30', 16, 30, true], ['16.30', 16, 30, true], ['around 10ish', 10, 0, false], ['10ish', 10, 0, false],
    ['about 3', 3, 0, false], ['at noon', 12, 0, true], ['at midday', 12, 0, true], ['at 12', 12, 0, false], ['at 9 in the morning', 9, 0, true],
    ['at 7 in the evening', 19, 0, true], ["at 5 o'clock", 5, 0, false], ['at five', 5, 0, false], ['at half five', 5, 30, false], ['twenty past 3', 3, 20, false],
    ['ten to 5', 4, 50, false], ['at 11am', 11, 0, true], ['at 2:15', 2, 15, false], ['at 10.45am', 10, 45, true], ['1pm', 13, 0, true], ['at 17:30', 17, 30, true],
    ['at 6 in the evening', 18, 0, true], ['5:45 pm', 17, 45, true], ['at quarter past two', 2, 15, false], ['around 2pm', 14, 0, true], ['at 10', 10, 0, false],
    ['at 3', 3, 0, false], ['at 11:30', 11, 30, false], ['about 4ish', 4, 0, false], ['at ten thirty', 10, 30, false], ['at 9am', 9, 0, true],
  ],
  es: [
    ['a las 5 y media', 5, 30, false], ['a las 11 y cuarto', 11, 15, false], ['a las 7 menos cuarto', 6, 45, false], ['a las 16h30', 16, 30, true], ['a las 16:30', 16, 30, true],
    ['16.30', 16, 30, true], ['sobre las 5', 5, 0, false], ['hacia las 6', 6, 0, false], ['a eso de las 11', 11, 0, false], ['a las 5 de la tarde', 17, 0, true],
    ['a las 10 de la mañana', 10, 0, true], ['a las 9 de la noche', 21, 0, true], ['a la una', 1, 0, false], ['a la 1 y media', 1, 30, false], ['a las doce', 12, 0, false],
    ['a las cinco', 5, 0, false], ['a las 17h', 17, 0, true], ['a las 17:00', 17, 0, true], ['a las 4 y 20', 4, 20, false], ['a las 6 menos diez', 5, 50, false],
    ['a las 12 del mediodía', 12, 0, true], ['5pm', 17, 0, true], ['a las 10:45', 10, 45, false], ['a las nueve y media', 9, 30, false], ['a las 9', 9, 0, false],
    ['a las 3 y cuarto de la tarde', 15, 15, true], ['sobre las 10 y media', 10, 30, false], ['a las 19.15', 19, 15, true], ['para las 6', 6, 0, false],
    ['a las 11', 11, 0, false], ['a las 18 h', 18, 0, true], ['a las siete y cuarto', 7, 15, false], ['a las 4', 4, 0, false], ['a las 12 y media', 12, 30, false],
    ['a las 8 de la tarde', 20, 0, true], ['a las 8', 8, 0, false], ['a las 10 y pico', null, null, false],
  ],
};

const WD = {
  en: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'],
  es: ['lunes', 'martes', 'miércoles', 'jueves', 'viernes', 'sábado', 'domingo'],
};
const MONTHS = {
  en: ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'],
  es: ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre'],
};
const cap = (s) => s[0].toUpperCase() + s.slice(1);
const ord = (n) => `${n}${n % 10 === 1 && n !== 11 ? 'st' : n % 10 === 2 && n !== 12 ? 'nd' : n % 10 === 3 && n !== 13 ? 'rd' : 'th'}`;
const NUM = { en: { 2: 'two', 3: 'three', 10: 'ten' }, es: { 2: 'dos', 3: 'tres', 15: 'quince' } };

/** The next date with this day of the month, from today on (this month or a later one). */
function nextDayOfMonth(today, day) {
  for (let add = 0; add <= 2; add++) {
    const c = today.startOf('month').plus({ months: add });
    if (day <= c.daysInMonth && c.set({ day }) >= today) return c.set({ day });
  }
  return undefined;
}

/** Date phrases for a reference day: [text, date or 'ask']. */
function dates(lang, today) {
  const out = [];
  const ahead = (wd, min) => today.plus({ days: ((wd - today.weekday + 7) % 7) || (min ? 7 : 0) });
  const nextWeek = (wd) => today.startOf('week').plus({ weeks: 1, days: wd - 1 });
  if (lang === 'en') {
    out.push(['today', today], ['tomorrow', today.plus({ days: 1 })], ['the day after tomorrow', today.plus({ days: 2 })]);
    out.push(['in two weeks', today.plus({ days: 14 })], ['in 3 days', today.plus({ days: 3 })], ['in a week', today.plus({ days: 7 })], ['in ten days', today.plus({ days: 10 })]);
    for (let wd = 1; wd <= 7; wd++) {
      const name = WD.en[wd - 1];
      out.push([`on ${pick([name, cap(name)])}`, ahead(wd, true)], [`this ${name}`, ahead(wd, false)], [`next ${cap(name)}`, nextWeek(wd)]);
      const d = ahead(wd, true);
      out.push([`${cap(name)} the ${ord(d.day)}`, d], [`${name} ${ord(d.plus({ days: 7 }).day)}`, d.plus({ days: 7 })]);
      out.push([`${cap(name)} the ${ord(d.plus({ days: 2 }).day)}`, 'ask']);
    }
    const d = today.plus({ days: 4 });
    out.push([`on the ${ord(d.day)}`, d], [`${d.day} ${cap(MONTHS.en[d.month - 1])}`, d], [`${cap(MONTHS.en[d.month - 1])} ${ord(d.day)}`, d], [`${d.day}/${d.month}`, d]);
    const e = today.plus({ days: 9 });
    out.push([`the ${ord(e.day)} of ${MONTHS.en[e.month - 1]}`, e], [`${e.day}/${String(e.month).padStart(2, '0')}`, e], [`${WD.en[e.weekday - 1]} ${e.day} ${MONTHS.en[e.month - 1]}`, e]);
  } else {
    out.push(['hoy', today], ['mañana', today.plus({ days: 1 })], ['pasado mañana', today.plus({ days: 2 })], ['pasado manana', today.plus({ days: 2 })]);
    out.push(['dentro de 15 días', today.plus({ days: 15 })], ['dentro de dos semanas', today.plus({ days: 14 })], ['en 3 días', today.plus({ days: 3 })], ['dentro de una semana', today.plus({ days: 7 })]);
    for (let wd = 1; wd <= 7; wd++) {
      const name = WD.es[wd - 1];
      const plain = name.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
      out.push([`el ${pick([name, plain])}`, ahead(wd, true)], [`el ${name} que viene`, ahead(wd, true)], [`el próximo ${name}`, ahead(wd, true)]);
      out.push([`el ${name} de la semana que viene`, nextWeek(wd)]);
      const d = ahead(wd, true);
      out.push([`el ${name} ${d.day}`, d], [`el ${plain} ${d.plus({ days: 7 }).day}`, d.plus({ days: 7 })], [`el ${name} ${d.plus({ days: 1 }).day}`, 'ask']);
    }
    const d = today.plus({ days: 4 });
    out.push([`el ${d.day}`, d], [`el día ${d.day}`, d], [`el ${d.day} de ${MONTHS.es[d.month - 1]}`, d], [`el ${d.day}/${d.month}`, d]);
    const e = today.plus({ days: 9 });
    out.push([`el ${e.day} de ${cap(MONTHS.es[e.month - 1])}`, e], [`el ${e.day}/${String(e.month).padStart(2, '0')}`, e], [`el ${WD.es[e.weekday - 1]} ${e.day} de ${MONTHS.es[e.month - 1]}`, e]);
  }
  return out;
}

/**
 * Date phrases added for issue 13's blind corpus classes, read with their own random stream so the lines above stay as
 * they were: a weekday with "next week" on either side, weeks counted from today or tomorrow, dates written year first
 * or with dots, "mañana" abbreviated.
 */
let seed2 = 8;
const rand2 = () => ((seed2 = (seed2 * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick2 = (xs) => xs[Math.floor(rand2() * xs.length)];
function moreDates(lang, today) {
  const out = [];
  const nextWeek = (wd) => today.startOf('week').plus({ weeks: 1, days: wd - 1 });
  const dotted = (d) => `${String(d.day).padStart(2, '0')}.${String(d.month).padStart(2, '0')}.${String(d.year).slice(2)}`;
  const far = today.plus({ days: 40 });
  if (lang === 'en') {
    for (let wd = 1; wd <= 7; wd++) {
      const name = WD.en[wd - 1];
      out.push([`next week ${name}`, nextWeek(wd)], [`${cap(name)} next week`, nextWeek(wd)], [`${name} of next week`, nextWeek(wd)], [`next week on ${name}`, nextWeek(wd)]);
    }
    out.push(['tomorrow week', today.plus({ days: 8 })], ['a week today', today.plus({ days: 7 })], ['2 weeks today', today.plus({ days: 14 })], ['two weeks tomorrow', today.plus({ days: 15 })]);
    out.push([far.toISODate(), far], [dotted(far), far]);
  } else {
    for (let wd = 1; wd <= 7; wd++) {
      const name = WD.es[wd - 1];
      out.push([`la semana que viene el ${name}`, nextWeek(wd)], [`la próxima semana el ${name}`, nextWeek(wd)], [`el ${name} de la próxima semana`, nextWeek(wd)], [`el ${name} la semana que viene`, nextWeek(wd)]);
    }
    out.push(['mñn', today.plus({ days: 1 })], ['mñn o pasado', 'ask'], ['mañana o pasado', 'ask']);
    out.push([`el ${far.toISODate()}`, far], [`el ${dotted(far)}`, far]);
  }
  return out;
}

const FRAMES = {
  en: [(d, t) => `can I book a trim ${d} ${t}?`, (d, t) => `${d} ${t} please`, (d, t) => `${t} ${d}?`, (d, t) => `is ${d} ${t} free`, (d, t) => `Hi! any chance of ${d} ${t}`],
  es: [(d, t) => `¿tenéis hueco ${d} ${t}?`, (d, t) => `quiero cita ${d} ${t}`, (d, t) => `${d} ${t} porfa`, (d, t) => `se puede ${d} ${t}?`, (d, t) => `Hola, me vendría bien ${d} ${t}`],
};

/** Phrases that must be answered with a question, whatever the day. */
const ASK = {
  en: ['tomorrow at 4 or 5', 'friday between 3 and 4', 'tomorrow after 5pm', 'tomorrow at 25:00', 'sometime tomorrow afternoon at 3am', 'thursday at 4 or thereabouts, or friday at 2'],
  es: ['mañana a las 5 o a las 6', 'el viernes entre las 4 y las 5', 'mañana a partir de las 5', 'mañana a las 27:00', 'mañana sobre las 4 o las 5', 'el jueves o el viernes a las 10'],
};

/** Parts of the day without a clock time: the date, and a question about the time. */
const PARTS = {
  en: [['tomorrow morning', 1], ['tomorrow afternoon', 1], ['tomorrow evening', 1], ['on the afternoon of the day after tomorrow', 2]],
  es: [['mañana por la mañana', 1], ['mañana por la tarde', 1], ['pasado mañana por la tarde', 2], ['mañana a primera hora', 1]],
};

function lines(lang) {
  const { zone } = HOURS[lang];
  const rows = [];
  const add = (ref, msg, expected) => rows.push(`${ref} | ${zone} | ${msg} | ${expected}`);
  for (const ref of REFS) {
    const today = DateTime.fromISO(ref, { zone }).startOf('day');
    const ds = dates(lang, today);
    // Every date phrase alone, and with a clock time.
    for (const [dText, d] of ds) {
      add(ref, dText, d === 'ask' ? 'ask' : d.toISODate());
      const [tText, h, m, certain] = pick(TIMES[lang].filter((t) => t[1] !== null));
      const mins = d === 'ask' ? 'ask' : certain ? h * 60 + m : meridiem(lang, d, h, m);
      add(ref, pick(FRAMES[lang])(dText, tText), mins === 'ask' ? 'ask' : `${d.toISODate()}T${hhmm(mins)}`);
    }
    // Every clock time after "tomorrow"/"mañana", and alone (read on the reference day).
    const tomorrow = today.plus({ days: 1 });
    for (const [tText, h, m, certain] of TIMES[lang]) {
      if (h === null) {
        add(ref, `${lang === 'en' ? 'tomorrow' : 'mañana'} ${tText}`, 'ask');
        continue;
      }
      if (rand() < 0.5) {
        const mins = certain ? h * 60 + m : meridiem(lang, tomorrow, h, m);
        add(ref, `${lang === 'en' ? 'tomorrow' : 'mañana'} ${tText}`, mins === 'ask' ? 'ask' : `${tomorrow.toISODate()}T${hhmm(mins)}`);
      } else {
        const mins = certain ? h * 60 + m : meridiem(lang, today, h, m);
        add(ref, tText, mins === 'ask' ? 'ask' : `T${hhmm(mins)}`);
      }
    }
    for (const a of ASK[lang]) if (rand() < 0.4) add(ref, a, 'ask');
    for (const [dText, d] of moreDates(lang, today)) {
      add(ref, dText, d === 'ask' ? 'ask' : d.toISODate());
      const [tText, h, m, certain] = pick2(TIMES[lang].filter((t) => t[1] !== null));
      const mins = d === 'ask' ? 'ask' : certain ? h * 60 + m : meridiem(lang, d, h, m);
      add(ref, pick2(FRAMES[lang])(dText, tText), mins === 'ask' ? 'ask' : `${d.toISODate()}T${hhmm(mins)}`);
    }
    // "tonight" and "esta noche" name today as well as the evening.
    add(ref, lang === 'en' ? 'can you fit me in tonight at 7' : 'esta noche a las 7 puede ser?', `${today.toISODate()}T19:00`);
    for (const [p, days] of PARTS[lang]) if (rand() < 0.5) add(ref, p, today.plus({ days }).toISODate());
  }
  return rows;
}

const header = (lang) =>
  [
    `# Date and time corpus (${lang}), written by generate.mjs: <reference instant> | <zone> | <message> | <expected>.`,
    '# expected: yyyy-mm-ddTHH:mm (date and time), yyyy-mm-dd (a date, no time), THH:mm (a time, no date), or ask.',
    '# A bare hour is read against the opening hours in generate.mjs (HOURS): the one of am/pm that is open, ask if both are or the day is closed.',
  ].join('\n');

for (const lang of ['en', 'es']) {
  const rows = [...new Set(lines(lang))];
  fs.writeFileSync(path.join(here, `${lang}.txt`), `${header(lang)}\n${rows.join('\n')}\n`);
  console.log(`${lang}: ${rows.length} cases`);
}
