import { describe, expect, it } from 'vitest';
import { FaqMatcher, ServiceMatcher, serviceForParty, statedMinutes } from '../../brain/receptionist/matchers.js';
import { asksCancelPolicy, extractName, parseChoice, withoutExclusions, isAffirmative, isNegative, isWarmYes, isUnsure, mentionsCancel, mentionsReschedule, normalize } from '../../brain/receptionist/text.js';
import { isFrustrated } from '../../brain/receptionist/conversation.js';
import { parseProfileYaml } from '../../core/profile.js';

const n = normalize;

describe('confirmation reading (issue 13 item 5)', () => {
  it.each(['ok yes', 'yes that works', 'yes 👍', '👍', 'sí, confírmalo', 'vale sí', 'go ahead', 'Yes please!', 'perfecto, gracias', 'sounds good', 'si porfa', 'dale', 'ok then'])('"%s" is a yes', (text) => {
    expect(isAffirmative(n(text))).toBe(true);
  });

  it.each(['yesss', 'siii', 'okk', 'yeah go on', 'go on then', 'yeah thats grand', 'ok cool', 'yep that\'s right', 'yes, book it in', 'claro que sí', 'venga va', 'de una', 'bueno vale', 'all good 👌', 'sipo', 'sí po', 'ya po, dale'])(
    '"%s" is a yes too (stretched letters, Irish, Spanish regional forms)',
    (text) => expect(isAffirmative(n(text))).toBe(true),
  );

  it.each(['sound, yes', 'grand so, go ahead', 'lovely yes', 'perfect yes please', 'listo, sí', 'dale, sí', 'bueno sí', 'va, confirmo', 'okis', 'sip', 'yes mate', 'sound', 'aye go on', 'sisi', 'yes thank you so much', 'perfect, see you then', 'that would be great', 'yup sounds good to me', 'si perfecto muchas gracias', 'genial, nos vemos', 'sí porfi'])(
    '"%s" is a yes: a filler or regional word before it changes nothing',
    (text) => expect(isAffirmative(n(text))).toBe(true),
  );

  it.each(['ok merci', 'yes danke', 'perfecto, merci', 'yes ty'])(
    '"%s" is a yes: every thank-you word the names reader knows goes along with a yes (one list, THANK_WORDS)',
    (text) => expect(isAffirmative(n(text))).toBe(true),
  );

  it.each(['si señora, muchas gracias', 'sharp, yes', 'ok he says yes go ahead', 'joya, sí', 'ya po, perfecto', 'listo, sí señor', 'actually yes, book it', 'sí, apuntadlo porfa'])(
    '"%s" is a yes to a proposed booking: a word or two of the customer\'s own beside it',
    (text) => expect(isAffirmative(n(text), 'create_booking')).toBe(true),
  );

  it.each(['ok friday then', 'yes but can I bring a friend', 'si pero a las 5', 'vale, el jueves entonces', 'yes is there parking', 'ok maybe', 'sí, mejor otro día', 'yes 2 of us'])(
    '"%s" is no yes to the proposal: it asks, doubts or changes something',
    (text) => expect(isAffirmative(n(text), 'create_booking')).toBe(false),
  );

  it.each(['lekker', 'for sure', 'yes 100%', 'ahí está, sí', 'órale', 'sale', 'sweet as', 'ja', 'sharp sharp', 'ya po', 'si señora', 'ok si, apártala', 'si, apuntadlo'])(
    '"%s" is a regional yes to a proposed booking',
    (text) => expect(isAffirmative(n(text), 'create_booking')).toBe(true),
  );

  it.each(['ja ok she confirmed, book it', 'mi esposo dice que sí, adelante', 'ya me confirmó, apártala', 'she confirmed', 'my wife says yes please'])(
    '"%s" is a yes passed on from someone else',
    (text) => expect(isAffirmative(n(text), 'create_booking')).toBe(true),
  );

  it.each(['he says no', 'my husband said maybe', 'mi esposo dice que mejor el viernes'])('"%s" passes on no yes', (text) => expect(isAffirmative(n(text), 'create_booking')).toBe(false));

  it('"yes, book it" with a word of its own still says yes to no cancellation', () => {
    expect(isAffirmative(n('actually yes, book it'), 'cancel_booking')).toBe(false);
    expect(isAffirmative(n('sí, apuntadlo porfa'), 'reschedule_booking')).toBe(false);
  });

  it.each(["ok let's do it", "let's go", 'si porfavor', 'sí así', 'vale, así', 'sí xfa', 'yes plis'])('"%s" is a yes as typed (class A: never read as a name)', (text) => {
    expect(isAffirmative(n(text))).toBe(true);
  });

  it.each(['sí, esa', 'si, esa hora', 'esa misma, sí', 'sí, esa está bien', 'yes that one', "yep that one's fine", 'ok this one please'])('"%s" is a yes pointing at the proposal shown', (text) => {
    expect(isAffirmative(n(text))).toBe(true);
  });

  it.each(['esa', 'that one', 'esa no', 'not that one', 'esa hora no'])('"%s" points without saying yes', (text) => {
    expect(isAffirmative(n(text))).toBe(false);
  });

  it.each(['no wait', 'mejor no', 'hmm not sure', 'yes but at 7', 'ok 5pm then', 'vale, pues a las 12', 'thanks', 'gracias', 'no', 'yes no', 'book me in', 'good morning'])('"%s" is not a yes', (text) => {
    expect(isAffirmative(n(text))).toBe(false);
  });

  it.each(['yes, book it', 'yes please go ahead', 'yes go for it', 'yes please, book it for me', 'sí, resérvalo', 'sí, hazlo', 'sí, dale', 'dale'])('"%s" is a yes to any change (issue 14)', (text) => {
    expect(isAffirmative(n(text))).toBe(true);
  });

  it.each([
    ['yes, book me in', 'create_booking'], ['yes book', 'create_booking'], ['vale, resérvala', 'create_booking'], ['sí, apúntame', 'create_booking'],
    ['yes, cancel it', 'cancel_booking'], ['sí, cancélala', 'cancel_booking'], ['yes please cancel', 'cancel_booking'],
    ['yes move it please', 'reschedule_booking'], ['sí, cámbiala', 'reschedule_booking'],
  ])('"%s" is a yes to %s, and to no other change (issue 14)', (text, change) => {
    expect(isAffirmative(n(text), change)).toBe(true);
    for (const other of ['create_booking', 'cancel_booking', 'reschedule_booking'].filter((c) => c !== change)) expect(isAffirmative(n(text), other), other).toBe(false);
    expect(isAffirmative(n(text))).toBe(false);
  });

  it.each(['yes, book it', 'book it', 'sí, resérvalo', 'yes please, book it in'])('"%s" confirms a proposed booking, never a proposed cancellation or move', (text) => {
    expect(isAffirmative(n(text), 'create_booking')).toBe(true);
    expect(isAffirmative(n(text), 'cancel_booking')).toBe(false);
    expect(isAffirmative(n(text), 'reschedule_booking')).toBe(false);
  });

  it.each(['cancel it', 'cancel', 'move it', 'reserva', 'cancélala', 'yes book at 11', 'sí, pero cámbiala al lunes'])('"%s" alone or with more is not a yes (issue 14)', (text) => {
    for (const change of [undefined, 'create_booking', 'cancel_booking', 'reschedule_booking']) expect(isAffirmative(n(text), change), change).toBe(false);
  });

  it('reads no and unsure apart from changes', () => {
    for (const text of ['no wait', 'mejor no', 'nope', 'No, gracias', 'hold on', 'nooo', 'no, not that one', 'no that\'s wrong', 'no please don\'t', 'not now', 'no me viene bien', 'mejor otro día', 'ahora no']) expect(isNegative(n(text)), text).toBe(true);
    for (const text of ['no, at 7 instead', 'not sure', 'ok yes']) expect(isNegative(n(text)), text).toBe(false);
    for (const text of ['hmm not sure', 'no sé', 'let me think', 'mmm', 'quizás', 'let me think about it', "I'll check and get back to you", 'lo pienso y te digo', 'no sé, déjame ver', 'ni idea', 'tengo que mirarlo', 'not sure yet']) expect(isUnsure(n(text)), text).toBe(true);
    for (const text of ['no', 'yes', 'not sure about friday at 5, can we do 6']) expect(isUnsure(n(text)), text).toBe(false);
    // A doubt that opens the message and says what it hangs on; not when it asks something or gives a time.
    for (const text of ['hmm maybe, let me check with my husband', 'not sure, depends if my client can make it', 'depende', 'depende de mi horario', 'no sé, tengo que preguntarle a mi jefa', 'it depends', 'probably']) expect(isUnsure(n(text)), text).toBe(true);
    for (const text of ['depende, cuánto cuesta?', 'maybe 5pm instead?', 'no, se me complica', 'not sure what time you open']) expect(isUnsure(n(text)), text).toBe(false);
  });
});

describe('intent guards (issue 13 item 7)', () => {
  it('a question about the cancellation policy starts no cancellation', () => {
    for (const text of ['do you charge for late cancellations?', 'cobráis si cancelo tarde?', 'what is your cancellation policy']) {
      expect(mentionsCancel(n(text)), text).toBe(false);
      expect(asksCancelPolicy(n(text)), text).toBe(true);
    }
    for (const text of ['please cancel my massage', 'cancela mi cita', 'delete my booking']) expect(mentionsCancel(n(text)), text).toBe(true);
  });

  it('a correction verb is a reschedule only about a booking', () => {
    expect(mentionsReschedule(n('could we push my session to friday'))).toBe(true);
    expect(mentionsReschedule(n('me la podéis pasar a la semana que viene?'))).toBe(true);
    expect(mentionsReschedule(n("could you push thursday's back an hour"))).toBe(true);
    expect(mentionsReschedule(n('can I come in tomorrow'))).toBe(false);
  });
});

describe('what a message rules out', () => {
  it('"instead of", "en vez de" and "en lugar de" rule out what they replace', () => {
    expect(withoutExclusions('can i come at 4 instead of 2 on friday?')).toBe('can i come at 4 on friday?');
    expect(withoutExclusions('puedo ir a las 7 en vez de a las 5?')).toBe('puedo ir a las 7 ?');
    expect(withoutExclusions('el viernes en lugar del jueves')).toBe('el viernes');
  });
});

describe('service names (issue 13 item 8)', () => {
  const profile = parseProfileYaml(
    [
      'name: Salon',
      'timezone: Europe/London',
      'services:',
      "  - {id: womens, name: \"Women's cut and finish\", aliases: [womens haircut], duration: 60}",
      "  - {id: mens, name: \"Men's haircut\", aliases: [], duration: 30}",
      "  - {id: kids, name: \"Kids' cut\", aliases: [], duration: 30}",
      '  - {id: masaje, name: Masaje deportivo, aliases: [], duration: 60}',
    ].join('\n'),
  );
  const matcher = new ServiceMatcher(profile.services);
  const ids = (text: string) => matcher.find(text).map((s) => s.id);

  it('matches without apostrophes, in the plural, and by the last word of a compound', () => {
    expect(ids('can I get a mens cut tomorrow')).toEqual(['mens']);
    expect(ids("men's haircuts please")).toEqual(['mens']);
    expect(ids('how much are kids cuts')).toEqual(['kids']);
    expect(ids('a womens cut on friday')).toEqual(['womens']);
    expect(ids('dos masajes deportivos')).toEqual(['masaje']);
  });

  it('names no service from a word several names share, and says which it could be', () => {
    expect(ids('a haircut on friday at 3')).toEqual([]);
    expect(matcher.undecided('a haircut on friday at 3').map((s) => s.id)).toEqual(['womens', 'mens']);
    expect(matcher.undecided("men's haircut friday")).toEqual([]);
    // A unit of time is when or how long, whatever names hold it.
    const rooms = new ServiceMatcher(parseProfileYaml('name: R\ntimezone: Europe/Madrid\nservices:\n  - {id: r1, name: Sala 1 hora, aliases: [], duration: 60}\n  - {id: r2, name: Sala 2 horas, aliases: [], duration: 120}\n').services);
    expect(rooms.undecided('ah vale, pues el martes a la misma hora')).toEqual([]);
    expect(rooms.find('ah vale, pues el martes a la misma hora')).toEqual([]);
    expect(rooms.undecided('una sala el martes').map((s) => s.id)).toEqual(['r1', 'r2']);
    expect(rooms.find('una sala de 2 horas el martes')[0]?.id).toBe('r2');
  });

  it('says two names as two, a name inside a longer one as one, and an alias of small words only when nothing else is said', () => {
    const clinic = new ServiceMatcher(
      parseProfileYaml(
        'name: C\ntimezone: Europe/Madrid\nservices:\n  - {id: val, name: Primera valoración, aliases: [valoracion], duration: 60}\n  - {id: adultos, name: Sesión adultos, aliases: [para mi], duration: 45}\n  - {id: kids, name: Sesión infantil, aliases: [sesion para mi hija], duration: 45}\n  - {id: deep, name: Deep clean, aliases: [], duration: 180}\n  - {id: std, name: Standard clean, aliases: [], duration: 120}\n',
      ).services,
    );
    const ids = (ss: { id: string }[]) => ss.map((s) => s.id);
    expect(ids(clinic.undecided('primera valoracion o deep clean el jueves'))).toEqual(['val', 'deep']);
    expect(ids(clinic.find('una primera valoracion para mi hija'))).toEqual(['val']);
    expect(ids(clinic.undecided('una primera valoracion para mi hija'))).toEqual([]);
    expect(ids(clinic.find('es para mi'))).toEqual(['adultos']);
    expect(ids(clinic.find('una sesion para mi hija'))).toEqual(['kids']);
    // The word that sets one apart from its kind, said alone; "sesiones" is the plural of "sesión".
    expect(ids(clinic.find('no sorry, standard is fine'))).toEqual(['std']);
    expect(ids(clinic.find('ok deep then'))).toEqual(['deep']);
    expect(ids(clinic.find('the first one'))).toEqual([]);
    expect(ids(clinic.undecided('me dieron 10 sesiones'))).toEqual(['adultos', 'kids']);
  });

  it('takes -ing and -ed forms, typos only of words spelled alike, and no service from a word that asks for something', () => {
    const studio = new ServiceMatcher(
      parseProfileYaml(
        'name: S\ntimezone: Europe/London\nservices:\n  - {id: piercing, name: Nose piercing, aliases: [piercing], duration: 30}\n  - {id: initial, name: Initial visit, aliases: [first appointment, assessment], duration: 60}\n  - {id: massage, name: Massage, aliases: [], duration: 60}\n',
      ).services,
    );
    const found = (text: string) => studio.find(text).map((s) => s.id);
    expect(found('can I get my nose pierced')).toEqual(['piercing']);
    expect(found('a masage on friday')).toEqual(['massage']);
    expect(found('no sorry, I meant the week after')).toEqual([]);
    expect(found('what should I wear to my appointment')).toEqual([]);
  });

  it('finds a service named in the other language than the list, whole or by the one word only it has', () => {
    const services = (yaml: string) => new ServiceMatcher(parseProfileYaml(`name: S\ntimezone: Europe/London\nservices:\n${yaml}`).services);
    const bikes = services('  - {id: basic, name: Basic service, aliases: [tune up], duration: 60}\n  - {id: full, name: Full service, aliases: [overhaul], duration: 120}\n  - {id: puncture, name: Puncture repair, aliases: [], duration: 30}\n');
    const photo = services('  - {id: retrato, name: Sesión de retrato, aliases: [], duration: 60}\n  - {id: familia, name: Sesión de familia, aliases: [], duration: 90}\n  - {id: bebe, name: Sesión de recién nacido, aliases: [], duration: 180}\n');
    const barber = services('  - {id: shave, name: Hot towel shave, aliases: [], duration: 30}\n  - {id: beard, name: Beard trim, aliases: [], duration: 20}\n');
    const find = (m: ServiceMatcher, text: string) => m.find(text).map((s) => s.id);
    expect(find(bikes, 'quiero llevar la bici a revision basica el viernes')).toEqual(['basic']);
    expect(find(bikes, 'una revisión completa para mi bici')).toEqual(['full']);
    expect(find(bikes, 'se me pinchó la rueda')).toEqual(['puncture']);
    expect(find(photo, 'portrait session on wednesday')).toEqual(['retrato']);
    expect(find(photo, 'a newborn session for our baby')).toEqual(['bebe']);
    expect(find(barber, 'un afeitado el viernes')).toEqual(['shave']);
    expect(find(barber, 'me arreglas la barba')).toEqual(['beard']);
    // Words that say little alone, or that belong to no service, name none.
    expect(find(bikes, 'qué servicios tenéis?')).toEqual([]);
    expect(find(photo, 'a session on friday')).toEqual([]);
    expect(find(photo, 'que ejercicios son buenos')).toEqual([]);
  });

  it('finds the service for a party size: its number, or a range holding it', () => {
    const tables = parseProfileYaml(
      'name: T\ntimezone: Europe/Madrid\nservices:\n  - {id: t2, name: Mesa para 2, aliases: [], duration: 90}\n  - {id: t4, name: Mesa para 4, aliases: [], duration: 90}\n  - {id: group, name: Grupo (7 a 20 personas), aliases: [], duration: 120}\n',
    ).services;
    const party = (text: string) => serviceForParty(tables, text)?.id;
    expect(party('se puede reservar para 2 el lunes a las 2?')).toBe('t2');
    expect(party('table for 4 this saturday at 8:30pm')).toBe('t4');
    expect(party('somos 12 para un cumple')).toBe('group');
    expect(party('somos 5')).toBeUndefined();
    expect(party('para las 2')).toBeUndefined();
    expect(serviceForParty(profile.services, 'for 4 people')).toBeUndefined();
  });
});

describe('FAQ keywords', () => {
  const faqs = new FaqMatcher([
    { question: '¿Me recogéis el coche?', answer: 'Sí, en 5 km.', keywords: ['recoger', 'recogida'] },
    { question: 'Do you treat children?', answer: 'From 3 years old.', keywords: ['kids'] },
  ]);

  it('count other endings of a long keyword as the keyword, but not of a short one', () => {
    expect(faqs.match('me recogeis el coche en casa?')).toMatchObject({ strong: true, faq: { answer: 'Sí, en 5 km.' } });
    expect(faqs.match('do you see kidney problems')?.strong ?? false).toBe(false);
  });

  it('do not count another question word for a question word: "cuánto" (how much) is no "cuántos" (how many)', () => {
    const sizes = new FaqMatcher([{ question: '¿Cuántos podemos entrar?', answer: 'De 2 a 6.', keywords: ['cuantos', 'grupo'] }]);
    expect(sizes.match('cuánto cuesta la partida?')?.strong ?? false).toBe(false);
    expect(sizes.match('cuanto vale para un grupo de 5?')?.strong).toBe(true);
  });
});

describe('FAQ evidence in proportion to the question (invented businesses)', () => {
  /** A business of `services` and `faq` lines, as its profile.yaml writes them. */
  const business = (services: string, faq: string, extra = '') =>
    parseProfileYaml(`name: B\ntimezone: Europe/Madrid\n${extra}services:\n${services}\nfaq:\n${faq}`);
  const matcherOf = (p: ReturnType<typeof business>) => new FaqMatcher(p.faq, p);
  const strong = (m: FaqMatcher, text: string) => m.match(text)?.strong ?? false;

  it('salon: a word the services hold is theirs as much, unless more of the entry is said', () => {
    const salon = matcherOf(business(
      '  - {id: trim, name: Beard trim, duration: 20}\n  - {id: kids, name: Kids haircut, duration: 30}',
      '  - {question: Can children come along?, answer: KIDS, keywords: [trim, kids]}\n  - {question: How can I pay?, answer: PAY, keywords: [card, cash]}',
    ));
    expect(strong(salon, 'how much is a trim')).toBe(false);
    expect(strong(salon, 'what do you do for kids')).toBe(false);
    expect(strong(salon, 'can children come along while i get my beard done?')).toBe(true);
    expect(salon.match('do you take cash?')).toMatchObject({ strong: true, faq: { answer: 'PAY' } });
  });

  it('clinic (es): a word of everyday talk or of when tells no topic alone', () => {
    const clinic = matcherOf(business(
      '  - {id: consulta, name: Consulta general, duration: 30}',
      '  - {question: ¿Atendéis por la tarde?, answer: TARDE, keywords: [tarde, noche]}\n  - {question: ¿Tenéis bonos o tarjetas regalo?, answer: BONO, keywords: [vale, bono, regalo]}',
    ));
    expect(strong(clinic, 'buenas tardes')).toBe(false);
    expect(strong(clinic, 'vale')).toBe(false);
    expect(strong(clinic, 'vale, gracias')).toBe(false);
    expect(clinic.match('¿atendéis por la tarde?')).toMatchObject({ strong: true, faq: { answer: 'TARDE' } });
    expect(clinic.match('tenéis vales regalo?')).toMatchObject({ strong: true, faq: { answer: 'BONO' } });
  });

  it('restaurant: one shared word does not carry a question about something the business never talks of', () => {
    const restaurant = matcherOf(business(
      '  - {id: mesa, name: Table for 2, duration: 90}',
      '  - {question: Is there parking?, answer: PARK, keywords: [parking, park]}\n  - {question: Do you have vegan dishes?, answer: VEGAN, keywords: [vegan, dairy free]}',
    ));
    expect(restaurant.match('is there parking nearby?')).toMatchObject({ strong: true, faq: { answer: 'PARK' } });
    expect(strong(restaurant, 'can you recommend a good dentist near the park')).toBe(false);
    expect(strong(restaurant, 'is it going to be windy and cold in the park tomorrow for a picnic')).toBe(false);
    // Only the sentence that asks weighs; the story after it is the customer's own.
    expect(restaurant.match('do you have vegan food? my sister stopped eating meat after some documentary')).toMatchObject({ strong: true, faq: { answer: 'VEGAN' } });
    // A phrase the business wrote explains more: a longer question around it is still the entry's.
    expect(restaurant.match('is the chocolate cake dairy free? my son cannot have milk at all')).toMatchObject({ strong: true, faq: { answer: 'VEGAN' } });
  });

  it('bike rental (es): a question about the world is not the business\'s rain policy', () => {
    const rental = matcherOf(business(
      '  - {id: bici, name: Alquiler de bici, aliases: [bici], duration: 60}',
      '  - {question: ¿Qué pasa si llueve?, answer: LLUVIA, keywords: [lluvia, llueve]}',
      'address: Calle Mayor 3, Valencia\n',
    ));
    expect(rental.match('y si llueve?')).toMatchObject({ strong: true, faq: { answer: 'LLUVIA' } });
    expect(strong(rental, 'sabes si va a llover mañana en la playa de la malvarrosa?')).toBe(false);
  });

  it('language school: the entry\'s own question said whole is strong, whatever else the message says', () => {
    const school = matcherOf(business(
      '  - {id: kids, name: Kids English course, duration: 60}\n  - {id: adult, name: Adult conversation class, duration: 60}',
      '  - {question: From what age do you take kids?, answer: AGE, keywords: [age, kids]}',
    ));
    expect(strong(school, 'what do you have for kids')).toBe(false);
    expect(school.match('what age do kids start at?')).toMatchObject({ strong: true, faq: { answer: 'AGE' } });
    expect(school.match('from what age do you take kids? my twins are three and very chatty')).toMatchObject({ strong: true, faq: { answer: 'AGE' } });
  });
});

describe('FAQ questions asked in the other language than the FAQ is written in', () => {
  const faqs = {
    english: new FaqMatcher([
      { question: 'How can I pay?', answer: 'PAY', keywords: ['card', 'cash', 'contactless'] },
      { question: 'Do you need a deposit?', answer: 'DEPOSIT', keywords: ['deposit'] },
      { question: 'What is your cancellation policy?', answer: 'CANCEL', keywords: ['cancellation policy', 'refund'] },
      { question: 'Is there parking?', answer: 'PARK', keywords: ['parking', 'car park'] },
      { question: 'Can I bring my dog?', answer: 'PET', keywords: ['pets'] },
      { question: 'Do you sell gift vouchers?', answer: 'GIFT', keywords: ['gift voucher'] },
      { question: 'Do you check the boiler too?', answer: 'BOILER', keywords: ['check'] },
    ]),
    spanish: new FaqMatcher([
      { question: '¿Cómo se paga?', answer: 'PAGO', keywords: ['tarjeta', 'bizum', 'anticipo', 'fianza'] },
      { question: '¿Devolvéis la fianza si anulo?', answer: 'DEVOLUCIÓN', keywords: ['reembolso', 'fianza'] },
      { question: '¿Qué pasa si llego tarde?', answer: 'TARDE', keywords: ['llego tarde', 'retraso'] },
      { question: '¿Tenéis vestuarios?', answer: 'DUCHA', keywords: ['vestuario', 'ducha'] },
    ]),
  };

  it.each([
    ['english', 'se puede pagar en efectivo?', 'PAY'],
    ['english', 'hay que dejar adelanto para reservar?', 'DEPOSIT'],
    ['english', 'si anulo el mismo día me devolvéis el dinero?', 'CANCEL'],
    ['english', 'hay aparcamiento cerca?', 'PARK'],
    ['english', 'puedo ir con mi mascota?', 'PET'],
    ['english', 'vendéis tarjetas regalo?', 'GIFT'],
    ['spanish', 'can i pay by card', 'PAGO'],
    ['spanish', "what happens if i'm running late", 'TARDE'],
    ['spanish', 'is there a shower', 'DUCHA'],
  ] as const)('%s FAQ: "%s" is answered by the entry it asks about', (lang, text, answer) => {
    expect(faqs[lang].match(text)).toMatchObject({ strong: true, faq: { answer } });
    expect(faqs[lang].best(text)?.answer).toBe(answer);
  });

  it('counts keywords of one meaning once, and a generic word as no topic', () => {
    // "anticipo" and "fianza" both say "deposit": the payment entry does not outweigh the refund one, which also has the cancel.
    expect(faqs.spanish.match('if I cancel do I get my deposit back?')?.faq.answer).toBe('DEVOLUCIÓN');
    // "control" means "check" in a service's name ("Control de frenos"), not the boiler entry's keyword.
    expect(faqs.english.match('can you recommend a pest control company')).toBeUndefined();
  });
});

describe('a reply to "what name should I put the booking under?"', () => {
  it.each([
    ['connor', 'Connor'], ['its connor', 'Connor'], ["it's Tom Hughes", 'Tom Hughes'], ['Tom', 'Tom'], ["name's Ann", 'Ann'], ['para Lucía', 'Lucía'],
    ['a nombre de pepe', 'Pepe'], ['soy yo, Marta', 'Marta'], ["it's me, Dan", 'Dan'], ['me llamo Ana Gil', 'Ana Gil'], ['ok, its for Sam', 'Sam'], ['Thanks, Priya Shah', 'Priya Shah'],
    ['for my mum, Rita', 'Rita'], ['es para mi hijo Pablo', 'Pablo'], ['a nombre de mi madre, Carmen', 'Carmen'], ['Niall, thanks', 'Niall'], ['ponlo a nombre de Juan', 'Juan'],
    ['Anna Kowalski 07700 900123', 'Anna Kowalski'], ['Beth 😊', 'Beth'], ['just Tom x', 'Tom'], ['Laura Pérez 612345678', 'Laura Pérez'],
  ])('"%s" is %s', (text, name) => expect(extractName(text)).toBe(name));

  it.each(['yes', 'ok', 'no thanks', 'gracias', 'soy yo', 'its 5pm', 'aye go on', 'sisi', 'yes thank you so much', 'sí porfi', 'si perfecto muchas gracias'])('"%s" is no name', (text) => expect(extractName(text)).toBeUndefined());
});

describe('what a message rules out is not what it asks for', () => {
  it.each([
    ['not friday, saturday', ', saturday'], ['please cancel the haircut, not the colour', 'please cancel the haircut,'], ['no, el jueves no, el viernes', 'no, , el viernes'],
    ['anula el masaje, la fisio no', 'anula el masaje,'], ['at 5pm not 4pm', 'at 5pm'], ['mañana no, el sábado', ', el sábado'],
    ['cancel my massage on monday, keep the other', 'cancel my massage on monday,'],
  ])('"%s" → "%s"', (text, kept) => expect(withoutExclusions(text)).toBe(kept));

  it.each(['el miércoles no puedo', "I'm not sure", 'friday at 10'])('"%s" rules out nothing that it asks for', (text) => expect(withoutExclusions(text)).toBe(text));
});

it('"the last one", "la última" pick the end of the list; "same as last time" picks nothing', () => {
  expect(parseChoice('the last one', 3)).toBe(3);
  expect(parseChoice('la ultima', 2)).toBe(2);
  expect(parseChoice('same as last time', 3)).toBeUndefined();
});

describe('frustration is with us, not the customer\'s own trouble', () => {
  it.each(['this is ridiculous', 'your booking system is useless', 'worst service ever', 'estoy harta de esperar', 'es una vergüenza, pésimo servicio', 'my appointment was a terrible experience', 'you lot are awful'])('"%s" is frustration', (text) => {
    expect(isFrustrated(n(text))).toBe(true);
  });

  it.each(['my lower back has been awful this week', 'my hair looks absolutely terrible after the holiday', 'terrible headache since monday', 'estoy harta de este dolor de rodilla', 'tengo las uñas en un estado pésimo', 'awful pain in my knee', 'mi perro tiene el pelo fatal y estoy harta de los nudos'])('"%s" tells the customer\'s own trouble', (text) => {
    expect(isFrustrated(n(text))).toBe(false);
  });
});

describe('services that differ only in length (issue 13, class C)', () => {
  const profile = parseProfileYaml(
    [
      'name: Spa',
      'timezone: Europe/London',
      'services:',
      '  - {id: swedish-60, name: Swedish massage (60 min), aliases: [swedish massage, massage, masaje sueco], duration: 60}',
      '  - {id: swedish-90, name: Swedish massage (90 min), aliases: [], duration: 90}',
      '  - {id: facial, name: Facial, aliases: [limpieza facial], duration: 45}',
      '  - {id: sauna, name: Sauna, aliases: [], duration: 30}',
    ].join('\n'),
  );
  const matcher = new ServiceMatcher(profile.services);
  const first = (text: string) => matcher.find(text)[0]?.id;

  it.each([
    ['a 90 minute massage on friday', 'swedish-90'],
    ['massage for an hour and a half tomorrow at 3', 'swedish-90'],
    ['swedish massage, 1.5 hrs, saturday', 'swedish-90'],
    ['masaje sueco de hora y media el jueves', 'swedish-90'],
    ['massage 90 sat 1400', 'swedish-90'],
    ['a massage for an hour on friday', 'swedish-60'],
    ['masaje sueco de 60 minutos', 'swedish-60'],
    ['the longer massage on friday at 4', 'swedish-90'],
    ['el masaje más corto el sábado', 'swedish-60'],
    ['the 90 one', 'swedish-90'],
    ['la de 90 porfa', 'swedish-90'],
    ['a facial for an hour', 'facial'],
    ['can we push the massage back an hour', 'swedish-60'],
    ['a massage at 5:45 on friday', 'swedish-60'],
  ])('"%s" is %s', (text, id) => expect(first(text)).toBe(id));

  it.each(['a massage for 2 hours on friday', 'masaje sueco de tres horas'])('"%s" names a length no massage has: none, so the customer is asked', (text) => {
    expect(matcher.find(text)).toEqual([]);
  });

  it.each([
    ['45', ['facial']],
    ['the 30 one', ['sauna']],
    ['I will be 10 minutes late', []],
    ['12', []],
  ])('"%s" alone names the one service that lasts that long: %j', (text, ids) => expect(matcher.find(text).map((s) => s.id)).toEqual(ids));
});

it('"mejor media hora más tarde" moves the time; it names no half-hour service', () => {
  const profile = parseProfileYaml('name: Fisio\ntimezone: Europe/Madrid\nservices:\n  - {id: masaje, name: Masaje, aliases: [], duration: 60}\n  - {id: puncion, name: Punción seca, aliases: [], duration: 30}\n');
  const matcher = new ServiceMatcher(profile.services);
  expect(matcher.find('mejor media hora más tarde')).toEqual([]);
  expect(matcher.find('la de media hora').map((s) => s.id)).toEqual(['puncion']);
});

it('"ah vale" says no length: a bare "h" after a word is no hour', () => {
  expect(statedMinutes('ah vale pues el martes a la misma hora')).toBeUndefined();
  expect(statedMinutes('pista 1h el martes')).toBe(60);
  expect(statedMinutes('an hour on friday')).toBe(60);
  expect(statedMinutes('dos horas el sabado')).toBe(120);
});

describe('a long, warm yes (issue 13)', () => {
  it.each(['Si señora, asi esta perfecto, alla estaremos puntuales el viernes, muchas gracias y que Dios le pague', 'That would be absolutely wonderful, thank you so much, see you Friday!', 'genial guapa, ahí estaré sin falta, mil gracias', 'Perfect, can\'t wait, see you then!', 'genial, no hay problema, ahí estaré, ¡cómo no!'])(
    '"%s" is a warm yes',
    (text) => expect(isWarmYes(text)).toBe(true),
  );
  it.each(['perfect, but could we make it a bit later', 'great, thanks! do you take cards?', 'lovely, and also a trim for my son', 'vale perfecto, aunque igual lo cambio', 'wonderful, let me check with my wife and get back to you', 'gracias, lo pienso y te digo', 'thanks so much, see you friday', 'perfect, no problem if we can\'t make it though'])(
    '"%s" is no warm yes',
    (text) => expect(isWarmYes(text)).toBe(false),
  );
});
