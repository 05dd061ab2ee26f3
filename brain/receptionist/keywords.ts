import { normalize } from './text.js';
import type { TrainableIntent } from './utterances.js';

/**
 * Keyword evidence per intent, on normalised text (lower case, no accents), English and Spanish.
 * The statistical classifier generalises; these catch the plain cases it gets wrong on short,
 * everyday messages ("what are your hours"), and settle ties between the two.
 */
/** Words that ask what something costs ("how much", "what's the damage", "que me cobrais"); "vale" alone is "OK". */
export const PRICE = /\b(how much|price|prices|pricing|priced|cost|costs|charge|charges|the damage|pricey|pricy|expensive|cheap|rates?|cuanto(?! (me |te |le |se )?(dura|duran|tarda|tardan|tardais|tiempo|aguanta|aguantan|falta|queda))|precio|precios|cuesta|cuestan|(que|cuanto) (me )?(vale|valen|sale|saldria|cobrais|cobran|cobras|cobrariais)|cobrais|cobran|tarifas?)\b/;

/** Questions about what is on offer, not a request for it: "what size tables do you do reservations for". */
export const ABOUT_OFFER = /\b(what size|how big|biggest|largest|max(imum)? (group|party|number)|how many (people|guests|of us)|(para|hasta) cuantas personas|cuantas personas (caben|maximo|max)|que tipos? de|what (kinds?|types?|sorts?) of)\b/;

const KEYWORDS: [TrainableIntent, RegExp][] = [
  ['my_bookings', /\b((que|cual|cuales|cuantas) (citas?|reservas?|horas?|turnos?) (tengo|tenia|tenemos)|do i have (anything|something) (booked|on|coming up|scheduled)|have i (got )?(anything|something) (booked|on|coming up)|what have i (got )?(booked|on)|(tengo|tenemos) (algo|alguna cosa|alguna cita|cita) (reservad[oa]|agendad[oa]|apuntad[oa]|pedid[oa]|pendiente)|(estoy|sigo|estamos) (apuntad[oa]s?|reservad[oa]s?|agendad[oa]s?)|(what time|when|what day) (is|s|are|re) (my|our)|do (i|we) have (a|an|any|something|anything) (\w+ )?(booked|reserved|scheduled)|confirm (that )?(we|i) have (a|an) (reservation|booking|table|appointment)|what time did (we|i) book|(tengo|tenemos) (una )?(reservacion|reserva|mesa|hora|turno) (para|el|a nombre)|(quedo|queda|quedamos) (mi|la|nuestra) (hora|cita|reserva|reservacion|mesa)|(cuando|a que hora|para cuando|a nombre de quien) (quedo|queda|es|era) (mi|la)|(is|are) (my|our|the) (\w+ ){1,2}still (on|happening|booked|going ahead)|(que dia|a que hora|cuando|para cuando) (me|nos) toca(ba)?|(que dia|a que hora|cuando|para cuando) tengo (la |mi )?(cita|hora|turno|reserva)|what (day|time) (was|am|m) i (coming|booked|in)|when (am|was) i (coming|booked|due)|tengo (cita|hora)|(cuando|que dia|a que hora) (tengo|tenia)\b|(cuando|que dia|a que hora) (era|es) (la |mi )(cita|hora|reserva|sesion)|(remind|recuerdas?|recordar|recuerdame) (me )?(of |de )?(mi|my|when)|(?<!\b(to|for|at|before|after|during|bring to|wear to) )my (next )?(appointment|appt|booking|reservation)s?|(check|see|show|confirm) my|(comprobar|ver|revisar|consultar|confirmar) (mi|mis)|when is my|what time is my|(what time|when) (is|are) my|cuando me toca(ba)?|do i have (a|an|any) (appointment|booking|reservation)|have i got (a|an|any) (appointment|booking|reservation)|am i booked|mis (citas|reservas)|(cuando|a que hora) es mi|tengo (alguna |una )?(cita|reserva)|mi (cita|reserva) (esta|sigue)|(esta|sigue) (confirmad[oa]|en pie) (mi|la))\b/],
  // Only what cannot be anything else: "can't make it" and "no voy a poder ir" may also ask to move, so the flow confirms first.
  ['cancel', /\b(can t make it|cant make it|cannot make it|can t come|cant come|won t be able to (come|make it|attend)|wont be able to (come|make it|attend)|not (be )?able to (come|make it|attend)|no (voy a |vamos a )?(poder|podre|puedo|podemos|podremos) (ir|asistir|acudir|venir)|no podre (ir|asistir|acudir))\b/],
  ['book', /\b(book|booking|appointment|appt|reserve|reservation|schedule|availability|available|slots?|anything free|free on|fit me in|fit (my|the|our) \w+ in|(can|could) (i|we) get in|when can (i|we) (come|get|pop|drop|bring)|earliest|soonest|next available|first available|(proxima|primera) hora (libre|disponible)|hora disponible|lo antes posible|cuanto antes|asap|(hay|tienen|tienes|tenes|teneis) lugar|lugar para|mesa para|table for|party of|seriamos|apart(ar|ame|en|as|a|ais) (una )?mesa|dar(me)? (una )?hora|me (das|dais|puedes dar|podes dar|puede dar|pueden dar) (una )?hora|openings|an opening|any opening|spaces?( left| for| on| this| free)|any (spots?|spaces?|room|gaps?)|apunt(a|as|ais|ame|adme|arme|eis|en)|me (reservas|reservais|guardas|guardais)|(quiero|quisiera|queria|necesito|necesitaria|me gustaria) (pedir|reservar|agendar|sacar)|pedir (un|una) |squeeze (me |us |him |her )?in|(any|some|got|have you got|have you) (room|space)|come in|come by|pop in|drop (it|him|her|them|the \w+|my \w+) (off|in|round)|bring (the|my|our|his|her) \w+ (in|round|over)|(have|take) a look at|(sitio|hueco|plaza) para|turnos?|sacar (un )?turno|dar(me)? (un )?turno|get seen|puedo ir|pasarme|me da tiempo|apuntarme|que me (veais|vierais|atendais|mireis)|(id|i d|i would|i wanna|wanna|want to|i want to) (like to |love to )?(get|have|book|come)|get my \w+ (pierced|done|cut|fixed|seen)|quiero hacerme|me gustaria hacerme|(llevar|traer)(lo|la|le)|bring (him|her|it|them|my \w+) in|me (podeis|puedes|podrias) hacer|can you do (my|me)|cita|citas|reserv\w*|huecos?|disponibilidad|agendar|pedir hora|hay hora|me das hora)\b/],
  ['hours', /\b(hasta que hora|hours?|open|opening|opens|close|closing|closes|closed|shut|horario|horarios|abr(en|is|ir|e|ian)|abiert[oa]s?|cerr(ais|an|ar|ado|ados)|cierran|cierra)\b/],
  ['location', /\b(where|whereabouts|drop (me )?a pin|send (me )?(a |the )?pin|how far|que tan lejos|a cuanto (esta|estan|queda|quedan)|(en )?(que|which) (zona|barrio|area|part of)|address|located|location|directions|map|get there|find you|street|road|postcode|near you|nearest|tube|station|estacion|metro|cerca de|donde|direccion|ubicacion|ubicad[oa]s?|como llego|mapa|calle|se llega)\b/],
  ['services', new RegExp(`${PRICE.source}|${ABOUT_OFFER.source}|\\b(services?|treatments?|offer|menu|servicios?|tratamientos?|ofrec(en|eis)|how long)\\b`)],
  ['thanks', /^((ok|okay|vale|great|perfect|perfecto|genial|lovely|brilliant|brill|cool|nice|ace|lush|sound|grand|super|awesome|fab|fantastic|amazing|guay|estupendo|buenisimo) )?(thanks?|thank you|thank u|ty|ta|thx|thnx|cheers|much appreciated|gracias|muchas gracias|muchisimas gracias|mil gracias|te lo agradezco)\b/],
  ['smalltalk', /^((ja)+j?|(ha)+h?|(je)+|(ji)+|(jo)+j?|jsjs\w*|lol|lmao|xd+|ya$|how are you|que tal( estas)?|como estas|are you (a |an )?(bot|robot|human|real|machine|ai)|eres (un |una )?(bot|robot|real|humano|persona|maquina)|who am i (talking|speaking|chatting) (to|with)|(is this|are you|es esto|eres) (an? |un |una )?(automated|automatic|auto reply|bot|robot|contestador|maquina|ia|ai)\b|con quien (hablo|estoy hablando)|who are you|quien eres)\b/],
  ['greeting', /^(hi+|hello+|helo|hey+|heya|hiya|howdy|yo|ola|holi|wenas|que onda|quiubo|que hubo|buen dia|good (morning|afternoon|evening)|hola+|buenas|buenos dias|buenas (tardes|noches))\b/],
];

/** Intents with keyword evidence in the text, most specific first; greetings and thanks last. */
export function keywordIntents(normalized: string): TrainableIntent[] {
  // "can't" and "can t" are one word to the patterns.
  const text = normalized.replace(/['’]/g, ' ');
  let hits = KEYWORDS.filter(([, re]) => re.test(text)).map(([intent]) => intent);
  // "graciaaas", "holaaa": letters stretched for warmth, read once none of the words as written is known.
  if (hits.length === 0) {
    const unstretched = text.replace(/(\p{L})\1{2,}/gu, '$1');
    hits = KEYWORDS.filter(([, re]) => re.test(unstretched)).map(([intent]) => intent);
  }
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
