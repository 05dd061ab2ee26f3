import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceMatcher, statedMinutes } from '../../brain/receptionist/matchers.js';
import { parseProfileYaml } from '../../core/profile.js';
import { EvalWorld, runDialogue, type Split } from '../eval/harness.js';

/**
 * The customer's words for a service find that service (issue 13, the service classes of train10/train11): a word that
 * tells one service from its kind, a length or a number said as the name, the other language's words for a service,
 * and typos. Every business here is invented for these tests; none is an evaluation split's.
 */
const services = (lines: string) => parseProfileYaml(`name: S\ntimezone: Europe/Madrid\nservices:\n${lines}`).services;
const matcher = (lines: string) => new ServiceMatcher(services(lines));
const ids = (m: ServiceMatcher, text: string) => m.find(text).map((s) => s.id);
const asked = (m: ServiceMatcher, text: string) => m.undecided(text).map((s) => s.id);

/** A surf school that lists its lessons in Spanish; tourists write in English. */
const SURF = [
  '  - {id: grupo, name: Clase de surf en grupo, aliases: [clase, clase de surf, leccion], duration: 120}',
  '  - {id: corta, name: Clase corta de 1 hora, aliases: [clase corta, short lesson], duration: 60}',
  '  - {id: privada, name: Clase privada, aliases: [private lesson], duration: 90}',
  '  - {id: bautismo, name: Bautismo de surf, aliases: [primera clase, first lesson], duration: 90}',
  '  - {id: tabla, name: Alquiler de tabla, aliases: [board hire], duration: 60}',
].join('\n');

/** A car wash with English names and customers who write in Spanish. */
const WASH = [
  '  - {id: outside, name: Outside wash, aliases: [exterior wash], duration: 30}',
  '  - {id: valet, name: Full valet, aliases: [full wash, inside and out], duration: 90}',
  '  - {id: valet-4x4, name: Full valet 4x4 or SUV, aliases: [4x4, suv, pickup], duration: 120}',
  '  - {id: engine, name: Engine bay clean, aliases: [engine], duration: 45}',
].join('\n');

/** A bowling alley in Spanish: games named by their minutes (the slot is longer, with the changeover). */
const BOWLING = [
  '  - {id: partida, name: Partida 30 minutos, aliases: [partida, game, una partida], duration: 40}',
  '  - {id: doble, name: Partida doble 60 minutos, aliases: [partida doble, double game], duration: 75}',
  '  - {id: kids, name: Bolera infantil, aliases: [kids bowling, bolos para peques], duration: 30}',
  '  - {id: fiesta, name: Fiesta de cumpleaños (hasta 12 niños), aliases: [cumple, birthday party], duration: 120}',
].join('\n');

/** A personal trainer whose list is in English. */
const TRAINER = [
  '  - {id: pt, name: Personal training (60 min), aliases: [hour session, pt session], duration: 60}',
  '  - {id: quick, name: Quick session (30 min), aliases: [half hour session, sesion corta], duration: 30}',
  '  - {id: duo, name: "Duo training (2 people, 60 min)", aliases: [partner session, sesion en pareja], duration: 60}',
  '  - {id: stretch, name: Stretch class, aliases: [stretching], duration: 45}',
].join('\n');

/** A Spanish inspection station (the ITV a British driver calls an MOT) whose customers write in English. */
const STATION = [
  '  - {id: car, name: ITV coche, aliases: [vehículo particular], duration: 20}',
  '  - {id: bike, name: ITV motocicleta, aliases: [], duration: 15}',
  '  - {id: camper, name: ITV autocaravana, aliases: [], duration: 40}',
  '  - {id: retest, name: Reinspección, aliases: [desfavorable], duration: 15}',
].join('\n');

/** An appliance repairer with an English list; customers write in Spanish. */
const APPLIANCES = [
  '  - {id: fridge, name: Fridge and freezer repair, aliases: [], duration: 90}',
  '  - {id: laundry, name: Washing machine repair, aliases: [], duration: 90}',
  '  - {id: cooker, name: Oven and hob repair, aliases: [], duration: 60}',
  '  - {id: visit, name: Diagnostic visit, aliases: [], duration: 45}',
].join('\n');

/** A padel club with English names, a bakery in Spanish, a car wash whose full wash names the outside in brackets. */
const CLUB = ['  - {id: court60, name: Court hire 60 min, aliases: [], duration: 60}', '  - {id: court90, name: Court hire 90 min, aliases: [], duration: 90}', '  - {id: group, name: Group lesson, aliases: [], duration: 60}'].join('\n');
const BAKERY = ['  - {id: pickup, name: Recogida de encargo, aliases: [], duration: 10}', '  - {id: tasting, name: Degustación de tartas, aliases: [], duration: 30}'].join('\n');
const CARWASH = ['  - {id: ext, name: Exterior wash, aliases: [], duration: 30}', '  - {id: full, name: Full wash (interior and exterior), aliases: [], duration: 60}'].join('\n');

describe('general nouns of services in the other language or dialect', () => {
  it('vehicles and their inspection: the MOT, the motorbike, the motorhome', () => {
    const station = matcher(STATION);
    expect(ids(station, 'can i bring my motorbike for its MOT on friday')).toEqual(['bike']);
    expect(ids(station, 'Hello, our motorhome needs its inspection, could we do friday at 12?')).toEqual(['camper']);
    expect(ids(station, 'book an mot for my car thursday at 8am')).toEqual(['car']);
  });

  it('a car that failed: the retest; with the car\'s MOT said too, both are said and the customer is asked', () => {
    expect(ids(matcher(STATION), 'my car failed last week, can i come back tomorrow at 5?')).toEqual(['retest']);
    expect(asked(matcher(STATION), 'my car failed its mot last week, can i come back tomorrow at 5?').sort()).toEqual(['car', 'retest']);
  });

  it('appliances by their Spanish and Latin American names', () => {
    const shop = matcher(APPLIANCES);
    expect(ids(shop, 'se me descompuso la nevera, pueden venir el jueves?')).toEqual(['fridge']);
    expect(ids(shop, 'el refri no enfria')).toEqual(['fridge']);
    expect(ids(shop, 'la lavadora no centrifuga')).toEqual(['laundry']);
    expect(ids(shop, 'el horno no calienta')).toEqual(['cooker']);
  });

  it('a court, a lane, an order to collect, in the other language', () => {
    const club = matcher(CLUB);
    expect(ids(club, 'una cancha de 90 el sabado')[0]).toBe('court90');
    expect(ids(club, 'quiero una pista de hora y media')[0]).toBe('court90');
    expect(asked(club, 'quiero una pista de hora y media')).toEqual([]);
    const bowling = matcher('  - {id: h1, name: Pista 1 hora, aliases: [], duration: 60}\n  - {id: h2, name: Pista 2 horas, aliases: [], duration: 120}');
    expect(ids(bowling, 'a lane for 2 hours on friday')[0]).toBe('h2');
    expect(ids(matcher(BAKERY), 'i need to book a pickup for my order on the 24th')).toEqual(['pickup']);
  });

  it('a word inside a name\'s brackets does not pick that service over the one it names', () => {
    expect(ids(matcher(CARWASH), 'exterior on saturday at 10')).toEqual(['ext']);
  });

  it('a change of mind by the head word as the other language says it', () => {
    const lanes = matcher('  - {id: lane, name: Standard lane, aliases: [], duration: 60}\n  - {id: cosmic, name: Cosmic glow lane, aliases: [], duration: 90}');
    expect(lanes.byHeadWord('no mejor la cosmica')?.id).toBe('cosmic');
  });
});

describe('a word that sets one service apart from its kind picks it', () => {
  it('a service whose name holds everything said, and more, rather than the shorter name inside it', () => {
    const surf = matcher(SURF);
    expect(ids(surf, 'clase corta el viernes a eso de las 5')).toEqual(['corta']);
    expect(ids(surf, 'una clase privada el sabado')).toEqual(['privada']);
    const wash = matcher(WASH);
    expect(ids(wash, 'full valet on the suv thursday at 9')).toEqual(['valet-4x4']);
    expect(ids(wash, 'i drive a pickup, can it get the full wash on saturday')).toEqual(['valet-4x4']);
    expect(ids(wash, 'un lavado completo para mi 4x4')).toEqual(['valet-4x4']);
    expect(ids(wash, 'full valet friday')).toEqual(['valet']);
  });

  it('of a general service and one whose name holds its name, the specific one when named by its own words', () => {
    const wash = matcher(WASH);
    const [valet, suv] = ['valet', 'valet-4x4'].map((id) => services(WASH).find((s) => s.id === id)!);
    expect(wash.specific([valet!, suv!], 'the full wash on the suv').map((s) => s.id)).toEqual(['valet-4x4']);
    expect(wash.specific([valet!, suv!], 'full valet 4x4 or suv').map((s) => s.id)).toEqual(['valet-4x4']);
    // Only the words they share: both stay, and the customer is asked.
    expect(wash.specific([valet!, suv!], 'a full valet').map((s) => s.id)).toEqual(['valet', 'valet-4x4']);
    // What brackets add is no part of the name a message must say.
    const golf = services('  - {id: clase, name: Clase, aliases: [leccion], duration: 60}\n  - {id: campo, name: Clase en el campo (9 hoyos), aliases: [9 hoyos], duration: 120}');
    expect(new ServiceMatcher(golf).specific(golf, 'la clase de 9 hoyos el sabado').map((s) => s.id)).toEqual(['campo']);
  });

  it('a word only one service has, said beside the word of a kind several share', () => {
    const bowling = matcher(BOWLING);
    expect(ids(bowling, 'reservame una partida infantil pa mi hijo a las 4')).toEqual(['kids']);
    expect(ids(bowling, 'a kids game on sunday')).toEqual(['kids']);
    // Apart, the kind and the other word are two wishes, or a story: the customer is asked.
    expect(ids(bowling, 'una partida para mi hijo')).toEqual(['partida']);
    expect(asked(bowling, 'a game and the kids bowling').sort()).toEqual(['kids', 'partida']);
  });

  it('two services said apart are still asked between', () => {
    const wash = matcher(WASH);
    expect(asked(wash, 'an outside wash and the engine bay clean').sort()).toEqual(['engine', 'outside']);
    const barber = matcher('  - {id: beard, name: Beard trim, aliases: [], duration: 20}\n  - {id: shave, name: Hot towel shave, aliases: [], duration: 30}');
    expect(asked(barber, 'beard trim and a hot towel shave').sort()).toEqual(['beard', 'shave']);
  });
});

describe('a length or a number said as the name', () => {
  it('finds the service whose name says those minutes, even when its slot is longer', () => {
    const bowling = matcher(BOWLING);
    expect(ids(bowling, 'a 30 min game on saturday at 4pm')).toEqual(['partida']);
    expect(ids(bowling, 'una partida de 60 minutos')[0]).toBe('doble');
  });

  it('reads "a 1 hour lesson" as an hour, and only among the services that share the word said', () => {
    expect(statedMinutes('a 1 hour lesson with sergio')).toBe(60);
    expect(statedMinutes('a 2 hour session')).toBe(120);
    // Spanish "a" before a number of hours says where, not how long.
    expect(statedMinutes('estamos a 2 horas de ahi')).toBeUndefined();
    const surf = matcher(SURF);
    expect(ids(surf, 'a 1 hour lesson on thursday at 5pm')[0]).toBe('corta');
    expect(asked(surf, 'a 1 hour lesson on thursday at 5pm')).toEqual([]);
  });

  it('still asks when no service has the length said', () => {
    const surf = matcher(SURF);
    expect(ids(surf, 'a 3 hour lesson')).toEqual([]);
  });
});

describe('the other language\'s words for a service', () => {
  it('a word alone means the service whose one-word alias it is in the other language', () => {
    const surf = matcher(SURF);
    // "lesson" is in four names; "leccion", an alias of the group lesson alone, is that word in Spanish.
    expect(ids(surf, 'lesson on thursday 25th at 10?')).toEqual(['grupo']);
    expect(ids(surf, 'can i have a lesson thurs at 10')).toEqual(['grupo']);
  });

  it('an alias said whole in the other language decides between services equally said', () => {
    const trainer = matcher(TRAINER);
    expect(ids(trainer, 'a las 5 y media, sesion de una hora')).toEqual(['pt']);
    expect(ids(trainer, 'una sesion de estiramientos el jueves')).toEqual(['stretch']);
  });

  it('general nouns of services: races, circuits, washes, lessons, massages', () => {
    const karting = matcher('  - {id: tanda, name: Tanda 10 minutos, aliases: [], duration: 15}\n  - {id: gp, name: Gran Premio, aliases: [], duration: 60}');
    expect(ids(karting, 'a 10 min race on friday')).toEqual(['tanda']);
    expect(ids(karting, 'a 10 min heat on friday')).toEqual(['tanda']);
    const spa = matcher('  - {id: circuito, name: Circuito termal, aliases: [], duration: 90}\n  - {id: masaje, name: Masaje relajante, aliases: [], duration: 60}');
    expect(ids(spa, 'the thermal circuit on saturday')).toEqual(['circuito']);
    expect(ids(spa, 'a relaxing massage')).toEqual(['masaje']);
    const english = matcher('  - {id: circuit, name: Bath circuit, aliases: [], duration: 90}\n  - {id: massage, name: Deep tissue massage, aliases: [], duration: 60}');
    expect(ids(english, 'el circuito de baños el sabado')).toEqual(['circuit']);
  });
});

describe('typos and small forms', () => {
  it('a misspelt word that completes a longer name picks it over the name inside it', () => {
    const bowling = matcher(BOWLING);
    expect(ids(bowling, 'doubel game tmrw 7.15pm pls')).toEqual(['doble']);
    const trainer = matcher(TRAINER);
    expect(ids(trainer, 'kiero la sesion de una ora de personl training el miercoles')).toEqual(['pt']);
  });

  it('no accents, plurals and possessives', () => {
    const bowling = matcher(BOWLING);
    expect(ids(bowling, 'fiesta de cumpleanos para 10 ninos')).toEqual(['fiesta']);
    const wash = matcher(WASH);
    expect(ids(wash, "my suv's full valet")).toEqual(['valet-4x4']);
    expect(ids(wash, 'two full valets on friday')).toEqual(['valet']);
  });

  it('words that count or point name nothing more', () => {
    const surf = matcher(SURF);
    expect(ids(surf, 'clase el domingo a las 9')).toEqual(['grupo']);
    expect(ids(surf, 'the first one')).toEqual([]);
  });
});

describe('through the chat service, as a customer books', () => {
  let world: EvalWorld;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wr-services-'));
    const hours = 'hours:\n' + ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => `  ${d}: ["09:00-20:00"]`).join('\n');
    const businesses = new Map<string, string>();
    for (const [id, lines] of [['surf-test', SURF], ['wash-test', WASH], ['bowling-test', BOWLING], ['station-test', STATION], ['appliance-test', APPLIANCES]] as const) {
      const file = path.join(dir, `${id}.yaml`);
      fs.writeFileSync(file, `name: ${id}\ntimezone: Europe/Madrid\nlanguage: es\n${hours}\nservices:\n${lines}\n`);
      businesses.set(id, file);
    }
    const split: Split = { name: 'services', role: 'train', intentNow: '2027-03-16T10:00:00Z', gate: false, businesses, messages: [], outOfScope: [], dialogues: [], showMisses: true };
    world = await EvalWorld.create([split]);
  }, 60_000);
  afterAll(async () => {
    await world?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const book = async (business: string, lang: 'en' | 'es', steps: string[]) => {
    const r = await runDialogue(world, { name: 'services', lang, business, now: '2027-03-16T09:00:00Z', steps, expect: [] });
    return { booked: r.got.map((b) => b.serviceId), transcript: r.transcript.join('\n') };
  };

  it('books the service the distinguishing word names, without asking which', async () => {
    const suv = await book('wash-test', 'en', ['can i get the full valet on the suv thursday 18th at 9 please', 'Carla', 'yes']);
    expect(suv.transcript).not.toMatch(/Which service/);
    expect(suv.booked).toEqual(['valet-4x4']);
    const kids = await book('bowling-test', 'es', ['una partida infantil el jueves 18 a las 5, soy Daniela', 'si']);
    expect(kids.booked).toEqual(['kids']);
  });

  it('books the lesson a tourist asks for in English, and the game named by its minutes', async () => {
    const lesson = await book('surf-test', 'en', ['Hi, I\'d like to book a 1 hour lesson on Thursday 18th at 5pm. Name\'s Peter Collins', 'great, yes']);
    expect(lesson.booked).toEqual(['corta']);
    const game = await book('bowling-test', 'en', ['a 30 min game on thursday 18th at 7pm, Valentina', 'yes']);
    expect(game.booked).toEqual(['partida']);
  });

  it('books the appliance named in Spanish at once, and asks about a failed car rather than book either', async () => {
    const fridge = await book('appliance-test', 'es', ['quiero reservar que arreglen la nevera el jueves 18 a las 10, soy Rosa', 'si']);
    expect(fridge.transcript).not.toMatch(/Qué servicio/);
    expect(fridge.booked).toEqual(['fridge']);
    const failed = await book('station-test', 'en', ['my car failed its MOT last week, can i come back thursday 18th at 10? Hugh', 'yes']);
    expect(failed.booked).toEqual([]);
    expect(failed.transcript).toMatch(/Reinspecci/);
  });
});
