import { DateTime, IANAZone } from 'luxon';
import { ServiceMatcher, sharesServiceWord } from '../../brain/receptionist/matchers.js';
import { clockTimes, parseWhen, resolveMeridiem } from '../../brain/receptionist/when.js';
import { nameInMessage } from '../../brain/receptionist/names.js';
import type { Language } from '../../core/profile.js';
import { parseProfileYaml } from '../../core/profile.js';
import { describe, expect, it } from 'vitest';
import { confirmsProposal, fillWhen, fillsRelative, saysYesTo, timeShift, type WhenSlots } from '../../brain/receptionist/slots.js';
import { severalBookings, withoutNumberedNames } from '../../brain/receptionist/several.js';
import type { When } from '../../brain/receptionist/when.js';

const zone = new IANAZone('Europe/Madrid');
const fill = (slots: WhenSlots, when: When, normalized = '', choice?: number) => fillWhen(slots, { when, normalized, choice }, zone);

describe('slot filling (issue 13: the dialogue state tracker)', () => {
  const asked: WhenSlots = { date: '2026-03-17', time: 600, ambiguousMeridiem: false, offered: ['2026-03-17T09:30', '2026-03-17T10:30'] };

  it('"15 min later", "media hora antes": the time agreed, moved; a vague or unknown time is not moved', () => {
    expect(fill(asked, {}, 'can we do 15 min later')).toMatchObject({ date: '2026-03-17', time: 615 });
    expect(fill(asked, { time: 15 * 60, ambiguousMeridiem: true }, 'could we do 15 mins later')).toMatchObject({ time: 615 });
    expect(fill(asked, {}, 'media hora antes').time).toBe(570);
    expect(fill(asked, {}, 'an hour later please').time).toBe(660);
    expect(fill(asked, {}, 'un cuarto de hora mas tarde').time).toBe(615);
    expect(fill({ date: '2026-03-17' }, {}, '15 min later').time).toBeUndefined();
    expect(fill(asked, {}, 'a bit later').time).toBe(600);
    expect(timeShift('half an hour earlier')).toBe(-30);
    expect(timeShift('2 hours later')).toBe(120);
    expect(timeShift('later today')).toBeUndefined();
    expect(timeShift('ahora se me pincho atras, me la cambian manana a las 6')).toBeUndefined();
    expect(timeShift('two kids both need 30 min lessons on saturday, noah right after at 10:30'.replace('30 min lessons', ''))).toBeUndefined();
    expect(timeShift("could you push thursday's back an hour")).toBe(60);
    expect(timeShift('any chance you could push my shave on friday back an hour')).toBe(60);
    expect(timeShift('can you bring my friday colour appointment forward 30 mins')).toBe(-30);
    expect(timeShift('me la puedes retrasar media hora')).toBe(30);
    expect(timeShift('adelantame la del jueves una hora porfa')).toBe(-60);
    expect(timeShift('an hour later or earlier')).toBeUndefined();
  });

  it('a length the booking lasts and an "after" that places a day are no shift (round 9)', () => {
    expect(timeShift('could we get a court for 90 mins the day after tomorrow at 7 in the evening')).toBeUndefined();
    expect(timeShift('una pista por una hora el dia despues')).toBeUndefined();
    expect(timeShift('the room for 2 hours after work on thursday')).toBeUndefined();
    expect(timeShift('la sala 2 horas el jueves despues del trabajo')).toBeUndefined();
    // The amount that is no length is the shift.
    expect(timeShift('for 2 hours still, but can we start an hour earlier')).toBe(-60);
    expect(timeShift('la sesion de una hora, media hora mas tarde')).toBe(30);
    expect(timeShift('can i come an hour later the day after')).toBe(60);
  });

  it('"sorry I meant 4", "mejor a las 11": a bare hour replaces the time agreed; a number of an offer stays a pick', () => {
    expect(fill({ date: '2026-03-27', time: 900, ambiguousMeridiem: false }, {}, 'sorry i meant 4')).toMatchObject({ time: 240, ambiguousMeridiem: true });
    expect(fill({ date: '2026-03-27', time: 900, ambiguousMeridiem: false }, {}, 'ok 5 then')).toMatchObject({ time: 300, ambiguousMeridiem: true });
    expect(fill({ date: '2026-03-27', time: 900, offered: ['2026-03-27T16:00', '2026-03-27T16:30'] }, {}, '2').time).toBe(900);
  });

  it('"mejor a las 7" after 18:00: the hour keeps the time it replaced, to choose the nearer reading by', () => {
    const proposed: WhenSlots = { date: '2026-03-27', time: 18 * 60, ambiguousMeridiem: false };
    expect(fill(proposed, {}, 'mejor a las 7')).toMatchObject({ time: 420, ambiguousMeridiem: true, nearTime: 1080 });
    expect(fill(proposed, { time: 420, ambiguousMeridiem: true }, 'can we make it 7')).toMatchObject({ time: 420, ambiguousMeridiem: true, nearTime: 1080 });
    expect(fill(proposed, {}, '8 would be better')).toMatchObject({ time: 480, nearTime: 1080 });
    expect(fill(proposed, {}, 'uy mejor a las 8 se puede')).toMatchObject({ time: 480, nearTime: 1080 });
    // A time written with its half of the day needs no reference; nor does a first time.
    expect(fill(proposed, { time: 19 * 60, ambiguousMeridiem: false }).nearTime).toBeUndefined();
    expect(fill({ date: '2026-03-27' }, { time: 420, ambiguousMeridiem: true }).nearTime).toBeUndefined();
  });

  it('"At 08:00 or at 20:00?" is settled by a pick or a part of the day, not by a yes', () => {
    const asking: WhenSlots = { date: '2026-03-27', time: 480, ambiguousMeridiem: true };
    for (const [answer, time] of [['the first one', 480], ['la primera', 480], ['the second', 1200], ['la segunda', 1200], ['2', 1200]] as const) {
      expect(fill(asking, {}, answer), answer).toMatchObject({ time, ambiguousMeridiem: false });
    }
    expect(fill(asking, { part: 'evening' }, 'the evening one')).toMatchObject({ time: 1200, ambiguousMeridiem: false });
    expect(fill(asking, { part: 'morning' }, 'por la manana')).toMatchObject({ time: 480, ambiguousMeridiem: false });
    expect(fill(asking, {}, 'si')).toMatchObject({ time: 480, ambiguousMeridiem: true });
  });

  it('a new time keeps the day, a new day keeps the time', () => {
    expect(fill(asked, { time: 17 * 60, ambiguousMeridiem: false })).toMatchObject({ date: '2026-03-17', time: 1020 });
    expect(fill(asked, { date: '2026-03-18' })).toMatchObject({ date: '2026-03-18', time: 600 });
  });

  it('a picked offer sets both; a number with no offers is not a pick', () => {
    expect(fill(asked, {}, 'the second one', 2)).toMatchObject({ date: '2026-03-17', time: 630, ambiguousMeridiem: false });
    expect(fill({ date: '2026-03-19' }, {}, '12')).toMatchObject({ date: '2026-03-19', time: 720, ambiguousMeridiem: true });
    expect(fill({ date: '2026-03-19', offered: ['2026-03-20T09:00'] }, {}, '1').time).toBeUndefined();
  });

  it('a part of the day settles an hour that could be either', () => {
    expect(fill({ date: '2026-03-17', time: 480, ambiguousMeridiem: true }, { part: 'evening' })).toMatchObject({ time: 1200, ambiguousMeridiem: false });
    expect(fill({ date: '2026-03-17', time: 600, ambiguousMeridiem: false }, { part: 'evening' })).toMatchObject({ time: 600 });
  });

  it('weekday and date that disagree: the time stands, naming the real weekday means that date, the weekday written the one nearest it', () => {
    const doubt = fill({}, { date: '2026-04-02', time: 600, ambiguousMeridiem: true, unclear: 'weekday_mismatch' });
    expect(doubt).toMatchObject({ time: 600, dayInDoubt: '2026-04-02' });
    expect(doubt.date).toBeUndefined();
    expect(fill(doubt, { date: '2026-03-26', weekdayOnly: true })).toMatchObject({ date: '2026-04-02', dayInDoubt: undefined });
    // "Friday 4/2" (a Thursday), then "friday": the Friday beside the 2nd, not the first Friday from today.
    expect(fill(doubt, { date: '2026-03-27', weekdayOnly: true }, 'friday').date).toBe('2026-04-03');
    expect(fill(doubt, { date: '2026-03-27', weekdayOnly: true }, 'this friday').date).toBe('2026-03-27');
  });

  it('a bare weekday that changes a chosen day means the one nearest it; "this"/"next" keep their reading', () => {
    const chosen: WhenSlots = { date: '2026-03-31', time: 540, ambiguousMeridiem: false };
    expect(fill(chosen, { date: '2026-03-25', weekdayOnly: true }, 'same time on wednesday')).toMatchObject({ date: '2026-04-01', time: 540 });
    expect(fill({ date: '2026-03-25', time: 660 }, { date: '2026-03-26', weekdayOnly: true }, 'same time but on thursday').date).toBe('2026-03-26');
    expect(fill(chosen, { date: '2026-03-25', weekdayOnly: true }, 'this wednesday').date).toBe('2026-03-25');
    expect(fill({}, { date: '2026-03-25', weekdayOnly: true }, 'wednesday').date).toBe('2026-03-25');
  });

  it('a time that needs a question keeps the day it came with and forgets the old time', () => {
    expect(fill(asked, { date: '2026-03-20', time: 840, unclear: 'vague_time' })).toMatchObject({ date: '2026-03-20', time: undefined });
  });

  it('after offers, a bare hour that is no offer\'s number is a new time', () => {
    expect(fill(asked, {}, 'ok 5 then')).toMatchObject({ date: '2026-03-17', time: 300, ambiguousMeridiem: true });
    expect(fill(asked, {}, '2').time).toBe(600);
  });

  it('"the week after" moves the chosen day seven days on and keeps the time', () => {
    expect(fill({ date: '2026-05-16', time: 705 }, {}, 'no sorry i meant the week after same time')).toMatchObject({ date: '2026-05-23', time: 705 });
    expect(fill({ time: 705 }, {}, 'the week after').date).toBeUndefined();
  });

  it('a reading that needs a question changes nothing', () => {
    expect(fill(asked, { date: '2026-03-20', time: 900, unclear: 'several' })).toEqual(asked);
  });
});

describe('weekday abbreviations by language: "Dom" the customer is no Sunday', () => {
  const now = DateTime.fromISO('2026-03-24T10:00:00Z', { zone });
  it('in English, a Spanish short weekday is a name, and an English one still a day', () => {
    for (const name of ['Dom', 'Mie', 'Jue', 'Vie', 'Sab', 'Lun']) expect(parseWhen(`Hi I'm ${name}, can I book a haircut?`, 'en', now)).toEqual({});
    expect(parseWhen("hi it's Dom, anything tomorrow at 10?", 'en', now)).toMatchObject({ date: '2026-03-25', time: 600 });
    expect(parseWhen('sun 10am please', 'en', now)).toMatchObject({ date: '2026-03-29', time: 600 });
    expect(parseWhen('sat 28th?', 'en', now).date).toBe('2026-03-28');
  });

  it('in Spanish, a short weekday only where it reads as a date ("el dom", "dom 29"), never a name after "soy"', () => {
    expect(parseWhen('hola soy Dom, quería una cita', 'es', now)).toEqual({});
    expect(parseWhen('Soy Vie, mañana a las 10 puede ser?', 'es', now)).toMatchObject({ date: '2026-03-25', time: 600 });
    expect(parseWhen('el dom a las 10', 'es', now)).toMatchObject({ date: '2026-03-29', time: 600 });
    expect(parseWhen('dom 29 a las 10', 'es', now)).toMatchObject({ date: '2026-03-29', time: 600 });
    expect(parseWhen('para el vie por la tarde', 'es', now).date).toBe('2026-03-27');
    expect(parseWhen('el próximo jue', 'es', now).date).toBe('2026-03-26');
    expect(parseWhen('vie a las 5?', 'es', now).date).toBe('2026-03-27');
    expect(parseWhen('hola soy Dom a las 10 puedo pasar?', 'es', now).date).toBeUndefined();
    // English short forms are no Spanish weekdays either ("sun" and "sat" are no words of it, "mar" is March).
    expect(parseWhen('el sabado a las 10', 'es', now).date).toBe('2026-03-28');
  });
});

describe('words that point at a booking (issue 13: multi-turn)', () => {
  const now = DateTime.fromISO('2026-03-24T10:00:00Z', { zone });
  it('"the one on saturday" is Saturday, not the 1st; "la del 27" is the 27th', () => {
    expect(parseWhen('the one on saturday', 'en', now)).toEqual({ date: '2026-03-28', weekdayOnly: true });
    expect(parseWhen('the one on the 28th', 'en', now).date).toBe('2026-03-28');
    expect(parseWhen('la del 27', 'es', now).date).toBe('2026-03-27');
    expect(parseWhen('at one', 'en', now).time).toBe(60);
  });

  it('a service named by one of its words; a misspelling is not a name as written', () => {
    const massage = { id: 'masaje', name: 'Masaje deportivo', aliases: ['sports massage'], duration: 45, price: 40 };
    expect(sharesServiceWord(massage, 'the massage one')).toBe(true);
    expect(sharesServiceWord(massage, 'la del masaje')).toBe(true);
    expect(sharesServiceWord(massage, 'the other one')).toBe(false);
    const matcher = new ServiceMatcher([{ id: 'pilates', name: 'Pilates terapéutico', aliases: ['pilates'], duration: 50, price: 40 }]);
    expect(matcher.find('Pilar').map((s) => s.id)).toEqual(['pilates']);
    expect(matcher.find('Pilar', false)).toEqual([]);
  });
});

describe('an hour without am/pm (issue 13: a question, or the reading near the proposal)', () => {
  // Open 08:00-14:00 and 16:00-21:00: both 08:00 and 20:00 are open on a Friday.
  const fisio = parseProfileYaml('name: Fisio\ntimezone: Europe/Madrid\nhours:\n  fri: ["08:00-14:00", "16:00-21:00"]\n');
  it('takes the open reading nearer the time proposed before, and asks with none or a tie', () => {
    expect(resolveMeridiem(fisio, '2026-03-27', 480, true, zone)).toBe('ask');
    expect(resolveMeridiem(fisio, '2026-03-27', 480, true, zone, 17 * 60)).toBe(1200);
    expect(resolveMeridiem(fisio, '2026-03-27', 480, true, zone, 10 * 60)).toBe(480);
    expect(resolveMeridiem(fisio, '2026-03-27', 480, true, zone, 14 * 60)).toBe('ask');
    // Only one reading open: that one, wherever the proposal was.
    expect(resolveMeridiem(fisio, '2026-03-27', 420, true, zone, 8 * 60)).toBe(1140);
  });
});

describe('plural weekdays', () => {
  const now = DateTime.fromISO('2026-03-24T10:00:00', { zone });
  it('"¿los lunes cerráis?" names no day; "el martes" in the same message does', () => {
    expect(parseWhen('ah, los lunes cerráis? pues el martes a la misma hora', 'es', now)).toMatchObject({ date: '2026-03-31' });
    expect(parseWhen('oh you are shut on mondays? tuesday then', 'en', now)).toMatchObject({ date: '2026-03-31' });
    expect(parseWhen('el lunes', 'es', now).date).toBe('2026-03-30');
  });
});

describe('days in the story and times without "a las"', () => {
  const now = DateTime.fromISO('2026-03-24T10:00:00', { zone });
  it('a weekday told in the past is the one gone by, so the day asked for stands alone', () => {
    expect(parseWhen('nacio nuestro peque el viernes y querriamos la sesion pasado mañana a las 10', 'es', now)).toMatchObject({ date: '2026-03-26', time: 600 });
    expect(parseWhen('the warning light came on last friday, can you look at it on wednesday', 'en', now)).toMatchObject({ date: '2026-03-25' });
    expect(parseWhen('el sábado pasado me lesioné, tenéis algo mañana?', 'es', now)).toMatchObject({ date: '2026-03-25' });
    expect(parseWhen('me hicieron las uñas el lunes y se me levantaron, me hacéis algo el miércoles?', 'es', now)).toMatchObject({ date: '2026-03-25' });
    // "the last slot on friday", a request after a past verb: the days asked for.
    expect(parseWhen('can I have the last slot on friday', 'en', now)).toMatchObject({ date: '2026-03-27' });
    expect(parseWhen('ya vinieron, me haceis hueco el jueves', 'es', now)).toMatchObject({ date: '2026-03-26' });
  });

  it('"el sábado 9 y media", "mañana 5 y cuarto de la tarde", "las 12 de la mañana"', () => {
    expect(parseWhen('para el sabado 9 y media porfa', 'es', now)).toMatchObject({ date: '2026-03-28', time: 570 });
    expect(parseWhen('mañana 5 y cuarto de la tarde', 'es', now)).toMatchObject({ date: '2026-03-25', time: 1035, ambiguousMeridiem: false });
    expect(parseWhen('el viernes 7 menos cuarto', 'es', now)).toMatchObject({ date: '2026-03-27', time: 405 });
    expect(parseWhen('el viernes a las 12 de la mañana', 'es', now)).toMatchObject({ time: 720, ambiguousMeridiem: false });
    expect(parseWhen('friday at 12 in the morning', 'en', now)).toMatchObject({ time: 720 });
  });
});

describe('range wishes', () => {
  const now = DateTime.fromISO('2026-03-24T10:00:00', { zone });
  it('read their bounds, and still ask when no day or no free time settles them', () => {
    expect(parseWhen('anything after 5 on friday', 'en', now)).toMatchObject({ date: '2026-03-27', unclear: 'vague_time', range: { from: 300, ambiguous: true } });
    expect(parseWhen('thursday between 2 and 4pm', 'en', now)).toMatchObject({ unclear: 'vague_time', range: { from: 840, to: 960, ambiguous: false } });
    expect(parseWhen('between 10am and 2', 'en', now)).toMatchObject({ range: { from: 600, to: 840, ambiguous: false } });
    expect(parseWhen('before 11am', 'en', now)).toMatchObject({ range: { to: 660, ambiguous: false } });
    expect(parseWhen('el sábado entre las 10 y las 12', 'es', now)).toMatchObject({ date: '2026-03-28', range: { from: 600, to: 720 } });
    expect(parseWhen('a partir de las 5 de la tarde', 'es', now)).toMatchObject({ range: { from: 1020, ambiguous: false } });
    expect(parseWhen('friday at 3 or 4', 'en', now)).toMatchObject({ unclear: 'several' });
    expect(parseWhen('friday at 3 or 4', 'en', now).range).toBeUndefined();
  });
});

describe('days counted from the day talked about', () => {
  it('"the next day", "el sábado siguiente" count from the closed day asked for; "the friday after next" stays as read', () => {
    const closed: WhenSlots = { time: 600, dayAsked: '2026-03-30', offered: ['2026-03-31T09:00'] };
    expect(fill(closed, {}, 'same time the next day then')).toMatchObject({ date: '2026-03-31', time: 600 });
    expect(fill(closed, {}, 'entonces al dia siguiente a la misma hora')).toMatchObject({ date: '2026-03-31', time: 600 });
    expect(fill(closed, { date: '2026-03-28', weekdayOnly: true }, 'el sabado siguiente a la misma hora')).toMatchObject({ date: '2026-04-04' });
    expect(fill(closed, { date: '2026-04-03', weekdayOnly: true }, 'the friday after next')).toMatchObject({ date: '2026-04-03' });
    expect(fill(closed, { date: '2026-03-26' }, 'the day after tomorrow')).toMatchObject({ date: '2026-03-26' });
  });

  it('knows the words only a flow understands', () => {
    for (const text of ['3 then', 'al dia siguiente a la misma hora', 'same time the next day', 'half an hour later please', 'la semana siguiente']) expect(fillsRelative(text), text).toBe(true);
    for (const text of ['do i have anything booked', 'where are you', 'tengo cita esta semana']) expect(fillsRelative(text), text).toBe(false);
  });
});

describe('a warm yes held against the proposal (issue 13)', () => {
  const zone = new IANAZone('Europe/London');
  const now = DateTime.fromISO('2026-03-24T10:00:00', { zone });
  const pending = { action: 'create_booking' as const, serviceId: 'oil', start: '2026-03-27T10:00', name: 'Dave' };
  const oil = { id: 'oil', name: 'Oil change', aliases: [], duration: 45 } as never;
  const tyres = { id: 'tyres', name: 'Tyre swap', aliases: [], duration: 60 } as never;
  const confirms = (text: string, named: never[] = []) => confirmsProposal(text, pending, parseWhen(text, 'en', now), named, zone);
  it('confirms when the day, time and service it names are the proposal\'s', () => {
    expect(confirms('wonderful, see you Friday at 10, thanks so much!')).toBe(true);
    expect(confirms('perfect, see you friday morning for the oil change', [oil])).toBe(true);
  });
  it('does not confirm another day, time or service, or a cancellation', () => {
    expect(confirms('wonderful, see you Saturday, thanks!')).toBe(false);
    expect(confirms('perfect, see you friday at 11')).toBe(false);
    expect(confirms('perfect, see you friday afternoon')).toBe(false);
    expect(confirms('perfect, see you friday for the tyres', [tyres])).toBe(false);
    expect(confirmsProposal('perfect, thanks so much', { action: 'cancel_booking', bookingId: 1 }, {}, [], zone)).toBe(false);
  });
});

describe('an hour-sized number answers "what time?" (issue 13)', () => {
  const zone = new IANAZone('Europe/London');
  const asked: WhenSlots = { date: '2026-03-26' };
  const fill = (text: string, slots: WhenSlots = asked) => fillWhen(slots, { when: {}, normalized: text }, zone).time;
  it.each(['any chance of 10', '10 good', '10 work for you', 'tipo 10', 'las 10 puede ser'])('"%s" is 10 once the day is held', (text) => expect(fill(text)).toBe(600));
  it.each(['for 2 people', 'how long does it take 30 minutes', 'is it 10 euros', 'not 10', 'somos 5 personas cabemos', 'i m at 12 byres road near the big park by the station'])('"%s" is no hour', (text) => expect(fill(text)).toBeUndefined());
  it('is no hour before any day is held', () => expect(fill('any chance of 10', {})).toBeUndefined());
});

describe('a yes that says which of several bookings it is for (issue 13)', () => {
  const pending = { action: 'create_booking' as const, serviceId: 'wash', start: '2026-03-27T10:00', name: 'Rachel' };
  const wash = { id: 'wash', name: 'Exterior hand wash', aliases: ['lavado exterior', 'lavado', 'wash'], duration: 60 } as never;
  const faros = { id: 'faros', name: 'Headlight restoration', aliases: ['faros', 'headlights'], duration: 60 } as never;
  const yes = (text: string, afterBooking = false, named: never[] = []) => saysYesTo(text, pending, named, [wash, faros], afterBooking);
  it('names the proposal\'s service or whose it is', () => {
    for (const text of ['yes for the wash', 'si el del lavado', 'si la de el', 'yes for my wife', 'yes for Donna']) expect(yes(text), text).toBe(true);
  });
  it('"too" says yes only to the next of several bookings', () => {
    for (const text of ["yes for Donna's too", 'el lavado tambien', 'y la mia tambien si', 'and yes for the wash too']) {
      expect(yes(text, true), text).toBe(true);
      if (!/\b(yes|si)\b/.test(text)) expect(yes(text), text).toBe(false);
    }
  });
  it('is no yes with a no, a question, a number, another service or a stranger\'s word', () => {
    for (const text of ['no for the wash', 'yes for the wash?', 'yes at 11', 'yes for donna too but later', 'yes for the headlights', 'yes for the big wash please today']) expect(yes(text, true, text.includes('headlights') ? [faros] : []), text).toBe(false);
  });
});

describe('several bookings asked for in one message (issue 13)', () => {
  const zone = new IANAZone('Europe/London');
  const now = DateTime.fromISO('2026-03-24T10:00:00', { zone });
  const svc = (id: string, name: string, aliases: string[] = []) => ({ id, name, aliases, duration: 60 }) as never;
  const cut = svc('cut', 'Haircut', ['cut']);
  const kids = svc('kids', 'Kids cut');
  const mani = svc('mani', 'Manicure');
  const pedi = svc('pedi', 'Pedicure');
  it('pairs each service with its own time, or the times in order', () => {
    expect(severalBookings('a haircut at 10 for me and a kids cut at 10:30 for my son on saturday', 'en', now, [cut, kids])).toEqual([
      { serviceId: 'cut', date: '2026-03-28', time: 600, ambiguousMeridiem: true },
      { serviceId: 'kids', date: '2026-03-28', time: 630, ambiguousMeridiem: true },
    ]);
    expect(severalBookings('a haircut for me and a kids cut for my son saturday, 10am then 11am', 'en', now, [cut, kids])?.map((b) => b.time)).toEqual([600, 660]);
  });
  it('puts a second service with no time of its own straight after the first', () => {
    expect(severalBookings('quiero manicura y pedicura el viernes a las 5', 'es', now, [svc('mani', 'Manicura'), svc('pedi', 'Pedicura')])).toEqual([
      { serviceId: 'mani', date: '2026-03-27', time: 300, ambiguousMeridiem: true },
      { serviceId: 'pedi', date: '2026-03-27', afterPrevious: true },
    ]);
  });
  it('books one service once per person, each with a time', () => {
    expect(severalBookings('me and my sister both want a manicure friday, at 4 for me and 4:30 for her', 'en', now, [mani])?.map((b) => b.time)).toEqual([240, 270]);
    expect(severalBookings('a manicure friday at 4 or 4:30', 'en', now, [mani])).toBeUndefined();
  });
  it('leaves a choice, a range, or services said apart to a question', () => {
    expect(severalBookings('a manicure or a pedicure on friday at 4', 'en', now, [mani, pedi])).toBeUndefined();
    expect(severalBookings('a manicure and a pedicure on friday between 3 and 5', 'en', now, [mani, pedi])).toBeUndefined();
    expect(severalBookings('my pedicure last time was great. a manicure on friday at 4?', 'en', now, [mani, pedi])).toBeUndefined();
    expect(severalBookings('a manicure and a pedicure at 3pm, 4pm and 5pm on friday', 'en', now, [mani, pedi])).toBeUndefined();
  });
});

describe('hours said as a list (issue 13: "thursday, 9 and 10:30")', () => {
  const zone = new IANAZone('Europe/London');
  const now = DateTime.fromISO('2026-03-24T10:00:00', { zone });
  // Generated over both languages, several joins and whom each hour is for: every bare number listed with a clock time is an hour.
  const lists: [Language, string, number[]][] = [];
  for (const [lang, day, join, whom] of [
    ['en', 'thursday', 'and', ['', '']], ['en', 'thursday', 'then', [' for me', ' for my son']], ['en', 'tomorrow', 'or', ['', '']],
    ['es', 'el martes', 'y', ['', '']], ['es', 'mañana', 'y', [' para mi', ' para mi hija']], ['es', 'el martes', 'o', ['', '']],
  ] as const) {
    lists.push([lang, `${day}, 9${whom[0]} ${join} 10:30${whom[1]}`, [540, 630]]);
    lists.push([lang, `${day} 10${whom[0]} ${join} ${lang === 'en' ? 'at' : 'a las'} 11${whom[1]}`, [600, 660]]);
  }
  it.each(lists)('%s "%s" lists two hours', (lang, text, minutes) => {
    expect(clockTimes(text, lang).map((t) => t.minutes)).toEqual(minutes);
    // Two hours for one booking are a question, never the first of them guessed.
    expect(parseWhen(text, lang, now).unclear).toBe('several');
  });
  it('reads a number beside a weekday as the day of the month only when it is that weekday', () => {
    // Tuesday 9 April does not exist in 2026 (the 9th is a Thursday): the 9 is an hour.
    expect(parseWhen('el martes 9 y 10:30', 'es', now)).toMatchObject({ date: '2026-03-31', unclear: 'several' });
    expect(parseWhen('el jueves 9 y 10:30', 'es', now)).toMatchObject({ date: '2026-04-09' });
    // "a las 9 y 10" is ten past nine; "a las 9 y 10:30" lists two hours.
    expect(parseWhen('el martes a las 9 y 10', 'es', now)).toMatchObject({ time: 550 });
    expect(clockTimes('el martes a las 9 y 10:30', 'es').map((t) => t.minutes)).toEqual([540, 630]);
  });
  it('leaves numbers that are no hours alone', () => {
    expect(clockTimes('the 9th and 10th at 5', 'en').map((t) => t.minutes)).toEqual([300]);
    expect(clockTimes('el 9 y el 10 a las 5', 'es').map((t) => t.minutes)).toEqual([300]);
    expect(clockTimes('table for 4 and 8pm', 'en').map((t) => t.minutes)).toEqual([1200]);
    expect(clockTimes('it takes 2 hours and 10:30 suits', 'en').map((t) => t.minutes)).toEqual([630]);
  });
  it('asks when a time is offered beside a part of the day as another choice', () => {
    expect(parseWhen('friday at 10ish or sometime after lunch', 'en', now)).toMatchObject({ unclear: 'several' });
    expect(parseWhen('el viernes a las 10 o por la tarde', 'es', now)).toMatchObject({ unclear: 'several' });
    // Said together, the part of the day says which 10.
    expect(parseWhen('friday at 10 in the evening', 'en', now)).toMatchObject({ time: 1320, ambiguousMeridiem: false });
    expect(parseWhen('el viernes a las 5 de la tarde', 'es', now).unclear).toBeUndefined();
  });
});

describe('days and hours as customers correct and count them (issue 13)', () => {
  const zone = new IANAZone('Europe/London');
  // A Tuesday: this week's Thursday is the 26th, next week's the 2nd of April.
  const now = DateTime.fromISO('2026-03-24T10:00:00', { zone });
  it.each([
    ['en', 'next week thursday after lunch'], ['en', 'next week on thursday'], ['en', 'thursday next week'], ['en', 'thursday of next week'],
    ['es', 'la semana que viene el jueves'], ['es', 'la semana q viene, el jueves'], ['es', 'el jueves de la semana que viene'], ['es', 'el jueves la proxima semana'],
  ] as const)('%s "%s" is the thursday of next week', (lang, text) => expect(parseWhen(text, lang, now).date).toBe('2026-04-02'));
  it('keeps "next tuesday" and "this thursday" as they were', () => {
    expect(parseWhen('this thursday', 'en', now).date).toBe('2026-03-26');
    expect(parseWhen('el jueves', 'es', now).date).toBe('2026-03-26');
  });
  it.each([
    ['en', 'fine, 11 in the morning', 660], ['en', '7 in the evening', 1140], ['en', '3 this afternoon', 900], ['en', 'half 3 this afternoon', 930],
    ['es', 'el jueves, 6 de la tarde', 1080], ['es', '10 de la mañana', 600], ['es', 'mañana 8 de la noche', 1200],
  ] as const)('%s "%s": a bare hour the part of the day makes a time', (lang, text, minutes) => {
    expect(parseWhen(text, lang, now)).toMatchObject({ time: minutes, ambiguousMeridiem: false });
    expect(parseWhen(text, lang, now).unclear).toBeUndefined();
  });
  it.each(['how long is the 9 hole lesson?', 'is the 2 seater kart free', 'the 3 course menu', 'the 4 players package'])('"%s" counts something, it names no day', (text) => expect(parseWhen(text, 'en', now).date).toBeUndefined());
  it.each([
    ['en', 'wait no thursday I have work, can we do friday instead same time', '2026-03-27', undefined],
    ['en', 'thursday is no good for me, how about friday at 3', '2026-03-27', 180],
    ['es', 'ay no, el jueves no puedo, mejor el viernes a las 12', '2026-03-27', 720],
    ['es', 'espera, mejor el viernes a las 11 q el jueves curro', '2026-03-27', 660],
    ['es', 'a las 11, mejor el viernes, el jueves curro', '2026-03-27', 660],
  ] as const)('%s "%s": the day a correction names', (lang, text, date, time) => {
    const when = parseWhen(text, lang, now);
    expect(when).toMatchObject({ date, ...(time === undefined ? {} : { time }) });
    expect(when.unclear).toBeUndefined();
  });
  it('still asks between two days no correction chooses', () => {
    expect(parseWhen('friday or saturday?', 'en', now).unclear).toBe('several');
    expect(parseWhen('how about friday or saturday at 10', 'en', now).unclear).toBe('several');
    expect(parseWhen('el jueves o el viernes, mejor por la tarde', 'es', now).unclear).toBe('several');
  });
});

describe('each of several bookings keeps the name said with it (issue 13)', () => {
  const zone = new IANAZone('Europe/London');
  const now = DateTime.fromISO('2026-03-24T10:00:00', { zone });
  const svc = (id: string, name: string) => ({ id, name, aliases: [], duration: 30 }) as never;
  const [cut, kids] = [svc('cut', 'Haircut'), svc('kids', 'Kids cut')];
  const names = (text: string, lang: Language, services: never[]) => severalBookings(text, lang, now, services, (t) => nameInMessage(t))?.map((b) => [b.time, b.name]);
  it('reads a name per service, and a name said apart for the first', () => {
    expect(names('a haircut for me (Dave) friday at 10 and a kids cut for my son Sam at 11', 'en', [cut, kids])).toEqual([[600, 'Dave'], [660, 'Sam']]);
    expect(names('Hi, Dave here, a haircut friday at 10 and a kids cut for my son Sam at 11', 'en', [cut, kids])).toEqual([[600, 'Dave'], [660, 'Sam']]);
    expect(names('un haircut el viernes a las 10 y un kids cut para mi hija Lucía a las 11', 'es', [cut, kids])).toEqual([[600, undefined], [660, 'Lucía']]);
  });
  it('reads a name per time for one service booked for several people', () => {
    expect(names('two haircuts on friday, 10 for me and 11 for my son Jack', 'en', [cut])).toEqual([[600, undefined], [660, 'Jack']]);
    expect(names('me and my sister both want a haircut friday, at 4 for me and 4:30 for her', 'en', [cut])).toEqual([[240, undefined], [270, undefined]]);
  });
});

describe('a number inside a service\'s name is no time (issue 13)', () => {
  const zone = new IANAZone('Europe/London');
  const now = DateTime.fromISO('2026-03-24T10:00:00', { zone });
  const services = [
    { id: 'private', name: 'Private session', aliases: ['one to one', '1-2-1'], duration: 60 },
    { id: 'combo', name: 'Cut and colour 2 in 1', aliases: ['2 in 1'], duration: 90 },
    { id: 'wash', name: 'Valet 4x4', aliases: ['4x4 valet'], duration: 60 },
  ] as never[];
  const when = (text: string) => parseWhen(withoutNumberedNames(text, services), 'en', now);
  it.each(['how much for a one to one', 'is a 1-2-1 free', 'how much is the 2 in 1', 'do you do a 4x4 valet'])('"%s" names no time', (text) => expect(when(text).time).toBeUndefined());
  it('keeps the time said beside the name', () => {
    expect(when('a one to one on friday at 10am')).toMatchObject({ date: '2026-03-27', time: 600 });
    expect(when('2 in 1 at 3pm tomorrow')).toMatchObject({ date: '2026-03-25', time: 900 });
  });
});
