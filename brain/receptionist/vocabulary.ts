import type { Profile } from '../../core/profile.js';
import { cached } from '../../core/memo.js';
import { normalize } from './text.js';
import { serviceWords } from './service-words.js';
import { corpus as shippedCorpus, type Corpus } from './utterances.js';

/**
 * Out-of-scope detection. A statistical classifier always picks one of its intents, even for
 * "what's the weather in London"; what it cannot do is say the words are foreign to it. A message
 * whose content words are mostly unknown to the business's vocabulary (training utterances, the
 * profile, dates and times) is out of scope.
 */

const STOPWORDS = new Set(
  (
    'a an the i im me my mine we us our you your yours he she it its they them is am are was were be been being do does did doing have has had ' +
    'can could would should will shall may might must to of in on at by for from with about into over under up down out off than then so too very ' +
    'and or but if not no yes this that these those there here what whats which who whom whose when where why how all any some each every just ' +
    'please pls ok okay also still again like want wanted need get got go going make let tell give know think see really much many more most ' +
    'el la los las un una unos unas lo le les de del al a en con por para sin sobre entre y o u e ni que quien quienes cual cuales cuando donde ' +
    'como cuanto cuanta cuantos cuantas es son soy eres somos sois esta estan estoy estamos estais este esto ese eso esa esos esas mi mis tu tus su ' +
    'sus nuestro nuestra vuestro vuestra me te se nos os ya muy mas menos tambien pero si no hay ser estar tener tengo tiene tienen tenemos teneis ' +
    'hacer hago hace hacen puedo puede pueden podemos podeis quiero quieres quiere necesito favor porfa vale bien ' +
    // Everyday verbs and fillers say nothing about the business: "me das turno" is about the turno.
    'could would gonna wanna gotta give gimme take bring put come say ask wondering hi hey hello thanks ' +
    'das da dan dais doy dar podria podrias podriais podrian seria gustaria quisiera queria pues oye mira hola buenas gracias ustedes vosotros vos ' +
    // Contractions once their apostrophe is gone ("what's" → "whats").
    'ill ive id youre theyre thats theres isnt didnt doesnt cant dont wont whats hows wheres'
  ).split(' '),
);

const TIME_WORDS =
  'today tomorrow tonight morning afternoon evening night noon midday week weekend next day days monday tuesday wednesday thursday friday saturday sunday ' +
  'january february march april may june july august september october november december am pm oclock time hoy manana tarde noche mediodia semana ' +
  'proxima proximo dia lunes martes miercoles jueves viernes sabado domingo enero febrero marzo abril mayo junio julio agosto septiembre octubre ' +
  'noviembre diciembre hora horas pasado';

const TIME = new Set(TIME_WORDS.split(' '));

/** A word of everyday talk or of when ("vale", "cuando", "noche", "today"): it tells no topic by itself (the FAQ matcher's evidence). */
export const everydayWord = (w: string) => STOPWORDS.has(w) || TIME.has(w);

/** What every business offers or sells by its kind's word, whatever its services are called ("a session", "un bono"). */
const GENERIC_OFFER = new Set(
  (
    'session sessions class classes lesson lessons course courses appointment appointments treatment treatments service services consultation ' +
    'visit package packages pack packs voucher vouchers gift card membership memberships pass trial one ones option options thing things ' +
    'sesion sesiones clase clases leccion lecciones curso cursos cita citas tratamiento tratamientos servicio servicios consulta visita paquete ' +
    'paquetes bono bonos regalo tarjeta membresia abono prueba opcion opciones cosa cosas'
  ).split(' '),
);

/**
 * Kinds of work a customer asks a business whether it does ("do you sell…", "¿reparan…?"): the verbs that ask for it, and the
 * words in a business's own services (names, aliases, descriptions) or name that say it does it ("Basic service", "Renta de
 * equipo", "Piano lesson"). A kind of work none of its services says is another trade's, whatever thing it is asked of ("do
 * you sell used pianos" to a piano school, "¿reparan relojes de buceo?" to a dive school, "¿arriendan bicis?" to a bike
 * workshop). Verbs that ask for any work ("do", "hacen", "ofrecen") say no kind.
 */
const WORK: Record<string, { asked: RegExp; done: RegExp }> = {
  sell: { asked: /\b(sell|sells|venden|vendeis|vendes|vende|vender)\b/, done: /\b(sell\w*|sale|sales|shop|store|retail|venta|ventas|vend\w*|tienda)\b/ },
  rent: {
    asked: /\b(rent|rent out|hire out|hire|rentan|rentais|alquilan|alquilais|alquilas|alquila|arriendan|arrendais|arrienda|alquilar|rentar|arrendar)\b/,
    done: /\b(rent\w*|hire|hires|alquil\w*|arriend\w*|arrend\w*)\b/,
  },
  fix: {
    asked: /\b(fix|repair|mend|service|arreglan|arreglais|arregla|arreglar|reparan|reparais|repara|reparar|parchar)\b/,
    done: /\b(fix\w*|repair\w*|mend\w*|servic\w*|tune|tuning|maintenance|overhaul|check|checks|inspection|inspeccion|diagnos\w*|care|arregl\w*|repar\w*|manten\w*|afina\w*|ajuste|revision|parche\w*|pinchazo|puesta a punto)\b/,
  },
  teach: {
    asked: /\b(teach|teaches|ensenan|ensenais|ensena|ensenar)\b/,
    done: /\b(lesson\w*|class\w*|course\w*|teach\w*|tutor\w*|coach\w*|workshop\w*|training|school|academy|clase\w*|curso\w*|leccion\w*|ensen\w*|taller\w*|tutoria\w*|entrenamiento\w*|escuela|academia|bautizo)\b/,
  },
  install: { asked: /\b(install|instalan|instalais|instalar)\b/, done: /\b(install\w*|fit|fitting|instal\w*|montaje|colocacion)\b/ },
  fill: { asked: /\b(fill|refill|llenan|llenais|llenar|recargan|recargar)\b/, done: /\b(fill\w*|refill\w*|llen\w*|recarg\w*)\b/ },
};

/** The kind of work (WORK) the words asking whether a business does some ("do you sell", "me pueden arreglar") name, if any. */
export function workAsked(asking: string): string | undefined {
  return Object.keys(WORK).find((kind) => WORK[kind]!.asked.test(asking));
}

/** "rooms" → "room", "relojes" → "reloj", "clases" → "clase": roughly, enough to meet a name's word. */
const singular = (w: string) => (w.length > 4 && /[^aeiou]es$/.test(w) && !/(ces|ges|tes|des|les|ses)$/.test(w) ? w.slice(0, -2) : w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w);

/**
 * The word of a service's name that says what kind of thing it is: the last in English ("Meeting room", "30-minute piano
 * lesson"), the first before "de" in Spanish ("Sala de ensayo", "Renta de equipo"); a one-word alias is its own kind ("snorkel").
 * None when that word is what every business offers ("lesson", "sesión": GENERIC_OFFER).
 */
function kindOfName(name: string): string | undefined {
  const words = normalize(name).replace(/['’]/g, '').split(' ').filter((w) => w && !STOPWORDS.has(w) && /\p{L}/u.test(w));
  const de = normalize(name).split(' ').findIndex((w) => w === 'de' || w === 'del' || w === 'para' || w === 'con');
  const head = de > 0 ? normalize(name).split(' ').slice(0, de).filter((w) => !STOPWORDS.has(w) && /\p{L}/u.test(w))[0] : words.at(-1);
  return head === undefined || GENERIC_OFFER.has(head) ? undefined : singular(head);
}

/** Not stopwords, not numbers or ordinals like "26th". */
const contentWords = (normalized: string) =>
  normalized.replace(/['’]/g, '').split(' ').filter((w) => w && !STOPWORDS.has(w) && !/^\d+(st|nd|rd|th|h|hs)?$/.test(w) && /\p{L}/u.test(w));

const PREFIX = 5;

/** A set of words, and their first letters, that `knows` a word by, its plural or its prefix. */
class Words {
  readonly words = new Set<string>();
  readonly prefixes = new Set<string>();

  constructor(texts: readonly string[]) {
    for (const t of texts) for (const w of normalize(t).split(' ')) this.add(w);
  }

  private add(w: string): void {
    if (!w) return;
    this.words.add(w);
    if (w.length >= PREFIX) this.prefixes.add(w.slice(0, PREFIX));
  }

  knows(w: string): boolean {
    const other = IRREGULAR.get(w);
    return this.words.has(w) || this.words.has(w.replace(/e?s$/, '')) || (other !== undefined && this.words.has(other)) || (w.length >= PREFIX && this.prefixes.has(w.slice(0, PREFIX)));
  }
}

/** English plurals not made with -s, both ways: "a cut for a man" to a salon whose service is "Men's haircut". */
const IRREGULAR = new Map(
  [['man', 'men'], ['woman', 'women'], ['child', 'children'], ['person', 'people'], ['foot', 'feet'], ['tooth', 'teeth'], ['mouse', 'mice'], ['goose', 'geese']].flatMap(([a, b]) => [[a!, b!], [b!, a!]] as [string, string][]),
);

/** The corpus's common words, shared by every tenant trained on it. */
const corpusWords = new WeakMap<Corpus, Words>();

/** The words every tenant's vocabulary shares, counted once per corpus. */
const sharedWords = (corpus: Corpus): Words => cached(corpusWords, corpus, () => new Words([commonWords(corpus), TIME_WORDS]));

/**
 * The corpus's words that are a receptionist's talk rather than one trade's: those in two lines or
 * more, of two intents or more. The corpus spans dozens of trades, and "tyres" in a garage's lines is
 * no word of a dental clinic's. Out-of-scope lines teach none: their words are what no business here
 * talks about.
 */
function commonWords(corpus: Corpus): string {
  const intents = new Map<string, Set<string>>();
  for (const u of Object.values(corpus).flat()) {
    if (u.intent === 'unknown') continue;
    for (const w of normalize(u.text).split(' ')) {
      const seen = intents.get(w) ?? new Set<string>();
      intents.set(w, seen.add(`${u.intent}\u0000${u.text}`));
    }
  }
  return [...intents].filter(([, lines]) => lines.size >= 2 && new Set([...lines].map((l) => l.split('\u0000')[0])).size >= 2).map(([w]) => w).join(' ');
}

/**
 * Words the corpus's out-of-scope lines use often, against its other lines: things no business here deals in ("boiler",
 * "móvil", "sell"), asked of one that does not name them either.
 */
const outOfScopeWords = new WeakMap<Corpus, { stray: Set<string>; trade: Set<string> }>();
const strayWords = (corpus: Corpus): { stray: Set<string>; trade: Set<string> } =>
  cached(outOfScopeWords, corpus, () => {
    const counts = new Map<string, [number, number]>();
    for (const u of Object.values(corpus).flat())
      for (const w of new Set(normalize(u.text).split(' '))) {
        const c = counts.get(w) ?? [0, 0];
        c[u.intent === 'unknown' ? 0 : 1]++;
        counts.set(w, c);
      }
    const share = (lines: number, part: number) => new Set([...counts].filter(([, [stray, other]]) => stray >= lines && stray >= part * (stray + other)).map(([w]) => w));
    return { stray: share(STRAY_LINES, STRAY_SHARE), trade: share(TRADE_LINES, TRADE_SHARE) };
  });
const STRAY_LINES = 3;
const STRAY_SHARE = 1 / 3;
/**
 * Some trade's things, which the out-of-scope lines ask of other trades now and then: "coche" (16 of 108 lines), "seguro" (7
 * of 47), "tattoo" (8 of 45), "dog" (29 of 143); not a receptionist's talk ("hora" 49 of 549, "session", "clase" none).
 */
const TRADE_LINES = 5;
const TRADE_SHARE = 1 / 8;

/** Words in FREQUENT_LINES lines of the corpus or more: everyday talk, no one's name ("notaría", "workshop", "club"). */
const frequentWords = new WeakMap<Corpus, Set<string>>();
const frequent = (corpus: Corpus): Set<string> =>
  cached(frequentWords, corpus, () => {
    const lines = new Map<string, number>();
    for (const u of Object.values(corpus).flat()) for (const w of new Set(normalize(u.text).split(' '))) lines.set(w, (lines.get(w) ?? 0) + 1);
    return new Set([...lines].filter(([, n]) => n >= FREQUENT_LINES).map(([w]) => w));
  });
/** Whether a word is everyday talk in the shipped corpus ("mate", "pls", "tomorrow"), which no one signs a message with. */
export const isEverydayWord = (word: string): boolean => frequent(shippedCorpus()).has(word);
/** Staff and customers' first names the corpus has run to 5 lines ("marta"); the words of a contact's place, 11 and more ("front", "club"). */
const FREQUENT_LINES = 10;

/** Counts the corpus's shared, frequent and out-of-scope words once, with the models, so no tenant's first message waits for them. */
export function prepareVocabulary(corpus: Corpus): void {
  sharedWords(corpus);
  strayWords(corpus);
  frequent(corpus);
}

/** The service lexicon's words as written, to find a business's own words in the other language. */
const LEXICON = serviceWords((w) => w);

export class Vocabulary {
  private readonly shared: Words;
  private readonly own: Words;
  private readonly stray: Set<string>;
  private readonly trade: Set<string>;
  private readonly frequent: Set<string>;
  /** The kinds of work (WORK) its services or name say it does. */
  private readonly work: Set<string>;
  /** The kind of thing each service is, by its names and aliases (kindOfName). */
  private readonly kinds: Set<string>;

  constructor(profile: Profile, corpus: Corpus) {
    this.shared = sharedWords(corpus);
    ({ stray: this.stray, trade: this.trade } = strayWords(corpus));
    this.frequent = frequent(corpus);
    const own = [
      ...profile.services.flatMap((s) => [s.name, s.description ?? '', ...s.aliases]),
      ...profile.faq.flatMap((f) => [f.question, ...f.keywords]),
      profile.name,
    ];
    // "photos" to a studio that wrote "Sesión de fotos": its words in the other language too (service-words.ts).
    const translated = own.flatMap((t) => normalize(t).split(' ')).flatMap((w) => [...LEXICON.same(w), ...LEXICON.same(w.replace(/e?s$/, ''))]);
    this.own = new Words([...own, translated.join(' ')]);
    // Its services and name only: an FAQ may name work to say it does not do it ("do you sell lesson packages" is a payment question).
    const offer = normalize([profile.name, ...profile.services.flatMap((s) => [s.name, s.description ?? '', ...s.aliases])].join(' '));
    this.work = new Set(Object.keys(WORK).filter((kind) => WORK[kind]!.done.test(offer)));
    this.kinds = new Set(profile.services.flatMap((s) => [s.name, ...s.aliases]).flatMap((n) => kindOfName(n) ?? []));
  }

  /** Whether `things` says what kind of thing one of its services is ("rooms" to "Meeting room", "sala" to "Sala de ensayo"). */
  namesKindOfService(things: string): boolean {
    return contentWords(things).some((w) => this.kinds.has(singular(w)));
  }

  /** Whether its services or name say it does this kind of work (WORK). */
  does(work: string): boolean {
    return this.work.has(work);
  }

  /** Whether `things` names what every business offers or sells ("gift cards", "un bono", "lesson packages"). */
  namesGenericOffer(things: string): boolean {
    return contentWords(things).some((w) => GENERIC_OFFER.has(w));
  }

  private knows(w: string): boolean {
    return this.shared.knows(w) || this.own.knows(w);
  }

  /** Whether the corpus uses `word` (normalised) in many lines: a word of everyday talk, not a name. */
  isFrequent(word: string): boolean {
    return this.frequent.has(word);
  }

  /**
   * Whether `things` (a message with the words of its question taken out) names something the corpus's out-of-scope lines
   * talk of, and nothing the business's own words (services, aliases, FAQ, name) know.
   */
  strays(things: string): boolean {
    return this.names(things, this.stray);
  }

  /** Like `strays`, with some trade's things too ("un seguro de coche" to a rehearsal studio): for questions the models hesitate on. */
  straysToTrade(things: string): boolean {
    return this.names(things, this.trade);
  }

  /**
   * Whether `things` (what a question is about, its question words taken out) names something foreign to a receptionist's
   * talk or of some other trade, and nothing of the business's own (services, aliases, FAQ, name) nor what any business
   * offers (GENERIC_OFFER): "a bilingual school" to a speech therapist, "the nearest registry office" to a notary.
   */
  namesOnlyOthers(things: string): boolean {
    const words = contentWords(things).filter((w) => !TIME.has(w));
    // "would you suggest a quieter class": what every business offers is this one's to advise on.
    if (words.some((w) => GENERIC_OFFER.has(w))) return false;
    // Foreign by the word as written (or its plural), not by its first letters: "registraduría" is no "registration".
    const foreign = (w: string) => !this.shared.words.has(w) && !this.shared.words.has(w.replace(/e?s$/, ''));
    return words.some((w) => foreign(w) || this.stray.has(w) || this.trade.has(w)) && !words.some((w) => this.own.knows(w));
  }

  /** Whether `things` names something, none of it the business's own nor what every business offers (GENERIC_OFFER). */
  namesNothingOwn(things: string): boolean {
    const words = contentWords(things).filter((w) => !TIME.has(w));
    return words.length > 0 && !words.some((w) => GENERIC_OFFER.has(w) || this.own.knows(w));
  }

  /** Whether every word `things` names is the business's own or what every business offers. */
  namesOnlyOwn(things: string): boolean {
    return contentWords(things).filter((w) => !TIME.has(w)).every((w) => GENERIC_OFFER.has(w) || this.own.knows(w));
  }

  private names(things: string, others: Set<string>): boolean {
    const words = contentWords(things).filter((w) => !TIME.has(w));
    return words.some((w) => others.has(w)) && !words.some((w) => this.own.knows(w));
  }

  /**
   * The message's content words (not stopwords, not numbers or ordinals like "26th"): the share this
   * business knows (1 when there are none), and how many it does not.
   */
  reach(normalized: string): { coverage: number; foreign: number } {
    const content = contentWords(normalized);
    if (content.length === 0) return { coverage: 1, foreign: 0 };
    const known = content.filter((w) => this.knows(w)).length;
    return { coverage: known / content.length, foreign: content.length - known };
  }
}
