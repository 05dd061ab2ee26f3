import { describe, expect, it } from 'vitest';
import { nameInMessage, signedInLowerCase } from '../../brain/receptionist/names.js';
import { extractName } from '../../brain/receptionist/text.js';

/** The services of an imagined music school: their names are never a customer's. */
const namesService = (words: string) => /^(piano|guitar|guitarra|singing|canto|drums|bateria)$/i.test(words.trim());

describe('a name given along the way in a request (issue 13, class A)', () => {
  it.each([
    ['piano lesson on friday at 5 for Noah Fischer', 'Noah Fischer'],
    ['guitar tmrw 1600 for Zara Ahmed pls', 'Zara Ahmed'],
    ['could we book drums saturday 10am, name is sam o\'neill', "Sam O'neill"],
    ['singing lesson thurs 6pm. Name: Grace Okafor', 'Grace Okafor'],
    ['drums sat 1100, name Leo Brandt', 'Leo Brandt'],
    ['is there piano on monday for my daughter Freya Olsen?', 'Freya Olsen'],
    ['for my lad Kai Turner, guitar lesson wednesday at 5', 'Kai Turner'],
    ['Can Oscar Lindqvist do piano on tuesday at 4?', 'Oscar Lindqvist'],
    ["singing for my son on friday at 5, he's Rory Walsh", 'Rory Walsh'],
    ['names are Mia & Jacob Stone, piano duet on saturday at 11', 'Mia & Jacob Stone'],
    ['clase de guitarra el jueves a las 6 para Irene Castro', 'Irene Castro'],
    ['El es Hernán Arango y yo Beatriz Arango', 'Hernán Arango'],
    ['guitarra para los dos el lunes, él es Pablo Soto', 'Pablo Soto'],
    ['quiero apuntar a mi hijo Marcos Ibáñez a batería el sábado a las 10', 'Marcos Ibáñez'],
    ['canto el martes a las 7, es para mi hija Alba', 'Alba'],
    ['piano mañana a las 5, se llama Elena de la Fuente', 'Elena de la Fuente'],
    ['hola, me llamo Tomás Ruiz y quiero guitarra el viernes', 'Tomás Ruiz'],
    ['batería el lunes 1730, a nombre de Noelia Pardo', 'Noelia Pardo'],
    ['Hi, it\'s Stuart Reid here, piano on friday?', 'Stuart Reid'],
    ['Hi, Sarah here, could I get piano on thursday at 4?', 'Sarah'],
    ['Tom Reid here - guitar tomorrow at 6?', 'Tom Reid'],
    ['piano sat 10am, name Jo Park', 'Jo Park'],
    ["drums on friday, name's Amy Hill", 'Amy Hill'],
    ['hola, Marta aquí, ¿tenéis canto el lunes?', 'Marta'],
    // A lower-case name after a greeting, a kiss after it, one word signed off, a title, "el nombre es".
    ['hi its sophie, can i book piano for quarter past 4', 'Sophie'],
    ['hola soy maria, queria canto el jueves', 'Maria'],
    ['hey it\'s tom x', 'Tom'],
    ['could I get guitar on the 3rd, 11am? I\'m Niamh x', 'Niamh'],
    ['can i get drums tomorrow at 5:45pm. Ruth', 'Ruth'],
    ['piano for friday at 11.30, Grace', 'Grace'],
    ['booking on behalf of my manager, Mr Pieter van der Merwe. Piano on wednesday from 2 to 4', 'Pieter van der Merwe'],
    ['mi hijo tiene 10 años, es su primera clase. el nombre es Santiago López Ruiz', 'Santiago López Ruiz'],
  ])('"%s" gives %s', (text, name) => expect(nameInMessage(text, namesService)).toBe(name));

  it.each([
    'piano for Friday at 5 please',
    'can I book for Mother\'s Day',
    'is there anything for Saturday Morning',
    'a lesson for 2 people on Monday',
    'guitar lessons for Beginners on Tuesday',
    'Could I book Piano on Friday?',
    'clase para Navidad',
    'batería para el Sábado',
    'my name is and I want piano',
    'directions for Gloucester Road please',
    'is there parking for Temple Meads Station',
    'cómo llego para Plaza Mayor',
    'Parking here?',
    'Hi, Monday here is fine',
    // What people say they are after a greeting, and closing words, are no names.
    'hi im new, can I book piano',
    'hi im wondering, do you do drums',
    'hey its me, can I move my lesson',
    'hola soy argentina, queria canto',
    'can I come at 5. Possible?',
    'see you at 5. Thanks',
    'fine. Whatever',
  ])('"%s" gives no name', (text) => expect(nameInMessage(text, (w) => namesService(w) || /^beginners$/i.test(w))).toBeUndefined());
});

describe('a reply to "what name?" (issue 13, class A)', () => {
  it.each([
    ["it's for Isabella, surname Kowalski", 'Isabella Kowalski'],
    ['Lucía, apellido Gómez', 'Lucía Gómez'],
    ['se llama Rosa María Gutiérrez', 'Rosa María Gutiérrez'],
    ['her name is Amelia', 'Amelia'],
    ['Name: Ana Ruiz', 'Ana Ruiz'],
    ['maría de la cruz', 'María de la Cruz'],
    // A particle ends no name; the company booked for is no part of it.
    ['Kevin Le', 'Kevin Le'],
    ['Sipho Dlamini on behalf of Dlamini Attorneys', 'Sipho Dlamini'],
    ['Iker Sanz de parte de la banda Los Grillos', 'Iker Sanz'],
  ])('"%s" is %s', (text, name) => expect(extractName(text)).toBe(name));

  it.each(["ok let's do it", "let's go", 'lets do it then', 'can we do 5', 'vamos allá', 'is it ok'])('"%s" is no name', (text) => expect(extractName(text)).toBeUndefined());
});

describe('a request signed in lower case (round 9)', () => {
  // What the engine knows besides names: days, yes words, services, everyday talk (here a few of each).
  const known = (w: string) => ['friday', 'tomorrow', 'yes', 'piano', 'please', 'morning', 'thanks', 'asap'].includes(w);
  it.each([
    ['piano friday at 5 pls, jade', 'Jade'],
    ['guitar tomorrow 6.30am - tom x', 'Tom'],
    ['canto el viernes a las 5, lucia perez', 'Lucia Perez'],
  ])('"%s" is signed by %s', (text, name) => {
    expect(signedInLowerCase(text, known)).toBe(name);
  });
  it.each(['piano friday at 5, mate', 'piano at 5, tomorrow', 'guitar at 5, please', 'canto a las 5, guapa', 'piano at 5, thanks', 'piano at 5, xx', 'piano at 5, if possible thanks', 'piano at 5 jade'])('"%s" is signed by no one', (text) => {
    expect(signedInLowerCase(text, known)).toBeUndefined();
  });
});
