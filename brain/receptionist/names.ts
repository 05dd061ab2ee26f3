import { NAME_PARTICLES, THANK_WORDS, extractName, joinSurname, normalize } from './text.js';

/**
 * The name a message gives along the way ("maths tmrw at 4 for Ravi Patel", "es para mi hija Lucía
 * Gómez", "Name: Priyanka Das"), as opposed to extractName, which reads a reply to "what name?".
 * Words that only sometimes lead into a name ("for", "para", "can") count only before capitalised
 * words that are no weekday, month, greeting or service: "for Friday", "para Inglés" name nobody.
 */

/** A capitalised word of a name ("MacLeod", "O'Brien"), or a particle inside one ("María de la Cruz", "Ashley & Tyler Brooks"). */
const CAP = "\\p{Lu}\\p{Ll}+(?:\\p{Lu}\\p{Ll}+)?(?:['’-]\\p{L}+)?";
const NAME = `${CAP}(?:\\s+(?:(?:de|del|de la|de los|y|and|&|van der|van den|van de|von der|van|von|da|di|le)\\s+)?${CAP}){0,3}`;
/** Lead words as written at a sentence's start or inside it: "for" and "For", never "FOR" only. */
const lead = (words: string[]) => `(?:${words.map((w) => `[${w[0]!.toUpperCase()}${w[0]}]${w.slice(1)}`).join('|')})`;
const RELATION = `${lead(['my', 'our', 'mi', 'nuestro', 'nuestra'])} (?:little |wee |youngest |eldest |peque[ñn]a |peque[ñn]o )?(?:son|daughter|boy|girl|lad|lass|kid|child|niece|nephew|grandson|granddaughter|sobrin[oa]|niet[oa]|wife|husband|partner|mum|mom|mother|dad|father|friend|brother|sister|hij[oa]|chamo|chama|nene|nena|niñ[oa]|peque|mujer|marido|espos[oa]|pareja|novi[oa]|madre|padre|mam[aá]|pap[aá]|amig[oa]|herman[oa]|abuel[oa]|manager|boss|colleague|client|employer|jef[ae]|cliente|clienta|compañer[oa]|socio|socia)`;
/** "my manager, Mr Pieter van der Merwe": a title before a name is no part of it. */
const TITLE = '(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr|Sr|Sra|Srta|Don|Doña)\\.?\\s+)?';

/** Lead-ins that always introduce a name ("name is dave", "se llama Hugo"), found in the text lower-cased. */
const STRONG =
  /(?:^|[\s,.!?;(])(?:my name is|my name's|name's|name is|names are|the name is|name:|nombre:|name -|under the name(?: of)?|(?:put|book) (?:it|the booking|that) under|booking is for|me llamo|mi nombre es|su nombre es|el nombre es|nombre es|se llama|se llaman|a nombre de|de parte de|her name is|his name is|her name's|his name's|(?:she|he)'?s called)\s*/u;
/** After a strong lead-in: the first word in any case, the others capitalised ("dave Wilson", not "dave and i"). */
const ANY_CASE = "[\\p{L}][\\p{L}'’-]+(?:\\s+\\p{Lu}[\\p{L}'’-]+){0,2}";
/** A name that closes its clause after a strong lead-in may be written all in lower case ("name is sam o'neill"). */
const CLAUSE_AFTER_STRONG = /^([\p{L}'’-]+(?:\s+[\p{L}'’-]+){0,3})\s*(?:[,.!?;]|$)/u;
const AFTER_STRONG = new RegExp(`^(${ANY_CASE}(?:\\s*(?:&|and|y)\\s*\\p{Lu}[\\p{L}'’-]+(?:\\s+\\p{Lu}[\\p{L}'’-]+){0,2})?)`, 'u');
/** "…, name Marcus Webb": the bare word, before a capitalised name only. */
const NAME_WORD = new RegExp(`(?:^|[\\s,.!?;])${lead(['name', 'nombre'])}\\s+(${NAME})`, 'u');
/** "for my son Arjun Mehta", "es para mi hija Lucía", "my boy Harrison Clarke": a relation, then the name. */
const RELATED = new RegExp(`(?<![\\p{L}])${RELATION},?\\s+${TITLE}(${NAME})`, 'u');
/** "it's for Isabella", "es para Lucía", "booking for Sam": one capitalised word is enough after these. */
const FOR_ONE = new RegExp(`(?:(?<![\\p{L}])${lead(["it's", 'its', 'it is', 'is', 'this is', "that's", 'thats', 'es', 'son', 'booking', 'reserva', 'cita'])}\\s+(?:for|para)|^${lead(['for', 'para'])})\\s+(${NAME})`, 'u');
/** "maths tmrw at 4 for Ravi Patel pls": after a bare "for"/"para", a first name and a surname. */
const FOR_TWO = new RegExp(`(?<![\\p{L}])${lead(['for', 'para'])}\\s+(${CAP}\\s+(?:(?:de|del|de la|y|&)\\s+)?${CAP}(?:\\s+${CAP})?)`, 'u');
/** "She's Ella Murphy", "Can Jack Thompson do English?": a pronoun or a question word, then a full name. */
const SUBJECT = new RegExp(`(?:^|[\\s,.!?;])${lead(["she's", 'shes', "he's", 'she is', 'he is', 'ella es', 'él es', 'el es', 'can', 'could', 'would', 'will', 'does', 'puede', 'podría', 'podria'])}\\s+(${CAP}\\s+${CAP})(?=\\s+\\p{Ll}|\\s*[,.!?]|\\s*$)`, 'u');
/** "for me (Dave) at 10", "una para mí (Ana)": a name in brackets after the customer's "me" is theirs. */
const BRACKETED = new RegExp(`(?<![\\p{L}])(?:[Mm]e|[Mm]yself|[Mm]ine|[Mm][ií]|[Yy]o)\\s*\\(\\s*(${NAME})\\s*\\)`, 'u');
/** Kisses or an emoji that sign off a name: "I'm Niamh x", "soy Ana 😊". */
/** "Mario Alberto Rios CC 71.xxx", "Ana Gil, DNI 123": a name before the number of an identity document. */
const BEFORE_ID = new RegExp(`(${NAME}),?\\s+(?:CC|C\\.C\\.|DNI|NIE|NIT|RUT|CURP|[Cc][ée]dula|ID)\\b`, 'u');
const KISSES = '(?:\\s+x+|\\s*\\p{Extended_Pictographic}+)?';
/** "it's Mark Evans", "I'm Sophie Marsh", "soy la Trinidad Fuentes": a capitalised name closing its clause. */
const SELF = new RegExp(`(?:^|[\\s,.!?])(?:[Ii]t'?s|[Ii]t is|[Ii]'?m|[Ii] am|[Tt]his is|[Ss]oy(?: la| el)?|(?:[Ll]e |[Tt]e )?[Hh]abla(?: con)?|[Ll]e escribe)\\s+(${CAP}(?:\\s+${CAP}){0,2})(?=(?:\\s+(?:here|speaking|aqu[ií]|por aqu[ií]))?${KISSES}\\s*(?:$|[.,!?;]))`, 'u');
/** "hi its sophie, can i book…", "hola soy maria, queria…": after a greeting, a name in lower case that closes its clause. */
const GREETED_SELF = new RegExp(`^(?:hi+|hey+|hello|hiya|heya|morning|hola|holi|buenas|buenos dias|buen dia|buenas tardes)[,!]?\\s+(?:it'?s|it is|i'?m|i am|this is|soy)\\s+([a-z\\u00e0-\\u00ff]{3,}(?:\\s+[a-z\\u00e0-\\u00ff]{3,})?)(?=(?:\\s+(?:here|aqui|aquí))?${KISSES}\\s*(?:$|[,.!?;]))`, 'u');
/** "Hi, Sarah here", "Tom Reid here, …", "hola, Marta aquí": a greeting and one name, or a full name, then "here". */
const HERE = new RegExp(`(?:^|[.!?]\\s*)(?:${lead(['hi', 'hey', 'hello', 'hiya', 'morning', 'hola', 'buenas', 'buenos dias', 'buenos días'])}[,!]?\\s+(${CAP}(?:\\s+${CAP})?)|(${CAP}\\s+${CAP}))\\s+(?:here|aqu[ií])(?=\\s*(?:[,.!?;:-]|$))`, 'u');
/**
 * "... at 8am? Leo Murray", "... thursday at quarter to 7? Lewis", "cheers, Jordan", "…a las 12? para Alba":
 * one to three capitalised words that end the message after a sentence, signed off (a kiss after them is no part).
 */
const SIGNED = /[.,!?]\s*(?:(?:[Ff]or|[Pp]ara|[Ff]rom|[Dd]e)\s+)?(\p{Lu}\p{Ll}+(?:\s+\p{Lu}\p{Ll}+){0,2})\s*(?:\s[xX]{1,3})?[.!]?\s*$/u;

/** Words that are capitalised at times without naming anyone: days, months, greetings, feasts, courtesies. */
const NOT_NAMES = new Set(
  (
    'good hi hello hey hiya hola buenos buenas see many muchas happy free here back sorry not fine ok okay available late running saludos un una el la the a ' +
    'monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun lunes martes miercoles jueves viernes sabado domingo ' +
    'january february march april may june july august september october november december enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre diciembre ' +
    'today tomorrow tonight morning afternoon evening hoy manana tarde noche christmas easter navidad semana santa pascua halloween valentine valentines birthday cumpleanos ' +
    'dr doctor dra doctora day mother father mothers fathers please pls yes no si vale perfect perfecto great lovely me you him her them us it this that these those mine whoever someone somebody anyone everyone nobody two three four both all todos ambos dos tres ' +
    // Closing words and what people say they are ("hi im new", "hola soy argentina, …"): no names.
    'love porfa porfavor plis sharp howzit aye bye regards best urgent urgente asap anytime whenever xx besos besitos abrazos abrazo chau chao adios slds bendiciones amen ciao whatever anyway anyways nevermind cool awesome sorted otherwise ' +
    'new back late early interested curious confused ready done lost stuck busy well keen unsure desperate hoping just also still so sure nervous scared excited ' +
    'nuevo nueva cliente clienta paciente alumno alumna socio socia yo argentina argentino mexicana mexicano chilena chileno colombiana colombiano venezolana venezolano ' +
    'espanola espanol uruguaya uruguayo peruana peruano cubana cubano mama papa madre padre'
  )
    .split(' ')
    .concat(THANK_WORDS.flatMap((w) => w.split(' '))),
);

const SHORT_DAYS = new Set('mon tue tues wed thu thur thurs fri sat sun'.split(' '));

/**
 * "directions for Gloucester Road", "para Plaza Mayor": places, which a weak lead-in may be followed
 * by. Not checked after a strong one: "name's Jo Park" is a person.
 */
const PLACES = new Set('road rd avenue ave square station hotel centre center mall airport beach school college university hospital calle avenida plaza paseo estacion aeropuerto playa iglesia colegio universidad centro'.split(' '));

/** The name as extractName formats it, when no word of it is a common word and it names no service. */
function personName(candidate: string, namesService: (text: string) => boolean, strong = false, self = false): string | undefined {
  const words = normalize(candidate).split(/[\s'’]+/);
  if (!strong && words.some((w) => PLACES.has(w))) return undefined;
  const inside = (i: number) => i > 0 && i < words.length - 1 && NAME_PARTICLES.has(words[i]!);
  // "I'm Sun", "this is Sat": a short weekday someone introduces themselves by is their name.
  const shortDay = (w: string) => self && words.length === 1 && SHORT_DAYS.has(w);
  if (words.some((w, i) => NOT_NAMES.has(w) && !inside(i) && !shortDay(w)) || namesService(candidate)) return undefined;
  return extractName(candidate);
}

/**
 * The name a message gives along the way, or undefined. `namesService` says whether words name one
 * of the business's services ("for English", "para Pilates" are no names).
 */
export function nameInMessage(written: string, namesService: (text: string) => boolean = () => false): string | undefined {
  const text = joinSurname(written);
  // Lower-casing keeps the offsets, so the lead-in found there is cut from the text as written.
  const strong = STRONG.exec(text.toLowerCase());
  // "de parte de la señora Rocío", "under Mrs Patel": a title is no part of the name.
  const rest = strong ? text.slice(strong.index + strong[0].length).replace(/^(?:(?:la|el)\s+)?(?:se[ñn]ora|se[ñn]or|sra|sr|srta|do[ñn]a|don|mrs|mr|ms|miss|dr)\.?\s+(?=\p{L})/iu, '') : '';
  for (const after of strong ? [CLAUSE_AFTER_STRONG.exec(rest), AFTER_STRONG.exec(rest)] : []) {
    const name = after && !/^(my|mi|su|your|the|la|el)$/i.test(after[1]!.split(/\s+/)[0]!) ? personName(after[1]!, namesService, true, /name|nombre|llam|called/.test(strong![0])) : undefined;
    if (name) return name;
  }
  for (const re of [NAME_WORD, BRACKETED, RELATED, FOR_ONE, FOR_TWO, SUBJECT, SELF, HERE, SIGNED, BEFORE_ID, GREETED_SELF]) {
    // Lower case only after a greeting, and never a word of doing ("hi im wondering, …").
    const m = re === GREETED_SELF ? re.exec(text.toLowerCase())?.filter((w, i) => i === 0 || !/ing$/.test(w ?? '')) : re.exec(text);
    const name = m && (m[1] ?? m[2]) ? personName((m[1] ?? m[2])!, namesService, re === NAME_WORD, re === NAME_WORD || re === SELF || re === GREETED_SELF) : undefined;
    if (name) return name;
  }
  return undefined;
}

/** Words said to whoever answers, not who writes: "…at 3, mate", "…a las 5, amiga". */
const VOCATIVES = new Set(
  'mate mates bro bruh dude pal buddy hun hon babe love luv darling sir madam maam guys folks team lads amigo amiga amigos amigas guapa guapo tia tio wey guey mija mijo compa chicos chicas gente senor senora jefe jefa crack hermano hermana cielo reina'.split(' '),
);
/** One or two lower-case words that close a message after a comma or a dash ("…6.30am pls, jade", "… - tom x"). */
const SIGNED_LOWER = /[,\u2013-]\s*(\p{Ll}{3,14}(?:\s+\p{Ll}{3,14})?)(?:\s+x{1,3})?\s*[.!]?\s*$/u;

/**
 * "express session tuesday 6.30am pls, jade": a request signed with a name in lower case. `known` says whether a word
 * is something else the business or the language knows (a day, a service, a yes, everyday talk); any such word makes
 * the close no name. The caller checks the words before it ask for something.
 */
export function signedInLowerCase(written: string, known: (word: string) => boolean): string | undefined {
  const m = SIGNED_LOWER.exec(written.normalize('NFC'));
  if (!m) return undefined;
  const words = normalize(m[1]!).split(' ');
  if (words.some((w) => /^x+$/.test(w) || NOT_NAMES.has(w) || VOCATIVES.has(w) || known(w))) return undefined;
  return extractName(m[1]!);
}

/** "soy lupita", "its hugh", "i'm sam o'neill": the whole message introduces the writer, in lower case. */
const SELF_ALONE = /^(?:hi |hey |hola |buenas )?(?:it'?s|it is|i'?m|i am|this is|soy|me llamo)\s+(\p{Ll}[\p{Ll}'’-]{2,}(?:\s+\p{Ll}[\p{Ll}'’-]{2,})?)\s*[.!]?$/u;

/** The name of a message that only says who writes, in lower case; `known` as for signedInLowerCase ("its broken" is none). */
export function selfInLowerCase(written: string, known: (word: string) => boolean): string | undefined {
  const m = SELF_ALONE.exec(written.trim().normalize('NFC'));
  if (!m) return undefined;
  const words = normalize(m[1]!).split(/[\s']+/).filter(Boolean);
  if (words.some((w) => /ing$/.test(w) || NOT_NAMES.has(w) || VOCATIVES.has(w) || (w.length > 2 && known(w)))) return undefined;
  return extractName(m[1]!);
}
