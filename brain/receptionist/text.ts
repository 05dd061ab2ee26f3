/** Text normalisation and the small closed-vocabulary checks the engines share. */

/** Lower case, accents removed, punctuation to spaces, whitespace collapsed. */
export function normalize(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[¿¡!?.,;:"()[\]{}*_~`]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** True when a message has no letters or digits at all (emoji, punctuation). */
export function hasNoWords(text: string): boolean {
  return !/[\p{L}\p{N}]/u.test(text);
}

/** Opt-out only as the whole message: carriers list CANCEL too, and "cancel my appointment" is not one. */
const OPT_OUT = new Set(['stop', 'stop all', 'unsubscribe', 'opt out', 'optout', 'end', 'quit', 'baja', 'darme de baja', 'parar', 'detener']);
const OPT_IN = new Set(['start', 'unstop', 'subscribe', 'alta', 'empezar', 'reanudar']);

export const isOptOut = (n: string) => OPT_OUT.has(n);
export const isOptIn = (n: string) => OPT_IN.has(n);

/**
 * Thank-you words, one or two as written: a thanks going along with a yes changes nothing ("yes
 * thanks"), and a capitalised one names nobody ("Thanks!").
 */
export const THANK_WORDS: readonly string[] = ['thanks', 'thank you', 'cheers', 'ta', 'thx', 'ty', 'gracias', 'merci', 'danke'];

/** Words that say yes on their own. */
const YES_CORE = [
  // Chilean "sí po", "ya po".
  'sipo', 'sipoh', 'yapo', 'yapoh',
  'yes', 'yeah', 'yea', 'yep', 'yup', 'yas', 'y', 'yh', 'yeh', 'ye', 'ok', 'okay', 'okey', 'k', 'kk', 'sure', 'confirm', 'confirmed', 'correct', 'perfect', 'absolutely', 'definitely',
  'go ahead', 'go on', 'go for it', 'please do', 'do it', 'let s do it', 'lets do it', 'let s do that', 'let s go', 'lets go', 'sounds good', 'sounds great', 'sounds perfect', 'that works', 'works for me',
  'that s fine', 'thats fine', 'that s great', 'thats great', 'that s right', 'thats right', 'that s it', 'thats it', 'fine', 'alright', 'all right', 'great', 'lovely',
  'brilliant', 'grand', 'cool', 'sweet', 'sweet as', 'awesome', 'excellent', 'super', 'champion', 'spot on', 'deal', 'of course', 'good', 'all good', 'very good', 'sound', 'nice one', 'oki', 'okis', 'aye', 'sure thing', 'that would be great', 'would be great', 'that d be great', 'thatd be great',
  'si', 'sip', 'vale', 'claro', 'claro que si', 'confirmo', 'confirmar', 'confirmado', 'confirmalo', 'confirmala', 'confirmame', 'confirmamelo', 'confirmamela', 'confirma', 'de acuerdo', 'perfecto', 'dale', 'correcto', 'genial',
  'vamos', 'vamos alla', 'hagamoslo', 'venga', 'venga va', 'adelante', 'me va bien', 'me viene bien', 'me parece bien', 'me sirve', 'hazlo',
  'simon', 'sale', 'orale', 'ya', 'bacan', 'va', 'me cuadra', 'esta bien', 'sin problema', 'por supuesto', 'hecho', 'de una', 'guay', 'exacto', 'eso es', 'asi es', 'obvio', 'bueno', 'muy bien', 'listo', 'okas', 'sisi',
  // Regional yeses: Mexico ("ahí está", "va que va", "chido"), Chile ("ya po"), Río de la Plata ("joya"), South Africa ("ja", "sharp",
  // "lekker", "100%"), and "for sure", "bang on", "righto".
  'ahi esta', 'va que va', 'chido', 'joya', 'seguro', 'seguro que si', 'ja', 'jep', 'sharp', 'lekker', 'yebo', 'for sure', 'fo sho', 'bang on', 'righto', 'right oh', 'yes yes', '100%', '100 %',
  // US slang ("bet", "yessir"), Filipino English ("sige", "go"), a clipped Spanish "ta bien", "está perfecto".
  'bet', 'yessir', 'yes sir', 'yes maam', 'yes ma am', 'sige', 'go', 'ta bien', 'sta bien', 'ta bueno', 'esta perfecto', 'wonderful',
];
/** Words that go with a yes without changing it. */
const YES_FILLER = [
  // "ok let's do it", "let's book it".
  'let s', 'lets', 'actually', 'po', 'poh', 'please', 'pls', 'plz', ...THANK_WORDS, 'mate', 'x', 'xx', 'then', 'that', 'that s', 'thats', 'it', 'one', 'so', 'and', 'y', 'oh', 'ah', 'the', 'yes',
  'for me', 'to me', 'so much', 'very much', 'see you then', 'see you there', 'see you', 'see ya', 'see you soon', 'catch you then', 'i ll be there', 'ill be there', 'we ll be there', 'well be there', 'alla estaremos', 'ahi estaremos', 'alli estaremos', 'alla estare', 'would be great', 'that would be great', 'that d be great', 'thatd be great',
  // "si porfavor", "sí así": run together as typed, or "like that".
  // "si señora", "ya po", "sharp sharp": forms of address and particles.
  'senor', 'senora', 'senorita', 'jefe', 'jefa', 'po', 'pue', 'pe', 'che', 'bru', 'boet', 'bro', 'chief', 'boss', 'maam', 'ma am', 'sir', 'hun', 'love',
  'por favor', 'porfavor', 'porfa', 'porfi', 'xfa', 'xfavor', 'plis', 'asi', 'muchas', 'mil', 'nos vemos', 'ahi nos vemos', 'alli nos vemos', 'alla nos vemos', 'nos vemos ahi', 'nos vemos alli', 'hasta entonces', 'alli estare', 'ahi estare', 'pues', 'entonces', 'eso', 'bien', 'muy', 'guapa', 'guapo', 'para mi',
  // "sí, esa", "yes that one's fine": pointing at the proposal just shown.
  'that one s', 'this one', 'this one s', 'that time', 'that day', 'esa', 'ese', 'esa misma', 'ese mismo', 'esa hora', 'ese dia', 'esa misma hora',
];
/**
 * A change's own verbs: a yes to that change only ("yes, cancel it" confirms a cancellation, never
 * a booking it was asked about). Core words say yes alone; the others only after a yes.
 */
/** "yes, book it": a yes to a proposed booking, or to whatever waits when nothing says which; never to a cancellation or a move. */
const BOOK_IT = ['book it', 'book it in', 'reservalo'];
const YES_TO: Record<string, { core: string[]; filler: string[] }> = {
  create_booking: { core: [...BOOK_IT, 'book that', 'book me in', 'sign me up', 'pencil me in', 'lock it in', 'reservame', 'reservamelo', 'reservala', 'reservamela', 'apuntame', 'apuntamelo', 'anotame', 'agendame', 'agendamelo', 'agendamela', 'agendalo', 'agendala', 'reservela', 'reservelo', 'apunteme', 'agendeme', 'aparteme', 'apartamelo', 'apartamela',
    'apuntalo', 'apuntala', 'apuntadlo', 'apuntadla', 'apuntelo', 'apuntela', 'anotalo', 'anotala', 'anotadlo', 'anotadla', 'apartalo', 'apartala', 'apartadlo', 'apartadla', 'apartelo', 'apartela', 'reservadlo', 'reservadla', 'agendadlo', 'agendadla'], filler: ['book', 'reserva', 'agenda'] },
  cancel_booking: { core: [], filler: ['cancel it', 'cancel', 'cancelala', 'cancelalo', 'anulala', 'anulalo', 'cancelela', 'cancelelo', 'cancelemela', 'cancelemelo', 'cancelamela', 'cancelamelo', 'anulela', 'anulelo', 'anulemela', 'anulemelo',
    // Mexican "ustedes": "si, cancélenla porfa".
    'cancelenla', 'cancelenlo', 'cancelenmela', 'cancelenmelo', 'anulenla', 'anulenlo'] },
  reschedule_booking: { core: [], filler: ['move it', 'reschedule it', 'cambiala', 'cambialo', 'muevela', 'muevelo', 'cambiela', 'cambielo', 'muevala', 'muevalo', 'cambienla', 'cambienlo', 'muevanla', 'muevanlo'] },
};
const YES_EMOJI = /👍|👌|✅|🙏|💯|🙌/u;
const EMOJI = /[\p{Extended_Pictographic}\u{1F3FB}-\u{1F3FF}\uFE0F\u200D]/gu;

/** Emoji and apostrophes out, for the closed-vocabulary readers below. */
export const plain = (n: string) => n.replace(EMOJI, ' ').replace(/'/g, ' ').replace(/\s+/g, ' ').trim();

/** Phrases, longest first, each marked as carrying the meaning (true) or only going along with it. */
const phraseList = (core: readonly string[], filler: readonly string[]) =>
  [...core.map((w) => [w, true] as const), ...filler.map((w) => [w, false] as const)].sort((a, b) => b[0].length - a[0].length);

/**
 * Whether `text` is made only of these phrases, with at least one that carries the meaning. Letters
 * stretched for emphasis count as one ("yesss", "siii", "okk"), when the text as written is no match.
 */
function onlyPhrases(text: string, phrases: readonly (readonly [string, boolean])[], strangers = 0): boolean {
  const read = (t: string) => {
    let core = false;
    let rest = t;
    let left = strangers;
    while (rest) {
      const hit = phrases.find(([w]) => rest === w || rest.startsWith(`${w} `));
      // With `strangers`, that many words of no list may stand among the phrases ("si señora", "joya, sí").
      if (!hit && left-- <= 0) return false;
      core ||= hit?.[1] ?? false;
      rest = rest.slice(hit ? hit[0].length : rest.split(' ')[0]!.length).trim();
    }
    return core;
  };
  return read(text) || read(text.replace(/(\p{L})\1+/gu, '$1'));
}

const YES_PHRASES = phraseList([...YES_CORE, ...BOOK_IT], YES_FILLER);
const YES_PHRASES_TO = new Map(Object.entries(YES_TO).map(([change, words]) => [change, phraseList([...YES_CORE, ...words.core], [...YES_FILLER, ...words.filler])]));

/** Who a customer may be asking before saying yes: "my husband says yes", "she confirmed", "mi esposo dice que sí". */
const RELAY_WHO = '(?:he|she|they|hubby|wifey|my (?:husband|wife|partner|boss|client|manager|mum|mom|mother|dad|father|friend|boyfriend|girlfriend|colleague|son|daughter)|(?:mi|el|la) (?:esposo|esposa|marido|mujer|pareja|jefe|jefa|cliente|clienta|mama|papa|madre|padre|novio|novia|hijo|hija|amigo|amiga)|el|ella|ellos)';
const RELAY_SAYS = new RegExp(`\\b${RELAY_WHO} (?:says|said|agrees|is ok with it|is fine with it|dice|dijo|me dijo|me dice) (?:que )?(?=\\S)`, 'g');
const RELAY_CONFIRMED = new RegExp(`\\b${RELAY_WHO} (?:has |already |just |ya )?(?:confirmed|confirmo|me confirmo|ha confirmado|ya confirmo)\\b`, 'g');
/** A yes passed on from someone else reads as the customer's own: "ok he says yes go ahead", "ja ok she confirmed, book it". */
const relayed = (p: string) => p.replace(RELAY_SAYS, '').replace(RELAY_CONFIRMED, 'confirmed').replace(/\b(?:ya )?me (?:confirmo|dijo que si)\b/g, 'confirmed').replace(/\s+/g, ' ').trim();

/**
 * A yes to the proposal just shown: only yes-words and fillers ("ok yes", "yes that works",
 * "sí, confírmalo", "vale sí", "yes 👍", "go ahead"), and with `change` (the pending action) that
 * change's own verbs ("yes, book it", "sí, cancélala"). Anything else in the message (a time, a
 * "but", a "no") means it is not a plain yes and the engine reads it as a change.
 */
export function isAffirmative(n: string, change?: string): boolean {
  const words = (change && YES_PHRASES_TO.get(change)) || YES_PHRASES;
  const rest = relayed(plain(n));
  if (!rest) return YES_EMOJI.test(n);
  if (onlyPhrases(rest, words) || (YES_EMOJI.test(n) && onlyPhrases(`yes ${rest}`, words))) return true;
  // To a proposal just shown, a yes may come with a word or two of the customer's own ("si señora",
  // "sharp, yes", "ok he says yes go ahead"), as long as none of them asks, doubts or changes anything.
  return change !== undefined && !CHANGES_A_YES.test(rest) && (change === 'create_booking' || !BOOKING_VERB.test(rest)) && onlyPhrases(rest, words, 2);
}

/** Yes words too slight or too common to carry a long message alone ("ya", "go", "good", "bueno"). */
const SLIGHT_YES = new Set(['y', 'k', 'kk', 'ya', 'va', 'go', 'ja', 'ye', 'yh', 'yea', 'sale', 'seguro', 'bueno', 'good', 'fine', 'sound', 'super', 'deal', 'grand', 'cool', 'sweet', 'vamos', 'hecho', 'sip', 'obvio', 'bet', 'oki', 'okis', 'okas', 'champion', 'bien', 'muy bien']);
const WARM_YES = new RegExp(`\\b(?:${YES_CORE.filter((w) => !SLIGHT_YES.has(w) && /^[a-z ]+$/.test(w)).sort((a, b) => b.length - a.length).join('|')})\\b`);
/**
 * Words that make a long message with a yes in it more than a yes: a no, a doubt, a question, a
 * second thought, something more ("also", "también"). A day or time is left to the caller, which
 * knows the proposal it must agree with.
 */
const WARM_BLOCKERS = new RegExp(
  '\\b(?:no|not|nope|nah|never|but|pero|wait|espera|hold on|instead|rather|change|cambi\\w*|move|mov\\w*|other|otr[oa]s?|another|different|' +
    'later|earlier|mas tarde|mas temprano|antes|despues|cancel\\w*|anul\\w*|don t|dont|doesn t|isn t|can|could|what|how|when|where|which|why|who|' +
    'cuando|donde|como|cual|cuanto|quien|por que|maybe|quizas?|capaz|tal vez|if|unless|sino|aunque|although|though|however|except|' +
    'think|check|let you know|get back|aviso|pienso|pensar\\w*|te digo|te confirmo|luego te|also|too|tambien|ademas|sorry|perdon\\w*|mean|meant|quise|queria)\\b',
);

/** Set phrases whose "no", "can" or "why" only warm a yes ("can't wait", "no worries", "¡cómo no!"). */
const WARM_SET_PHRASES = /\b(?:can ?t wait|cannot wait|no problem|no prob|no probs|not a problem|no worries|why not|how lovely|como no|no hay problema|no pasa nada|no veo la hora)\b/g;

/**
 * A long, warm yes to the proposal just shown ("Si señora, perfecto, allá estaremos el viernes, muchas
 * gracias y que Dios le pague", "That would be absolutely wonderful, see you Friday!"): a clear yes word
 * and nothing that asks, doubts, corrects or adds; `names`, the proposal's service named, are left out. Whatever day, time or service it names is for the
 * caller to hold against the proposal (`confirmsProposal`): a repeat confirms, anything else corrects.
 */
export function isWarmYes(text: string, names: readonly string[] = []): boolean {
  if (text.includes('?')) return false;
  // The names of the service the proposal is for say nothing against it ("see you for the oil change").
  const rest = names.map(normalize).reduce((t, name) => (name ? t.replaceAll(name, ' ') : t), relayed(plain(normalize(text))));
  return WARM_YES.test(rest) && !WARM_BLOCKERS.test(rest.replace(WARM_SET_PHRASES, ' '));
}

/** "book it", "apuntadlo": a booking's own verbs, which say yes to no other change. */
const BOOKING_VERB = /\b(?:book\w*|reserv\w*|apunt\w*|anot\w*|agend\w*|apart\w*|sign|pencil|lock)\b/;

/**
 * Words that make a message with a yes in it more than a yes: a no, a doubt, a question, another
 * day, time or choice, a number.
 */
const CHANGES_A_YES = new RegExp(
  '\\d|\\b(?:no|not|nope|nah|never|but|pero|wait|espera|hold|instead|rather|mejor|change|cambi\\w*|move|mov\\w*|other|otr[oa]s?|another|different|' +
    'later|earlier|before|after|antes|despues|tarde|temprano|cancel\\w*|anul\\w*|don|dont|doesn|isn|can|could|would|should|will|what|how|when|where|which|why|who|' +
    'que|cuando|donde|como|cual|cuanto|quien|por que|is|are|do|does|hay|tienen|teneis|tenes|puedo|puede|podes|podeis|maybe|quizas?|capaz|tal vez|if|si puedo|' +
    'today|tonight|tomorrow|tmrw|hoy|manana|morning|afternoon|evening|noche|week|semana|weekend|finde|\\w+day|lunes|martes|miercoles|jueves|viernes|sabado|domingo|' +
    'first|second|third|last|primer[oa]?|segund[oa]|tercer[oa]?|ultim[oa]|one|uno|una|two|dos|three|tres|half|media|quarter|cuarto|am|pm|hora|hour|' +
    'january|february|march|april|may|june|july|august|september|october|november|december|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)\\b',
);

const NO = /^(no+|nope|nah|n|nop|not really|no thanks|no thank you|no gracias|cancel that|mejor no|no mejor no|negativo|no wait|wait|hold on|espera|no espera|no no|ni hablar|para nada|don t|dont|(no )?(please )?don ?t|not now|not yet|not that( one)?|(no|nope) not that( one)?|no that ?s (wrong|not right)|that ?s wrong|wrong|that doesn t work|that won t work|doesn t work for me|ahora no|todavia no|aun no|de momento no|mejor otro dia|no mejor otro dia|no me (va|viene) bien|esa no|ese no|no es correcto|esta mal)( please| por favor| thanks| gracias| sorry| perdona)?$/;
export const isNegative = (n: string) => NO.test(plain(n).replace(/\bno+\b/g, 'no'));

const UNSURE_CORE = [
  'i m not sure', 'im not sure', 'not sure', 'unsure', 'let me think', 'let me think about it', 'let me check', 'let me see', 'maybe', 'perhaps', 'idk', 'dunno',
  'i don t know', 'i dont know', 'not sure yet', 'i ll let you know', 'ill let you know', 'i ll get back to you', 'ill get back to you', 'i ll check', 'ill check',
  'get back to you', 'let you know', 'check my diary', 'check my calendar', 'i need to check', 'need to check',
  'no se', 'capaz', 'no estoy seguro', 'no estoy segura', 'quizas', 'quiza', 'a lo mejor', 'tal vez', 'dejame pensar', 'dejame pensarlo', 'dejame ver', 'dejame mirarlo', 'lo pienso',
  'lo miro', 'no lo se', 'ni idea', 'tengo que mirarlo', 'tengo que pensarlo', 'tengo que verlo', 'te digo', 'te confirmo', 'te aviso', 'ya te digo', 'luego te digo',
  'depends', 'it depends', 'depende', 'not certain', 'possibly', 'probably', 'puede ser', 'no se todavia', 'todavia no se', 'aun no se',
];
const UNSURE_FILLER = ['hmm', 'hm', 'mmm', 'mm', 'ehh', 'eh', 'uh', 'um', 'umm', 'er', 'erm', 'well', 'yet', 'todavia', 'aun', 'and', 'y', 'pues', 'bueno', 'luego', 'later', 'algo', 'about it', 'and', 'then'];
const UNSURE_PHRASES = phraseList(UNSURE_CORE, UNSURE_FILLER);
/**
 * A doubt that opens the message and goes on about who or what it hangs on, with no time of its own: "hmm maybe, let me
 * check with my husband", "not sure, depends if my client can make it", "depende de mi horario".
 */
const UNSURE_LEAD = /^(?:(?:hmm+|hm|mm+|ehh?|uh|um+|er|erm|well|pues|bueno|ok|okay|vale) )*(?:maybe|perhaps|possibly|not sure|i m not sure|im not sure|unsure|(?:it )?depends|depende|no se(?= si\b| todavia\b| aun\b| tengo\b| dejame\b|$)|no estoy segur[oa]|quizas?|tal vez|a lo mejor|let me (?:check|ask|see|think)|dejame (?:ver|preguntar|consultar|pensar)|tengo que (?:preguntar|consultar|ver|mirar))\b(?!.*\d)(?!.*\b(?:how much|what|when|where|which|cuanto|cuanta|cuesta|precio|price|cost|costs|cual|donde|cuando)\b)(?!.*\b(?:yes|yeah|yep|si|vale|ok|okay|confirm\w*|book|reserv\w*|go ahead|adelante|dale)$)/;
/** "hmm not sure", "no sé, déjame ver": neither yes nor no; the proposal keeps waiting. */
export const isUnsure = (n: string) => {
  const p = plain(n);
  return p.length > 0 && (/^(h+m+|m{2,}|e+h+|u+h+m*|u+m+)$/.test(p) || onlyPhrases(p, UNSURE_PHRASES) || UNSURE_LEAD.test(p));
};

const CANCEL = /\b(cancel|cancels|cancell?ations?|cancell?ed|cancell?ing|(call|called|calling|calls) off|release (the|my|our) (room|slot|booking|table|spot|court|space|studio)|liber(ar|ad|a|en|eis|ame|adme) (la|el|mi|nuestra|nuestro) (sala|pista|mesa|hora|cita|reserva|hueco|plaza|turno)|anul\w*|cancel[ae]\w*|cancelo|delete my|remove my|scrap (my|the|it|\w+'?s)|(won t|won't|wont|don t|don't|dont|will not|do not) need (the|my|that|our) (slot|appointment|appt|booking|session|table|reservation)\b.{0,20}\b(anymore|any more)|give (it|my slot|the slot|my appointment|my table) to someone else|no (voy a |vamos a )?necesitar (la|mi) (cita|reserva|hora|mesa|sesion)|bail on|take me off|borra\w* (mi|la)|borral[ao]|quitame (la|el|de)|desapunt\w*|(won t|won't|wont|will not) be needing (the|my|that|our|it)|no longer need (the|my|that|our) (slot|appointment|appt|booking|session|table|reservation)|ya no (va|van|vamos|voy|vengo|venimos|puedo ir|podemos ir|voy a poder|vamos a poder|la necesit\w*|lo necesit\w*|la vamos a necesitar|lo vamos a necesitar))\b/;
/** "how long will you hold the table if we're running late?", "si me atraso": lateness only imagined asks the policy. */
const LATE_IF = /\b(if|what if|in case|si|en caso de que) (i|we|i m|we re|im|were|me|nos|llego|llegamos|se me)? ?(am |are )?(running late|late|atraso|atrasamos|retraso|retrasamos|hace tarde|llego tarde|llegamos tarde|tarde)\b/;
export const asksLatePolicy = (n: string) => LATE_IF.test(n.replace(/'/g, ' '));

const RESCHEDULE_ALONE = /\b((cambiar|mover) (el horario|la hora|el dia) (del|de mi|de la|de el)\b|(move|change|switch|shift|swap|cambi\w*|pasar|mover)\b.{0,40}\b(from|del|de el) (mon\w*|tue\w*|wed\w*|thu\w*|fri\w*|sat\w*|sun\w*|lunes|martes|miercoles|jueves|viernes|sabado|domingo|\d+\w*) (to|al|a el|para el) \w+|pasar (la|el|mi|nuestra|nuestro) (cita|reserva|reservacion|hora|sesion|clase|turno|mesa)\b( [\w']+){0,4}? (al|a la|a las|para)\b|(can|could) (we|i|you) (do|make it|have it|go for|switch to|change to|come at)\b.*\binstead\b|(puedo|podemos|podria|podriamos|can i|could i|can we|could we) \w+( \w+){0,3} (otro dia|otra hora|otro momento|otra fecha|another day|another time|a different (day|time))|(can|could) (we|i) \w+\b.*\b(mon\w*|tue\w*|wed\w*|thu\w*|fri\w*|sat\w*|sun\w*|tomorrow|today|\d+( ?(am|pm|ish))?|morning|afternoon|evening|week) instead\b|(instead of|rather than) (the |my |on )?(\d+(st|nd|rd|th)?|mon\w*|tue\w*|wed\w*|thu\w*|fri\w*|sat\w*|sun\w*|tomorrow|today)|en (vez|lugar) (de|del) (el |la |las |a las )?(\d+|lunes|martes|miercoles|jueves|viernes|sabado|domingo|manana|hoy)|reschedule|re schedule|postpone|push ([\w']+ ){0,3}(back|forward)|bring ([\w']+ ){0,4}forward|(a )?(bit|little) (later|earlier)|(later|earlier) instead|un poco (mas tarde|antes)|rearrange|re arrange|swap my|running late|reprogram\w*|aplaz\w*|pospon\w*|retras\w*|atras[aeo]\w*|pasarla|pasarlo|moverla|moverlo|cambiarla|cambiarlo|(?:el )?mismo dia pero|(?:the )?same day but)\b/;
const RESCHEDULE = /\b(move|change|switch|shift|swap|bump|rebook|push|bring forward|cambi\w*|mover|muev\w*|adelant\w*)\b|\b(me|nos) (la|lo) (podeis |puedes |podrias |pueden |podrian |podes )?(pasa\w*|cambi\w*|mov\w*|muev\w*)\b/;
const APPOINTMENT_WORDS = /\b(appointment|appt|booking|reservation|slot|session|it|cita|reserva|hora|turno|sesion|la)\b/;

/**
 * "Do you charge for late cancellations?", "if I cancel do I lose my deposit?": a question about
 * the policy, or a cancellation only imagined ("if I cancel", "si cancelo"), cancels nothing.
 */
const CANCEL_POLICY = /\b(cancellations|policy|fee|fees|charge|charged|charges|penalty|penalt\w*|how much notice|notice period|deposit|refund\w*|for free|free of charge|politica|penalizacion|cobr\w*|cuanta antelacion|se paga|pagar|deposito|senal|fianza|devol\w*|reembols\w*|pierdo|gratis)\b|\b(if|what if|what happens if|in case) (i|we|you) (have to |need to )?(cancel|call off)|\b(si|que pasa si|en caso de que) (tengo que |hay que )?(cancel\w*|anul\w*)/;
export const mentionsCancel = (n: string) => CANCEL.test(n) && !CANCEL_POLICY.test(n);
export const asksCancelPolicy = (n: string) => CANCEL.test(n) && CANCEL_POLICY.test(n);
/** "Can I move my appointment": a change verb about a booking, or a word that only means rescheduling. */
export const mentionsReschedule = (n: string) => !asksLatePolicy(n) && (RESCHEDULE_ALONE.test(n) || (RESCHEDULE.test(n) && APPOINTMENT_WORDS.test(n)) || MOVE_MINE.test(n));
/** "can I move my follow up to next week", "pasar la mesa del viernes al sábado": a change verb on the customer's own thing, or from one day to another. */
const MOVE_MINE = /\b(move|change|switch|swap|shift|push|rebook)\b (my|our|(today|tomorrow|tmrw|monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?:'|’| )?s|the (monday|tuesday|wednesday|thursday|friday|saturday|sunday) one)\b|\b(mover|cambiar|pasar|muev\w*|cambi\w*|pas\w*) (mi|mis|la|el|nuestra) (\w+ )?(del|de el) (lunes|martes|miercoles|jueves|viernes|sabado|domingo|\d+) (al|a el|para el|a las|para las) |\breagend\w*|\breprogram\w*/;
/** A change verb alone ("move the MOT to Monday"): a reschedule when it names a service the customer has booked. */
export const mentionsChange = (n: string) => RESCHEDULE.test(n);

/** Word edges for text as written, accents included ("miércoles no"). */
const START = '(?<![\\p{L}\\p{N}])';
const END = '(?![\\p{L}\\p{N}])';
const EXCLUDED_EN = new RegExp(`${START}(?:not|but not|except|keep|instead of|rather than)(?: on| at| for)?(?: the| my| that| this)? (?!(?:sure|really|available|possible|free|able|going|working|until|before|after)${END})(?:\\d{1,2}(?:st|nd|rd|th|am|pm|[:.]\\d{2})?|[\\p{L}']{4,})${END}`, 'giu');
const EXCLUDED_ES = new RegExp(`${START}(?:(?:el|la|las|los|a las) )?(?:\\d{1,2}|\\p{L}{4,}),? no${END}(?!,? (?:puedo|puede|podemos|me|se|es|hay|va|vale|sé|se)${END})`, 'giu');
/** "wednesday's no good", "friday is out", "2 doesn't work after all": what is ruled out, said after it. */
const RULED_OUT_EN = new RegExp(`${START}(?:\\d{1,2}(?:st|nd|rd|th|[:.]\\d{2})?(?: ?[ap]m)?|[\\p{L}]{4,})(?:(?:['’]s| is)? (?:no good|not good|no use|not possible|a no)|(?:['’]s| is) (?:out|bad)|(?: (?:doesn['’]?t|does not|won['’]?t|wont|will not)) (?:work|suit)(?: me| us)?)${END}`, 'giu');
/** "el martes no me va", "el 5 ya no puedo": the same in Spanish. */
const RULED_OUT_ES = new RegExp(`${START}(?:(?:el|la|las|a las) )?(?:\\d{1,2}(?:[:.]\\d{2})?|\\p{L}{4,}) (?:no me (?:va|viene|sirve|cuadra)(?: bien)?|ya no (?:puedo|me va))${END}`, 'giu');
/** "a las 7 en vez de a las 5", "el viernes en lugar del jueves": what it replaces is ruled out. */
const INSTEAD_ES = new RegExp(`${START}(?:en vez|en lugar)(?: de| del)(?: el| la| las| a las| a la)? (?:\\d{1,2}(?:[:.]\\d{2})?|\\p{L}{4,})${END}`, 'giu');

/**
 * The message as written without what it rules out: "not friday, saturday", "the haircut, not the
 * colour", "el jueves no, el viernes", "la fisio no". What is left says what the customer wants.
 */
export function withoutExclusions(text: string): string {
  return text.replace(EXCLUDED_EN, ' ').replace(RULED_OUT_EN, ' ').replace(RULED_OUT_ES, ' ').replace(EXCLUDED_ES, ' ').replace(INSTEAD_ES, ' ').replace(/\s+/g, ' ').trim();
}

/** "2", "option 2", "the second one", "la segunda", "the last one": a pick from a numbered list (1-based). */
export function parseChoice(n: string, max: number): number | undefined {
  const ordinals: [RegExp, number][] = [
    [/\b(first|1st|primer[oa]?)\b/, 1],
    [/\b(second|2nd|segund[oa])\b/, 2],
    [/\b(third|3rd|tercer[oa]?)\b/, 3],
  ];
  const digit = /^(?:option |opcion |number |numero |la |el |#)?(\d)$/.exec(n);
  // "the last one", "la última": the list's own end, whatever its length.
  const last = /^(?:(?:ok|vale) )?(?:the |la |el )?(?:very )?(?:last|ultim[oa])(?: one| option| opcion)?(?: please| pls| porfa| por favor)?$/.test(n) ? max : undefined;
  // "the later one works better", "la más temprana": of the offers, the latest or the earliest.
  const later = /\b(?:the )?(?:later|latest) one\b|\b(?:la|el) mas tard[ie]\w*\b/.test(n) ? max : /\b(?:the )?(?:earlier|earliest) one\b|\b(?:la|el) mas tempran[oa]\b/.test(n) ? 1 : undefined;
  const pick = digit ? Number(digit[1]) : (ordinals.find(([re]) => re.test(n) && n.split(' ').length <= 4)?.[1] ?? last ?? later);
  return pick !== undefined && pick >= 1 && pick <= max ? pick : undefined;
}

/** Words that lead into a name in a reply to "what name?", one at a time, each with its comma. */
const NAME_LEAD_IN = new RegExp(
  `^(?:${[
    'thanks', 'thank you', 'cheers', 'ok', 'okay', 'sure', 'yes', 'yeah', 'si', 'sí', 'vale', 'gracias', 'perfecto', 'hi', 'hola',
    "it's me", 'its me', 'it is me', 'me', 'soy yo', 'yo', 'just', 'solo', 'ponlo a nombre de', 'ponla a nombre de', 'pon', 'ponlo', 'put', 'es para', "it's for", 'its for', 'for', 'para', 'under', 'put it under', 'book it under',
    'my name is', "my name's", 'i am', "i'm", 'im', "it's", 'its', 'it is', 'name is', "name's", 'the name is', 'call me', 'me llamo', 'mi nombre es', 'soy', 'a nombre de',
    'name', 'names are', 'her name is', 'his name is', "her name's", "his name's", 'se llama', 'se llaman', 'su nombre es', 'nombre', 'de parte de',
  ]
    // Longest first, so "me llamo" is not read as "me" and a name "Llamo".
    .sort((a, b) => b.length - a.length)
    .map((w) => w.replace(/'/g, "['’]"))
    .join('|')})(?:[,.!:]|\\s)\\s*`,
  'i',
);

const RELATION = /^(?:my|our|his|her|mi|nuestr[oa]|su) (?:mum|mom|mother|mam|dad|father|son|daughter|wife|husband|partner|boyfriend|girlfriend|friend|brother|sister|kid|child|boy|girl|hij[oa]|madre|padre|mam[aá]|pap[aá]|mujer|marido|pareja|novi[oa]|amig[oa]|herman[oa]|niñ[oa]|nene|nena|abuel[oa])[,:]?\s+/iu;

/** "it's for Isabella, surname Kowalski", "Lucía, apellido Gómez": a surname told apart joins the name before it. */
export const joinSurname = (text: string) => text.replace(/([\p{L}'’-]+),?\s+(?:surname|last name|family name|apellidos?)(?:\s+is|\s+es)?:?\s+(?=\p{L})/giu, '$1 ');

/** Words no name is made of: verbs, pronouns and small words of a sentence, and yes/no words. */
const NOT_IN_NAMES = new Set(
  (
    'and or i me my you your we us our it its is are am was be does did can could would will shall should let lets s t to the a an of in on at for with that this what when how ' +
    'yes no not ok okay please pls thanks book want need like get have go going make sure fine good great time today tomorrow tonight ' +
    'de del la las los y el en un una es por favor que con quiero necesito puedo puede hoy manana tarde noche hora cita reserva si vale bien'
  ).split(' '),
);
/** Small words that belong inside a name: "María de la Cruz", "Ashley and Tyler Brooks". */
export const NAME_PARTICLES = new Set(['de', 'del', 'la', 'las', 'los', 'y', 'and', 'van', 'von', 'der', 'den', 'da', 'di', 'le']);

/** A plausible person's name from a reply to "what name should I use?", or undefined. */
export function extractName(text: string): string | undefined {
  // "Thanks, Priya Shah", "ok, it's Dan", "soy yo, Marta", "para Lucía": the answer's lead-ins are not part of the name.
  // A phone number or an emoji beside the name is not part of it.
  let stripped = text.replace(EMOJI, ' ').replace(/\+?\d[\d\s-]{5,}\d/g, ' ').replace(/\s+/g, ' ').trim();
  if (isAffirmative(normalize(stripped))) return undefined;
  for (let before = ''; before !== stripped; ) {
    before = stripped;
    stripped = stripped.replace(NAME_LEAD_IN, '').trim();
  }
  // "for my mum, Rita", "es para mi hijo Pablo": the relation is not the name; "Niall, thanks": nor is the courtesy.
  stripped = joinSurname(stripped);
  // "Sipho Dlamini on behalf of Dlamini Attorneys": who the booking is for, not whom they work for.
  stripped = stripped.replace(/\s+(?:on behalf of|de parte de|por parte de|en nombre de)\s.*$/iu, '');
  stripped = stripped.replace(RELATION, '').replace(/[,\s]+(thanks|thank you|cheers|please|pls|ta|x+|gracias|por favor|porfa|porfi|here|speaking|aqu[ií]|por aqu[ií])[.!]*$/iu, '').replace(/[.!,]+$/, '').trim();
  if (!/^[\p{L}][\p{L}'’ .&-]{0,58}[\p{L}.]?$/u.test(stripped)) return undefined;
  if (stripped.split(/\s+/).length > 5) return undefined;
  // "yes", "ok", "no", "thanks", "soy yo" answer the question; they are not who the booking is for.
  const n = normalize(stripped);
  if (isAffirmative(n) || isNegative(n) || isUnsure(n) || /^(thanks|thank you|gracias|hello|hi|hola|me|myself|yo|mi)$/.test(n)) return undefined;
  // "ok let's do it", "can we do 5": a sentence, not a name; particles count only inside one ("María de la Cruz").
  const words = plain(n).split(' ');
  if (words.some((w, i) => NOT_IN_NAMES.has(w) && !(i > 0 && i < words.length - 1 && NAME_PARTICLES.has(w)))) return undefined;
  return stripped
    .split(/\s+/)
    // A particle ends no name: "Kevin Le" keeps its capital, "María de la Cruz" loses them.
    .map((w, i, all) => (i > 0 && i < all.length - 1 && NAME_PARTICLES.has(w.toLowerCase()) ? w.toLowerCase() : w.charAt(0).toUpperCase() + w.slice(1)))
    .join(' ');
}
