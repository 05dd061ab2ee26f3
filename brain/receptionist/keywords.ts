import type { TrainableIntent } from './utterances.js';

/**
 * Keyword evidence per intent, on normalised text (lower case, no accents), English and Spanish.
 * The statistical classifier generalises; these catch the plain cases it gets wrong on short,
 * everyday messages ("what are your hours"), and settle ties between the two.
 */
const KEYWORDS: [TrainableIntent, RegExp][] = [
  ['my_bookings', /\b(do i have (anything|something) (booked|on)|have i (got )?(anything|something) booked|what (day|time) (was|am|m) i (coming|booked|in)|when (am|was) i (coming|booked|due)|tengo (cita|hora)|(cuando|que dia|a que hora) (tengo|tenia|era|es) (la |mi )?(cita|hora|reserva)|my (next )?(appointment|appt|booking|reservation)s?|(check|see|show|confirm) my|(comprobar|ver|revisar|consultar|confirmar) (mi|mis)|when is my|what time is my|do i have (a|an|any) (appointment|booking|reservation)|have i got (a|an|any) (appointment|booking|reservation)|am i booked|mis (citas|reservas)|(cuando|a que hora) es mi|tengo (alguna |una )?(cita|reserva)|mi (cita|reserva) (esta|sigue))\b/],
  ['book', /\b(book|booking|appointment|appt|reserve|reservation|schedule|availability|available|slots?|anything free|free on|fit me in|come in|come by|pop in|get seen|puedo ir|pasarme|me da tiempo|cita|citas|reserv\w*|huecos?|disponibilidad|agendar|pedir hora|hay hora|me das hora)\b/],
  ['hours', /\b(hasta que hora|hours?|open|opening|opens|close|closing|closes|closed|shut|horario|horarios|abr(en|is|ir|e|ian)|abiert[oa]s?|cerr(ais|an|ar|ado|ados)|cierran|cierra)\b/],
  ['location', /\b(where|address|located|location|directions|map|get there|find you|street|postcode|donde|direccion|ubicacion|ubicad[oa]s?|como llego|mapa|calle|se llega)\b/],
  ['services', /\b(price|prices|pricing|cost|costs|how much|charge|rates?|services?|treatments?|offer|menu|precio|precios|cuesta|cuestan|cuanto|tarifas?|servicios?|tratamientos?|ofrec(en|eis)|how long)\b/],
  ['thanks', /^(thanks|thank you|thank u|ty|thx|cheers|much appreciated|gracias|muchas gracias|mil gracias|te lo agradezco)\b/],
  ['smalltalk', /^((ja)+j?|(ha)+h?|(je)+|lol|lmao|xd|how are you|que tal( estas)?|como estas|are you (a )?(bot|robot|human|real)|eres (un )?(bot|robot|real|humano))\b/],
  ['greeting', /^(hi+|hello+|hey+|hiya|howdy|good (morning|afternoon|evening)|hola+|buenas|buenos dias|buenas (tardes|noches))\b/],
];

/** Intents with keyword evidence in the text, most specific first; greetings and thanks last. */
export function keywordIntents(normalized: string): TrainableIntent[] {
  const hits = KEYWORDS.filter(([, re]) => re.test(normalized)).map(([intent]) => intent);
  const substantive = hits.filter((i) => i !== 'greeting' && i !== 'thanks' && i !== 'smalltalk');
  return substantive.length > 0 ? substantive : hits;
}
