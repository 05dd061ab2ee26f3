import { GREETING, MY_BOOKINGS, SMALLTALK_WORDS, THANKS } from './conversation.js';
import { normalize } from './text.js';
import type { TrainableIntent } from './utterances.js';

/**
 * Keyword evidence per intent, on normalised text (lower case, no accents), English and Spanish.
 * The statistical classifier generalises; these catch the plain cases it gets wrong on short,
 * everyday messages ("what are your hours"), and settle ties between the two.
 */
/** Words that ask what something costs ("how much", "what's the damage", "que me cobrais"); "vale" alone is "OK"; not what the price includes. */
const MONEY = /\b(how much|(?<!\b(included|include|includes|incluid[oa]s?|incluye|incluyen) (in |en )?(the |el |la |your |vuestro |su )?(\w+ )?)(price|precio)|prices|pricing|priced|cost|costs|charge|charges|the damage|pricey|pricy|expensive|cheap|rates?|cuanto(?! (me |te |le |se )?(dura|duran|tarda|tardan|tardais|tiempo|aguanta|aguantan|falta|queda|es|son)\b)|precios|cuesta|cuestan|(que|cuanto) (me )?(vale|valen|sale|saldria|cobrais|cobran|cobras|cobrariais)|cobrais|cobran|tarifas?)\b/;
/** Words that ask how long something takes: "how long is the long float", "cuánto dura la limpieza"; not how long the customer waits or travels. */
const LENGTH = /\b(how long (is|are|does|do|will|would|s) (?!(i|we|you|u|it take to (get|arrive|drive|walk))\b)|cuanto (tiempo )?(dura|duran|tarda|tardan|tardais|tardas|lleva|llevan|es|son)\b)/;
/**
 * What something costs, in money or in time: asked of one of the business's services, a question about it (issue 13's
 * "services"), unless the business's FAQ says how long its result lasts (rule-engine.ts LASTS).
 */
export const PRICE = new RegExp(`${MONEY.source}|${LENGTH.source}`);

/**
 * Comparing what is on offer, or asking what there is: "which room is the hardest", "what's the difference",
 * "what courts have you got", "¿cuál es la más suave?", "q salas tenéis". Not the nearest station or a time.
 */
const COMPARED = /\b((which|what)( \w+)?( one)? (is|s|are|re) (the )?(most \w+|least \w+|(?!(nearest|closest|soonest|earliest)\b)\w{2,}est)\b(?! (way|time|day|days|bus|train|station|parking|route|stop)\b)|what[' ]?s the difference|what is the difference|difference between|(cual|cuales) (es|son) (la|el|las|los) (mas|menos) (?!(cercan[oa]s?|pronto|temprano)\b)\w+|(que|q) diferencia|^(what|which) (?!(times?|slots?|days?|dates?|hours?)\b)\w+ (have you got|do you have|do u have|have u got|you got)$|^(que|q|cuales) (?!(horas?|dias?|huecos?|horarios?|fechas?|turnos?|citas?)\b)\w+ (teneis|tienen|tienes|ofreceis|ofrecen)$)/;

/** Questions about what is on offer, not a request for it: "what size tables do you do reservations for". */
export const ABOUT_OFFER = new RegExp(`\\b(what size|how big|biggest|largest|max(imum)? (group|party|number)|how many (people|guests|of us)|(para|hasta) cuantas personas|cuantas personas (caben|maximo|max)|que tipos? de|what (kinds?|types?|sorts?) of)\\b|${COMPARED.source}`);

/** "what subjects do you cover", "qué idiomas enseñáis": a question about what the business does. */
const WHAT_YOU_DO = /\b(what|which) (\w+ ){1,3}do (you|u|ya) (cover|teach|do|offer|fix|repair|treat|work on|service)\b|\b(que|cuales|cuantas) (\w+ ){1,3}(ensenan|ensenais|ensenas|dan|dais|cubren|cubris|tocan|tocais|arreglan|arreglais|reparan|reparais|tratan|tratais)\b/;

/** "could he be seen next week", "could we get one friday", "¿cuándo me pueden atender?": asking to be taken in. */
const BE_SEEN = /\b((i|we|he|she|they|it|you|u) (be|get) seen|be seen (by|on|this|next|today|tomorrow|some ?time|soon|before|after)|(could|can) (we|i) get one (on |this |next |for )?((mon|tue|wed|thu|fri|sat|sun)\w*|tomorrow|today|this|next|tonight)|(me|nos|le|la|lo) (pueden|podeis|podriais|podrian|puede|podria|podrias|puedes) (recibir|atender|ver)|(me|nos|le|la|lo) (puede|podria|pueden) (recibir|atender|ver) alguien)\b/;

/**
 * "when could I come in?", "how soon can you get someone out", "¿cuándo me puedo pasar?", "podríamos ir la semana que viene":
 * asking when to come is asking for a time, whatever policy shares a word with the message.
 */
export const WHEN_TO_COME =
  /\b((when|what day|what time|how soon) (can|could|would|should|do) (i|we|you|u|he|she|they) (come|get|pop|drop|bring|book|fit|see|squeeze|have|send)|(cuando|que dia|para cuando) ([a-z]+ ){0,2}(puedo|podria|podemos|podriamos|puede|podra|pueden|podeis|podrias|puedes|podes) (ir|venir|pasar|pasarme|pasarnos|llevar\w*|traer\w*|atender\w*|ver\w*|dar\w*)|podri(a|amos) (ir|venir|pasar(me|nos)?)|(me|nos) (puedo|podemos|podria|podriamos) pasar)\b/;

/**
 * Whether one needs to book at all: "can I just walk in or do I need to book", "¿atienden sin cita?", "¿hace falta pedir
 * hora?". A policy question (FAQ), whatever booking words it has.
 */
export const WALK_IN =
  /\b(walk ?ins?|just (turn|show|rock|pop|drop) (up|in|by)|without (an |a )?(appointment|booking|reservation)|(do|does|would|will) (i|we|you|one|he|she) (need|have) to (book|make an appointment|reserve)|(is|are) (a |an )?(booking|appointment|reservation)s? (needed|required|necessary|essential)|sin (cita|reserva|reservar|turno|hora)( previ[ao])?|hace falta (cita|reserva|reservar|turno|pedir (cita|hora|turno))|(hay que|tengo que|tenemos que|es necesario|se necesita) (pedir (cita|hora|turno)|reservar|cita|reserva)|(puedo|podemos) (ir|pasar|venir|presentarme) directamente)\b/;

/**
 * A policy question: preparation ("do I need to bring a towel", "tengo que ir en ayunas?", "¿vengo sin crema?"), what is included
 * ("is the shower included", "¿la sala incluye batería?"), how to pay ("can I pay in instalments", "¿se puede pagar con
 * tarjeta?", "lo cubre el seguro?") and what happens if ("what if I'm late", "¿y si llego tarde?").
 */
const FAQ_WORDS =
  /^(what if|what happens if|y si|que pasa si)\b|\b((do|should|must|can|will) (i|we) (need to |have to )?(bring|wear|fast|eat|shave|wash|prepare|avoid)|what (should|do) (i|we) (bring|wear)|(tengo|tenemos|hay) que (traer|llevar|ir|venir|estar|vestir)\b.*\b(ayunas|sin|con)|en ayunas|(vengo|voy|ir|venir|vamos) (sin|con) (crema|maquillaje|comer|desayunar|el pelo)|que (tengo|hay|tenemos) que (traer|llevar)|included|include|includes|incluye|incluyen|incluido|incluida|(pay|paying|pagar|pago) (by|with|in|con|en|a|por) (card|cash|instalments|installments|tarjeta|efectivo|plazos|bizum)|instalments|installments|a plazos|(lo|la|los|las) cubre el seguro|payment plans?|how (do|can|should|would) (i|we) pay\b|(como|cómo) (se )?(paga|pago|pagamos|puedo pagar|podemos pagar)\b|(formas?|metodos?|medios?) de pago|payment (methods?|options))\b/;

/**
 * Not a day, a time of day, a medium or a language: "are you on X or Y" asks a street; "are you in on saturday or sunday" asks the
 * hours, "is the class on zoom or in person" the offer.
 */
const NOT_A_PLACE = '(?!((on|in|at|by|the|a|an)\\b|(person|online|zoom|whatsapp|instagram|facebook|phone|video|english|spanish|ingles|espanol|castellano|persona|linea|today|tomorrow|tonight|the weekend|weekends?|this|next|mon|tue|wed|thu|fri|sat|sun|holiday|morning|afternoon|evening|manana|tarde|noche|mediodia|semana|lunes|martes|miercoles|jueves|viernes|sabado|domingo|finde|fin de|feriado|festivo|hoy|verano|invierno|agosto|navidad)[a-z]*\\b))';

/**
 * Where the business is in other words than "where": the closest stop or station, which of two streets or areas it is on or
 * near ("are you on X or Y", "¿quedan por la 10 o por la avenida?", "¿estáis cerca del Corte Inglés?"), how to get to it or to
 * its own place from somewhere ("how do i get to you from the station", "how do we get to the range from the airport").
 */
const WHICH_WAY = new RegExp(
  '\\b(closest (\\w+ )?(stop|station|tube|metro|subway|train|bus|parking|car park|carpark|landmark|entrance|branch)|closest to (you|your)|subway|underground|(bus|tram|train|metro|subway) stop|parada (de|del)' +
    '|(are|r) (you|u|ya)( guys| all)? (near|close to|far from|nearby)\\b|(estan|estais|esta|quedan|queda) (cerca|lejos) (de|del)\\b' +
    `|(are|r) (you|u|ya)( guys| all)? (on|in|at|by) (the )?${NOT_A_PLACE}[a-z0-9]+( [a-z0-9]+)? or( (on|in|at|by))? |(is|s) (the|your) (studio|shop|office|clinic|salon|place|club|school|workshop|garage|centre|center|gym|store|branch|practice|surgery|building|court|courts|range|field|pool) (on|in|at|near|by) ${NOT_A_PLACE}[a-z0-9]+( [a-z0-9]+)? or( (on|in|at|near|by))? ` +
    `|(estan|estais|esta|quedan|queda|se encuentran) (en|por|sobre) (la |el |los |las )?${NOT_A_PLACE}[a-z0-9]+( [a-z0-9]+)? o (en |por |sobre )?|(quedan|queda|estan|estais) (sobre|por) (la|el) ${NOT_A_PLACE}[a-z0-9]+` +
    '|(get|getting|go|drive|walk) (to|over to) (you|u|ya|your (place|studio|shop|office|clinic|club|salon|school|workshop|garage|centre|center|premises))\\b' +
    '|how (do|can|would|should) (i|we) get to (the|your) [a-z]+( [a-z]+)? from)\\b',
);

/**
 * "you guys work memorial day?", "are you working on bank holidays", "¿trabajáis los festivos?", "atienden el domingo?": whether
 * the business works on a day is its hours.
 */
const WORKS_ON = new RegExp(
  '\\b(you|u|ya)( guys| all| folks| lot)? (work|working|open)( on| over)? (today|tomorrow|tonight|(this|next) (week|weekend|[a-z]+day)|weekends?|holidays?|the holidays|bank holidays?|public holidays?|(mon|tues|wednes|thurs|fri|satur|sun)days?|[a-z]+ day|christmas|xmas|easter|new years?( eve| day)?|boxing day|thanksgiving)\\b' +
    '|\\b(trabajan|trabajais|trabajas|atienden|atendeis|atendes|atiendes) (hoy|manana|durante|festivos?|feriados?|(el|los|este|esta) (lunes|martes|miercoles|jueves|viernes|sabados?|domingos?|fin|finde|festivos?|feriados?|dia|\\d))\\b',
);

const OWN_BOOKING_STANDS =
  /\b((did|has|have) (my|our) (\w+ ){1,6}(go|gone|get|got|been) (through|confirmed|accepted)|(is|are) (my|our) (\w+ ){1,5}still (on|happening|booked|going ahead|confirmed)|(sigue|siguen) (en pie|vigentes?|confirmad[oa]s?)\b.{0,40}\b(mi|mis|nuestr[oa]s?)|\b(mi|mis|nuestr[oa]s?)\b.{0,40}\b(sigue|siguen) (en pie|vigentes?|confirmad[oa]s?)|(me|nos) (confirmais|confirman|confirmas|confirma|confirmeis|confirmen|confirmes) si (tengo|tenemos|tiene)|(check|see|look) if (there is|theres|there s|i have|i ve got|we have) .{0,30}under (my|our) name|(what s|whats|what is|tell me|remind me of) the (time|day|date) (of|for) (my|our)\b)/;

const KEYWORDS: [TrainableIntent, RegExp][] = [
  ['my_bookings', MY_BOOKINGS],
  // Whether one's own booking stands, with the booking named in more words than MY_BOOKINGS reads: "did my court booking for
  // saturday go through", "is my kids clinic spot on tuesday still on", "¿sigue en pie el lugar de mi hijo?", "¿me confirmáis
  // si tengo consulta?", "can you check if there's a court under my name", "what's the time of my video call".
  ['my_bookings', OWN_BOOKING_STANDS],
  // Only what cannot be anything else: "can't make it" and "no voy a poder ir" may also ask to move, so the flow confirms first.
  // "what if I can't make it?", "si no podemos ir, se cobra?": a cancellation only imagined asks the policy.
  ['cancel', /(?<!\b(if|what if|in case|si|y si|en caso de que) (i|we|yo|nosotros)? ?)\b((won t|wont|not|can t|cant|cannot|will not) (be able to )?(make|attend|come to|get to) (my|the|our|tomorrow s|\w+ s) (appointment|appt|booking|session|class|reservation|slot)|can t make it|cant make it|cannot make it|can t come|cant come|won t be able to (come|make it|attend)|wont be able to (come|make it|attend)|not (be )?able to (come|make it|attend)|no (voy a |vamos a )?(poder|podre|puedo|podemos|podremos) (ir|asistir|acudir|venir)|no podre (ir|asistir|acudir))\b/],
  // Letting a booking go in other words: "we won't make it saturday, pls drop the court", "I won't need the thursday slot
  // anymore", "ya no necesito la cita", "el hueco del jueves podéis dárselo a otro".
  ['cancel', /(?<!\b(if|what if|in case|si|y si|en caso de que) (i|we|yo|nosotros)? ?)\b((won t|wont|will not) make it\b(?! (in )?time)|(drop|scratch|release|free up|give away) (the|my|our|his|her|that|this) (\w+ ){0,2}(court|booking|appointment|appt|slot|lesson|session|class|reservation|spot|place)s?|(won t|wont|will not|don t|dont|do not) need (the|my|our|that|this) (\w+ ){0,2}(court|booking|appointment|appt|slot|lesson|session|class|reservation|spot|place|consultation)s? (any ?more|after all)|ya no (necesito|necesitamos|voy a necesitar|vamos a necesitar|hace falta) (la|el|mi|nuestra|nuestro) (\w+ ){0,2}(cita|consulta|hueco|reserva|turno|clase|sesion|hora)|(podeis|pueden|puedes|podes) (darselo|darsela|darle|dar) (el hueco |la hora |la cita |el turno )?a otr[oa])\b/],
  ['book', /\b(book|booking|appointment|appt|reserve|reservation|schedule|availability|available|slots?|anything free|free on|fit me in|fit (my|the|our) \w+ in|(can|could) (i|we) get in|earliest|soonest|next available|first available|(proxima|primera) hora (libre|disponible)|hora disponible|lo antes posible|cuanto antes|asap|(hay|tienen|tienes|tenes|teneis) lugar|lugar para|mesa para|table for|party of|seriamos|apart(ar|ame|en|as|a|ais) (una )?mesa|dar(me)? (una )?hora|me (das|dais|puedes dar|podes dar|puede dar|pueden dar) (una )?hora|openings|an opening|any opening|spaces?( left| for| on| this| free)|any (spots?|spaces?|room|gaps?)|apunt(a|as|ais|ame|adme|arme|eis|en)|me (reservas|reservais|guardas|guardais)|(quiero|quisiera|queria|necesito|necesitaria|me gustaria) (pedir|reservar|agendar|sacar)(le|les|me|nos)?|que (lo|la|le|me|nos) (valoren|valoreis|valore|vean|revisen|reviseis)|pedir (un|una) |squeeze (me |us |him |her )?in|(any|some|got|have you got|have you) (room|space)|come in|come by|pop in|drop (it|him|her|them|the \w+|my \w+) (off|in|round)|bring (the|my|our|his|her) \w+ (in|round|over)|(have|take) a look at|(sitio|hueco|plaza) para|turnos?|sacar (un )?turno|dar(me)? (un )?turno|get seen|puedo ir|pasarme|me da tiempo|apuntarme|que me (veais|vierais|atendais|mireis)|(id|i d|i would|i wanna|wanna|want to|i want to) (like to |love to )?(get|have|book|come)|get my \w+ (pierced|done|cut|fixed|seen)|quiero hacerme|me gustaria hacerme|(llevar|traer)(lo|la|le)|bring (him|her|it|them|my \w+) in|me (podeis|puedes|podrias) hacer|can you do (my|me)|cita|citas|reserv\w*|huecos?|disponibilidad|agendar|pedir hora|hay hora|me das hora|is there (any )?(room|space|availability)|(could|can|may) (i|we) (get|be) booked|(what|which) (times|slots|days|dates) (have you got|do you have|are (free|available|left|open)|you got)|puedo (llevar|traer|acercar) |anything (on|free|available|this|next|tomorrow|today|for (mon|tue|wed|thu|fri|sat|sun|tomorrow|today|this|next))|(algo|sitio) (libre|disponible|para (el |mañana|manana|hoy|esta|este|la semana|(el )?(lunes|martes|miercoles|jueves|viernes|sabado|domingo))))\b/],
  ['hours', WORKS_ON],
  ['hours', /\b(hasta que hora|hasta cuando (estais|estan|abris|abren|esta abierto)|hours?|open|opening|opens|close|closing|closes|closed|shut|horario|horarios|abr(en|is|ir|e|ian)|abiert[oa]s?|cerr(ais|an|ar|ado|ados)|cierran|cierra)\b/],
  // "closest subway stop?", "is the studio on bathurst or bloor", "¿estáis en la zona hotelera o en el centro?", "how do i get to you
  // from temple meads": which street, area or stop, and the way to the business from somewhere.
  ['location', WHICH_WAY],
  ['location', /\b(where|whereabouts|drop (me )?a pin|send (me )?(a |the )?pin|how far|que tan lejos|a cuanto (esta|estan|queda|quedan)|(en )?(que|which) (zona|barrio|area|part of)|address|located|location|directions|map|get there|find you|street|road|postcode|near you|nearest|tube|station|estacion|metro|cerca de|donde|direccion|ubicacion|ubicad[oa]s?|como llego|mapa|calle|se llega)\b/],
  // What to bring, wear or do before, what is included, how to pay, what happens if: the business's policies, whatever
  // service or price they name ("what if I can't make it on the day, do you still charge?").
  ['faq', FAQ_WORDS],
  ['services', new RegExp(`${PRICE.source}|${ABOUT_OFFER.source}|${WHAT_YOU_DO.source}|\\b(services?|treatments?|offer|menu|servicios?|tratamientos?|ofrec(en|eis)|how long)\\b`)],
  ['thanks', THANKS],
  ['greeting', GREETING],
  ['smalltalk', SMALLTALK_WORDS],
  ['book', BE_SEEN],
  // "could i see someone on thursday", "can somebody see him this week", "¿podemos ir el jueves a las 5?": to be seen, or to go, on a day.
  ['book', /\b((could|can|may) (i|we) see (someone|somebody|one of (you|your \w+))|(can|could) (someone|somebody|anyone) see (me|us|him|her|them|my \w+)|(puedo|podemos|podria|podriamos|podre|podremos) (ir|pasar|venir|pasarme|pasarnos) (el |este |esta |la |hoy|manana|pasado|(a )?las? \d)|(pueden|podeis|podes|podrian|podriais|puede) (recibirnos|recibirme|atendernos|atenderme|vernos|verme))\b/],
  ['book', WHEN_TO_COME],
  // "need tyres done", "want my brakes looked at": work wanted on something is a visit.
  ['book', /\b(need|needs|want|wanna|like) (my |the |a |an |some |our |his |her )?([a-z]+ ){0,2}(done|sorted|fixed|seen to|looked at|checked)\b/],
  // "¿tienen hora esta semana?", "¿hay cupo el jueves?": a free time asked for in the Americas' words too ("turno" the first book pattern has).
  ['book', /\b((tienen|teneis|tienes|tenes|tendran|tendrias|tendrian|tendreis) (hora|horas|cupo|cupos)|hay (cupo|cupos))\b/],
  // "got any floats left", "is there a court going tomorrow": what is left to take.
  ['book', /\b(is there|are there|any|got any|have you got any|have you any) (a |an |any )?([a-z]+ ){0,2}(left|going)\b(?! on\b)/],
];

/** "can't" and "can t" are one word to the patterns; "q dia tengo turno": the abbreviation read as the word. */
export const asWritten = (normalized: string) => normalized.replace(/['’]/g, ' ').replace(/\bq\b/g, 'que');

/** The text with every keyword's words blanked out: what is left names what the message is about. */
export function withoutKeywords(normalized: string): string {
  return KEYWORDS.reduce((text, [, re]) => text.replace(new RegExp(re.source, 'g'), ' '), asWritten(normalized)).replace(/ +/g, ' ').trim();
}

/** Thanks for something done. */
const THANKS_FOR = /\b(thanks|thank you|thank u|cheers|gracias)( so much| a lot| again| mil| de nuevo)? (for|por)\b/;

/** Beyond this many words a message is more than a hello. */
const LONG_MESSAGE_WORDS = 8;

/** Intents with keyword evidence in the text, most specific first; greetings and thanks last. */
export function keywordIntents(normalized: string): TrainableIntent[] {
  // "can't" and "can t" are one word to the patterns.
  // "q dia tengo turno": the abbreviation read as the word.
  const text = asWritten(normalized);
  let hits = [...new Set(KEYWORDS.filter(([, re]) => re.test(text)).map(([intent]) => intent))];
  // "graciaaas", "holaaa": letters stretched for warmth, read once none of the words as written is known.
  if (hits.length === 0) {
    const unstretched = text.replace(/(\p{L})\1{2,}/gu, '$1');
    hits = KEYWORDS.filter(([, re]) => re.test(unstretched)).map(([intent]) => intent);
  }
  // "thanks for fitting me in", "gracias por hacerme el hueco": thanking for a booking made is no request for one.
  if (THANKS_FOR.test(text)) hits = hits.filter((i) => i !== 'book');
  // "Hola buenas, mira te escribo porque llevo semanas con el hombro… ¿tenéis algo el jueves?": past a few words a
  // greeting is politeness, and the request decides (its own keywords, or the model). A remark ("madre mía con esta
  // lluvia, espero que estéis bien") stays: when nothing else is asked, it is what the message is.
  if (text.split(' ').length > LONG_MESSAGE_WORDS) hits = hits.filter((i) => i !== 'greeting');
  const substantive = hits.filter((i) => i !== 'greeting' && i !== 'thanks' && i !== 'smalltalk');
  return substantive.length > 0 ? substantive : hits;
}

const QUESTION_START = /^(where|what|when|how|which|is|are|do|does|can|could|donde|que|cual|cuando|a que|hasta|como|hay|teneis|tienen|estais|estan)\b/;

/**
 * In "I've got the MOT booked Monday but I've never been, where exactly are you?" the story names
 * a service and a day; the question at the end is the request. The keyword intents of the last
 * sentence or clause that has any, when the message has more than one; undefined otherwise.
 */
export function finalRequest(text: string): TrainableIntent[] | undefined {
  // Each clause keeps whether a question mark ended it.
  const clauses = [...text.matchAll(/([^.!?¿¡\n,]+?)(?:\b(?:but|pero|so|asi que|anyway|by the way|btw)\b|([.!?¡\n,]+)|$)/gi)]
    .map((m) => ({ words: normalize(m[1]!), asks: (m[2] ?? '').includes('?') }))
    .filter((c) => c.words);
  if (clauses.length < 2) return undefined;
  for (let i = clauses.length - 1; i >= 0; i--) {
    const hits = keywordIntents(clauses[i]!.words);
    if (hits.length) return clauses[i]!.asks || QUESTION_START.test(clauses[i]!.words) ? hits : undefined;
  }
  return undefined;
}
