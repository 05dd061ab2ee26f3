import Fuse from 'fuse.js';
import type { Profile } from '../../core/profile.js';
import { keywordIntents } from './keywords.js';
import { normalize } from './text.js';
import { cached } from '../../core/memo.js';
import { joinPhrases, serviceWords } from './service-words.js';
import { timeShift } from './slots.js';
import { everydayWord } from './vocabulary.js';

type Service = Profile['services'][number];
type Faq = Profile['faq'][number];

const STOPWORDS = new Set(
  'a an the i me my we you your is are do does can could would to for of on in at and or with what when where how much many it this that please want need like book make get have some any un una el la los las de del en con para por que y o mi me quiero necesito hay tienen'.split(' '),
);

/** A service's name or alias as words, without what its brackets add ("Lavado completo (interior y exterior)"). */
export const nameCore = (t: string) => normalize(t.replace(/\([^)]*\)/g, ' ')).replace(/-/g, ' ');

/** Text to be matched literally inside a regular expression. */
const escapeRegExp = (w: string) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function words(text: string): string[] {
  return normalize(text)
    .split(' ')
    .filter((w) => w.length > 1 && !STOPWORDS.has(w));
}

interface ServiceTerm {
  service: Service;
  term: string;
  key: string[];
  /** The name's words for the other language's reading (see translatedCover). */
  lexical: string[];
  /** The words outside its brackets: "Lavado completo (interior y exterior)" is a full wash, not an "exterior" one. */
  core: string[];
}

const TERM_FILLER = new Set(['and', 'the', 'for', 'with', 'con', 'del', 'los', 'las', 'para']);

/** "pierced" and "piercing" → "pierc", "cutting" → "cut": English verb endings off, when four letters stay. */
function stem(w: string): string {
  const m = /^(.{4,}?)(ing|ed)$/.exec(w);
  if (!m) return w;
  return m[1]!.replace(/([b-df-hj-np-tv-z])\1$/, '$1');
}

/** "uñas" without its s would be "una", an article: a singular that is a stopword keeps its s. */
const keyWord = (w: string) =>
  // "sesiones", "revisiones": a Spanish plural in -es after -ión.
  w.length >= 7 && w.endsWith('iones') ? w.slice(0, -2) : stem(w.length >= 4 && w.endsWith('s') && !w.endsWith('ss') && !STOPWORDS.has(w.slice(0, -1)) ? w.slice(0, -1) : w);

/**
 * "Men's haircuts" → "men haircut", "nose pierced" → "nose pierc": no apostrophes, no plural s, no
 * -ing/-ed, so "mens cut", "kids cuts" and "get my nose pierced" meet the names.
 */
function serviceKey(text: string): string[] {
  return normalize(text).replace(/['’]/g, '').split(' ').filter(Boolean).map(keyWord);
}

const LEXICON = serviceWords(keyWord);

/** The words of a name or message for the other language's reading: phrases of the lexicon joined, each word keyed. */
const lexiconKey = (text: string) => joinPhrases(normalize(text).replace(/['’]/g, '')).split(' ').filter(Boolean).map(keyWord);

/**
 * What a message says of a name in the other language ("portrait session" for "Sesión de retrato"):
 * whether it says every word of it, and how many words that mean something alone ("shave", not
 * "service") it says. A name said in full with only such generic words needs two of them.
 */
function translatedCover(term: readonly string[], message: ReadonlySet<string>): { full: boolean; specific: number; words: number } {
  const needed = term.filter((w) => (w.length >= 3 || w.includes('_')) && !TERM_FILLER.has(w));
  const said = needed.filter((w) => [...LEXICON.same(w)].some((alt) => message.has(alt)));
  // Only a word said in the other language counts here: one said as written was the earlier readings' to find.
  const translated = said.filter((w) => !message.has(w));
  const specific = translated.filter((w) => LEXICON.specific(w)).length;
  const full = translated.length > 0 && said.length === needed.length && (needed.length >= 2 || specific > 0);
  return { full, specific, words: said.length };
}

/**
 * The services a message names in the other language: those whose whole name it says, the fullest
 * first; else (unless `whole`) the one service a word meaning something alone points at ("afeitado"
 * for "Hot towel shave"), when it points at only one.
 */
function translatedServices(terms: readonly ServiceTerm[], text: string, whole = false): Service[] {
  const said = new Set(lexiconKey(text));
  const covers = terms.map((t) => ({ t, ...translatedCover(t.lexical, said) }));
  const full = covers.filter((c) => c.full).sort((a, b) => b.words - a.words);
  if (full.length > 0 || whole) return [...new Map(full.map((c) => [c.t.service.id, c.t.service])).values()];
  const pointed = pointedServices(covers);
  return pointed.length === 1 ? pointed : [];
}

/** The services a word meaning something alone in the other language points at ("cancha" at every "Court hire …"). */
function pointedServices(covers: readonly { t: ServiceTerm; specific: number }[]): Service[] {
  return [...new Map(covers.filter((c) => c.specific > 0).map((c) => [c.t.service.id, c.t.service])).values()];
}

/** Every word of a multi-word name is in the message, or a word ending it ("cut" for "haircut", never "men" for "women"). */
function allWordsIn(term: readonly string[], message: readonly string[]): boolean {
  // "one to one" needs two words: the one "one" of "the 2nd one" is not both.
  const needed = [...new Set(term.filter((w) => w.length >= 3 && !TERM_FILLER.has(w)))];
  return needed.length >= 2 && needed.every((t) => message.some((m) => m === t || (m.length >= 3 && t.length - m.length >= 3 && t.endsWith(m))));
}

/**
 * A close spelling of one of the term's words: same first two letters, about the same length
 * ("masage"; not "meant" for "assessment"). A word that asks for something ("appointment") names
 * no service, even when a service's longer name holds it ("first appointment").
 */
function misspells(word: string, term: string): boolean {
  if (keywordIntents(word).length > 0) return false;
  return term.split(' ').some((t) => t.slice(0, 2) === word.slice(0, 2) && Math.abs(t.length - word.length) <= 2);
}

/** Levenshtein distance, stopping early once it passes `max`. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    if (Math.min(...next) > max) return max + 1;
    row = next;
  }
  return row[b.length]!;
}

/** "dubble" for "double", "personl" for "personal": same first letter, one slip in five letters, two in six or more. */
function closeSpelling(word: string, term: string): boolean {
  if (word.length < 5 || term.length < 5 || word[0] !== term[0]) return false;
  return distance(word, term, Math.min(word.length, term.length) >= 6 ? 2 : 1) <= (Math.min(word.length, term.length) >= 6 ? 2 : 1);
}

/** Minutes written in words, as lengths are said ("ninety minutes", "sesenta minutos"). */
const MINUTE_WORDS: Record<string, number> = { thirty: 30, 'forty five': 45, sixty: 60, ninety: 90, treinta: 30, 'cuarenta y cinco': 45, sesenta: 60, noventa: 90 };
const MINUTES_SAID = new RegExp(`\\b(\\d{2,3}|${Object.keys(MINUTE_WORDS).join('|')}) ?(?:min|mins|minute|minutes|minuto|minutos)\\b`);
const LONGER = /\b(longer|longest|the long one|la larga|el largo|la mas larga|el mas largo|mas larga|mas largo)\b/;
const SHORTER = /\b(shorter|shortest|the short one|la corta|el corto|la mas corta|el mas corto|mas corta|mas corto)\b/;
/** A message that is only a length: "the 90 one", "la de 90", "90 mins please" (25 and up: smaller numbers may be an hour). */
const LENGTH_WORDS_ALONE = /^(?:(?:ok|vale|the|a|la|el|lo|de|one|una?|pues|then|entonces) )*(?:hora y media|(?:an? )?hour and a half|half an hour|media hora|(?:an?|one|1|una?|2|two|dos|3|three|tres) ?(?:hours?|horas?|hrs?|h))(?: one| please| pls| porfa| por favor| then| entonces)*$/;
const LENGTH_ALONE = /^(?:(?:ok|vale|the|a|la|el|lo|de|one|uno|una|pues|then|entonces) )*(\d{2,3}) ?(?:min|mins|minute|minutes|minuto|minutos|minute one)?(?: one| please| pls| porfa| por favor| then| entonces)*$/;
const TIME_UNIT = /^(?:hours?|horas?|hrs|mins?|minutes?|minutos?)$/;
/** Words that point or count rather than name ("the first one", "la misma"): no service by themselves. */
const POINTING_AND_COUNTING = new Set('half quarter media cuarto first second third last next same other another this that these those more less just only then also very primera primer primero segunda segundo ultima ultimo proxima proximo misma mismo otra otro otras otros esta este esa ese nueva nuevo'.split(' '));
/** "in an hour", "una hora antes", "per hour": an hour that is no length of the service. */
const NOT_LENGTH_BEFORE = /\b(?:in|within|per|every|dentro de|en|por|cada|a|al)\s*$/;
const NOT_LENGTH_AFTER = /^\s*(?:ago|later|earlier|before|after|early|late|antes|despues|tarde|mas|more|less|menos)\b/;

/**
 * The length a message asks for, in minutes: "90 mins", "ninety minutes", "an hour and a half",
 * "hora y media", "1h30", "for an hour", "2 horas".
 */
export function statedMinutes(n: string): number | undefined {
  if (/\b(?:(?:an?|one) )?hour and a half\b|\bhora y media\b|\b1 ?h ?30\b|\b1 5 ?(?:h|hrs?|hours?|horas?)\b|\bone and a half hours?\b/.test(n)) return 90;
  if (/\b(?:half an hour|half hour|media hora)\b/.test(n)) return 30;
  const minutes = MINUTES_SAID.exec(n);
  if (minutes) return MINUTE_WORDS[minutes[1]!] ?? Number(minutes[1]);
  // "2h", "2 hours", "an hour"; a word before a bare "h" is no count ("ah vale").
  for (const m of n.matchAll(/\b(?:([1-3]) ?(?:hours?|horas?|hrs?|h)|(an?|one|una?|two|dos|three|tres) (?:hours?|horas?|hrs?))\b/g)) {
    // "a 2 hour session" is a length; "a 2 horas de aquí" is not.
    const before = n.slice(0, m.index);
    if (NOT_LENGTH_BEFORE.test(/hour|hr/.test(m[0]) ? before.replace(/\ba\s*$/, '') : before) || NOT_LENGTH_AFTER.test(n.slice(m.index! + m[0].length))) continue;
    const said = (m[1] ?? m[2])!;
    const count = /^(2|two|dos)$/.test(said) ? 2 : /^(3|three|tres)$/.test(said) ? 3 : 1;
    return count * 60;
  }
  return undefined;
}

/** Name words that say how much or when, not which service ("half day room"). */
const NOT_HEADS = new Set(['half', 'full', 'quarter', 'first', 'second', 'next', 'last', 'early', 'late', 'same', 'other', 'another', 'long', 'short', 'quick', 'extra']);

/**
 * Finds services named in free text. A service matches when one of its names or aliases appears
 * as whole words, or when fuse.js finds a close spelling of one of the message's words (typos).
 */
export class ServiceMatcher {
  private readonly fuse: Fuse<ServiceTerm>;
  private readonly terms: ServiceTerm[];

  constructor(services: readonly Service[]) {
    this.terms = services.flatMap((service) => [service.name, ...service.aliases].map((t) => ({ service, term: normalize(t), key: serviceKey(t), lexical: lexiconKey(t), core: serviceKey(nameCore(t)) })));
    this.fuse = new Fuse(this.terms, { keys: ['term'], includeScore: true, threshold: 0.3, ignoreLocation: true, minMatchCharLength: 4 });
  }

  /**
   * Services mentioned in the text, best first; with `typos` false, only those named as written.
   * Services that share a word and differ only in length ("Pista 60 minutos", "Pista 90 minutos")
   * are told apart by the length the message says ("a court for 90 mins", "pista de hora y media").
   */
  find(text: string, typos = true): Service[] {
    return this.reading(text, typos).services;
  }

  /**
   * The services a message could mean equally: it says two of their names, or only a word their
   * names share ("a haircut" for "Men's haircut" and "Kids' cut" alias "child haircut"), and no
   * length that picks one. The customer is asked which, rather than booked into the first.
   */
  undecided(text: string): Service[] {
    return this.reading(text, true).undecided;
  }

  /**
   * "the full wash on the suv" where "Lavado completo camioneta o SUV" is the full wash of an SUV, "la clase de 9 hoyos"
   * where "Clase en el campo (9 hoyos)" is a class, "Full valet 4x4 or SUV" beside "Full valet": of services a message
   * could mean, one whose name holds another's name or alias is that one made specific. It is the one meant when the
   * message names it by more than the words they share (its own alias, or its whole name); the general one drops out.
   */
  specific(candidates: readonly Service[], text: string): Service[] {
    if (candidates.length < 2 || this.narrowing) return [...candidates];
    const n = ` ${nameCore(text)} `;
    const general = new Set<string>();
    for (const a of candidates) {
      const terms = [a.name, ...a.aliases].map(nameCore).filter((t) => t.length >= 3);
      for (const b of candidates) {
        if (a === b || general.has(b.id) || !terms.some((t) => ` ${nameCore(b.name)} `.includes(` ${t} `))) continue;
        const rest = terms.reduce((x, t) => x.split(` ${t} `).join('   '), n);
        if (n.includes(` ${nameCore(b.name)} `) || this.namedIn(rest).some((s) => s.id === b.id)) general.add(a.id);
      }
    }
    const left = candidates.filter((s) => !general.has(s.id));
    return left.length > 0 ? left : [...candidates];
  }

  /** The services the words left after a general name is taken out still name as written, without narrowing again. */
  private namedIn(rest: string): Service[] {
    this.narrowing = true;
    try {
      return this.find(rest, false);
    } finally {
      this.narrowing = false;
    }
  }
  private narrowing = false;

  private reading(text: string, typos: boolean): { services: Service[]; undecided: Service[] } {
    const named = this.named(text);
    if (named.length > 0) {
      // "beard trim and a hot towel shave": two names said, and no length that picks one.
      const { ranked, fitted } = this.byLength(named, text);
      // A length that none of them has ("a massage for 2 hours") is asked about, never refined into a service.
      const refined = fitted || ranked.length === 0 ? undefined : this.refined(named.length > 1 ? named : [named[0]!], text, typos);
      if (refined) return { services: [refined], undecided: [] };
      return { services: ranked, undecided: named.length > 1 && !fitted ? named : [] };
    }
    const shared = this.sharedWord(text);
    if (shared.length === 1) return { services: shared, undecided: [] };
    const modifier = shared.length < 2 ? this.modifier(text) : undefined;
    if (modifier) return { services: [modifier], undecided: [] };
    if (shared.length < 2) {
      // "revisión básica" at a bike shop that sells a "Basic service": the name said in the other language, the fullest first.
      const translated = translatedServices(this.terms, text);
      // "una cancha de 90" at "Court hire 60 min" and "Court hire 90 min": the other language's word points at both, the length at one.
      const saidWords = new Set(lexiconKey(text));
      const pointed = translated.length > 0 ? [] : pointedServices(this.terms.map((t) => ({ t, ...translatedCover(t.lexical, saidWords) })));
      const byPointed = pointed.length > 1 ? this.byLength(pointed, text) : undefined;
      if (byPointed?.fitted) return { services: byPointed.ranked, undecided: [] };
      const { ranked, fitted } = this.byLength(translated.length > 0 || !typos ? translated : this.misspelt(text), text);
      // "my car failed the itv": the car's ITV and the retest after a failed one are both said; the customer is asked which.
      // Names that differ only by a number ("Lane for 1 hour", "Lane for 2 hours") are one kind, its first the plain one.
      const kind = (s: Service) => nameCore(s.name).replace(/\d+/g, ' ').split(' ').filter((w) => w.length >= 3).map(keyWord).sort().join(' ');
      const kinds = new Set(translated.map(kind));
      return { services: ranked, undecided: kinds.size > 1 && !fitted ? translated : [] };
    }
    const { ranked, fitted } = this.byLength(shared, text);
    if (fitted) return { services: ranked, undecided: [] };
    const refined = ranked.length === 0 ? undefined : this.refined(shared, text, typos);
    return refined ? { services: [refined], undecided: [] } : { services: [], undecided: shared };
  }

  /** Each service once, in the profile's order. */
  private get services(): Service[] {
    return [...new Map(this.terms.map((t) => [t.service.id, t.service])).values()];
  }

  /**
   * The words of the message that could name something ("4x4" too): no length, count, unit of time or request ("a 1
   * hour lesson", "book the same one") — those tell how long or when, and the numbers of "9 holes" or "at 10" would tie
   * any service.
   */
  private namingWords(text: string): string[] {
    // A word with a digit names something only as a name writes it ("4x4"), not as a time ("10am").
    return [...new Set(serviceKey(text))].filter(
      (w) => w.length >= 3 && (!/\d/.test(w) || (!/^\d+$/.test(w) && this.vocabulary.has(w))) && !STOPWORDS.has(w) && !TERM_FILLER.has(w) && !TIME_UNIT.test(w) && !POINTING_AND_COUNTING.has(w) && keywordIntents(w).length === 0,
    );
  }

  /**
   * The message's naming words that a service's names and aliases hold: as written, in the other language ("full
   * wash" in "Lavado completo"), or, with `typos`, misspelt ("dubble" for "double") when the word is no service's.
   */
  private covered(service: Service, said: readonly string[], typos: boolean): Set<string> {
    const own = this.terms.filter((t) => t.service.id === service.id).flatMap((t) => t.key);
    return new Set(said.filter((w) => own.some((k) => k === w || LEXICON.same(k).has(w) || (typos && !this.vocabulary.has(w) && closeSpelling(w, k)))));
  }

  /** Every word of every name and alias, and its other-language words: a word in here is meant as written. */
  private get vocabulary(): Set<string> {
    return (this.vocabularyCache ??= new Set(this.terms.flatMap((t) => t.key.flatMap((k) => [...LEXICON.same(k)]))));
  }
  private vocabularyCache?: Set<string>;

  /**
   * Of the services a message could mean, the one it says more of:
   * - a service whose names hold every naming word the others' do, and more: "clase expres" is "Clase expres de 30
   *   minutos" more than the "clase" alias of "Clase individual"; "full wash on the suv" is "Lavado completo camioneta o
   *   SUV", not also "Lavado completo"; "dubble race" is the "double race", not the "race";
   * - of two named, the one whose name holds the other's whole ("Full valet 4x4 or SUV" and "Full valet");
   * - between services equally said, the one an alias names whole in the other language ("sesion de una hora" for the
   *   "hour session"), or the one whose one-word alias is the word said in the other language ("a lesson" where "Clase
   *   individual" has the alias "leccion": that word alone means it);
   * - "una tanda infantil", "a kids race": a word only one other service has, said beside the word of a kind that
   *   several services share.
   * None when the message says as much of two: the customer is asked which.
   */
  private refined(candidates: readonly Service[], text: string, typos: boolean): Service | undefined {
    const said = this.namingWords(text);
    if (said.length === 0) return undefined;
    const all = this.services;
    const cover = new Map(all.map((s) => [s.id, this.covered(s, said, typos)]));
    const union = new Set(candidates.flatMap((c) => [...cover.get(c.id)!]));
    if (union.size === 0) return undefined;
    const holding = all.filter((s) => [...union].every((w) => cover.get(s.id)!.has(w)));
    const most = Math.max(...holding.map((s) => cover.get(s.id)!.size));
    const fullest = holding.filter((s) => cover.get(s.id)!.size === most);
    if (fullest.length === 1) {
      const best = fullest[0]!;
      // Between services named apart, only one of them; beyond the one named, only one that says more.
      if (candidates.length > 1 ? candidates.includes(best) : most > union.size) return best;
    }
    if (candidates.length > 1) {
      // "a pickup … the full wash": "Full valet 4x4 or SUV" is the "Full valet" for the kind of car said, not a second service.
      const nameWords = (s: Service) => serviceKey(s.name).filter((w) => !STOPWORDS.has(w) && !TERM_FILLER.has(w));
      const variants = candidates.filter((v) => candidates.every((c) => c === v || nameWords(c).every((w) => nameWords(v).includes(w))));
      if (variants.length === 1) return variants[0];
      const tied = candidates.filter((c) => cover.get(c.id)!.size === union.size);
      // Only a whole alias: one word pointing at one service ("nails" at "acrylic nails") is no more than the others say.
      const translated = tied.length >= 2 ? translatedServices(this.terms, text, true).filter((s) => tied.includes(s)) : [];
      if (translated.length === 1) return translated[0];
      const beside = this.besideKind(candidates, text, said, cover);
      if (beside) return beside;
      // Any service's such alias: "Clase de surf en grupo" (alias "leccion") is the "lesson" that four other names hold;
      // a word some service has alone as written ("race") was read as that service's name already.
      const other = [...union].filter((w) => !this.terms.some((t) => t.key.length === 1 && t.key[0] === w));
      if (tied.length < candidates.length) return undefined;
      const alone = all.filter((c) => this.terms.some((t) => t.service.id === c.id && t.key.length === 1 && other.some((w) => LEXICON.same(t.key[0]!).has(w))));
      return alone.length === 1 ? alone[0] : undefined;
    }
    return this.besideKind(candidates, text, said, cover);
  }

  /**
   * "una tanda infantil", "a kids race": a word only one service's names hold as written, said beside a word of a kind
   * several services share (and that service lacks), names that service; beside the kind of the one service named, or
   * between the named.
   */
  private besideKind(candidates: readonly Service[], text: string, said: readonly string[], cover: ReadonlyMap<string, ReadonlySet<string>>): Service | undefined {
    const key = serviceKey(text);
    const holders = (w: string) => this.services.filter((s) => this.terms.some((t) => t.service.id === s.id && t.key.includes(w)));
    // A kind is a word of two or more names, in either language ("Tanda 10 minutos", "Tanda doble" for "race"); an alias's
    // word is none ("gel" of "gel polish" beside "nails" names no kind of nails).
    const namedKind = (w: string) => this.services.filter((s) => serviceKey(s.name).some((k) => LEXICON.same(k).has(w))).length;
    const found = new Set<Service>();
    for (let i = 0; i + 1 < key.length; i++) {
      for (const [kind, other] of [[key[i]!, key[i + 1]!], [key[i + 1]!, key[i]!]] as const) {
        const naming = candidates.filter((c) => cover.get(c.id)!.has(kind));
        // "private lesson": a named service that has both words is the one said ("Semi-private lesson" holds "private" too).
        if (!said.includes(other) || naming.length === 0 || naming.some((c) => cover.get(c.id)!.has(other)) || namedKind(kind) < 2) continue;
        // The word as its name writes it: "infantil" of "Karting infantil", not "niños" said of a birthday party's guests.
        const others = holders(other).filter((s) => !cover.get(s.id)!.has(kind));
        if (others.length === 1) found.add(others[0]!);
      }
    }
    const best = found.size === 1 ? [...found][0]! : undefined;
    return best && (candidates.length === 1 || candidates.includes(best)) ? best : undefined;
  }

  /**
   * The found services with the one whose length (or number in its name) the message says first.
   * When the message says a length that none of the related services has, none is named: the
   * customer is asked which, rather than booked into the wrong length.
   */
  private byLength(found: Service[], text: string): { ranked: Service[]; fitted: boolean } {
    const first = found[0];
    if (!first) return { ranked: this.lengthAlone(text), fitted: false };
    const own = this.terms.filter((t) => t.service.id === first.id).flatMap((t) => t.key.filter((w) => w.length >= 4 && !STOPWORDS.has(w) && !/\d/.test(w)));
    // "a 1 hour lesson": the services sharing the word said ("lesson"), not every service sharing any word of the first's
    // names ("clase" of "Clase de juego corto", another hour).
    const saidKey = new Set(serviceKey(text));
    // "una pista de 2 horas" says the "lane" of "Lane for 2 hours" in the other language.
    const isSaid = (w: string) => [...LEXICON.same(w)].some((x) => saidKey.has(x));
    const relatedBy = (words: ReadonlySet<string>) => [...new Map([...found, ...this.terms.filter((t) => t.key.some((w) => words.has(w))).map((t) => t.service)].map((s) => [s.id, s])).values()];
    // …unless those are all one length: "masaje sueco" (an alias) is still the "Swedish massage" that lasts 60 or 90.
    const narrow = relatedBy(new Set(own.filter(isSaid)));
    const words = new Set(new Set(narrow.map((s) => s.duration)).size >= 2 ? own.filter(isSaid) : own);
    const related = relatedBy(words);
    if (words.size === 0 || new Set(related.map((s) => s.duration)).size < 2) return { ranked: found, fitted: false };
    // "pista 90", "court de 90": a number right after the shared word is the length, or the number in a name.
    const bare = new RegExp(`\\b(?:${[...words].flatMap((w) => [...LEXICON.same(w)]).map(escapeRegExp).join('|')})(?: de| of)? (\\d{2,3})\\b`).exec(serviceKey(text).join(' '));
    const n = normalize(text);
    const said = bare ? Number(bare[1]) : statedMinutes(n);
    // "the longer one", "la corta": the longest or shortest of the related services.
    const extreme = LONGER.test(n) ? Math.max(...related.map((s) => s.duration)) : SHORTER.test(n) ? Math.min(...related.map((s) => s.duration)) : undefined;
    // "push it back an hour" says how far to move, not how long.
    if ((said === undefined || (!bare && timeShift(n) !== undefined)) && extreme === undefined) return { ranked: found, fitted: false };
    const fits = related.filter((s) => (said === undefined ? s.duration === extreme : s.duration === said || this.namedMinutes(s).includes(said) || (bare && (normalize(s.name).match(/\d+/g) ?? []).map(Number).includes(said))));
    if (fits.length === 0) return { ranked: bare ? found : [], fitted: false };
    const rank = (s: Service) => (fits.includes(s) ? 0 : 1) * 1000 + (found.includes(s) ? found.indexOf(s) : 999);
    return { ranked: [...new Set([...found, ...fits])].sort((a, b) => rank(a) - rank(b)), fitted: fits.length === 1 };
  }

  /**
   * The lengths a service's names say ("Tanda 10 minutos", alias "media hora"): a "10 min race" is the one so named,
   * even when the slot it takes is longer (15 minutes, with the changeover).
   */
  private namedMinutes(service: Service): number[] {
    return this.terms.filter((t) => t.service.id === service.id).flatMap((t) => statedMinutes(t.term) ?? []);
  }

  /**
   * "the 90 one", "la de 90", "90 mins please": a whole message that only says a length, as an
   * answer to "which service?", names the one service that lasts that long (or says that number).
   */
  private lengthAlone(text: string): Service[] {
    const n = normalize(text);
    const m = LENGTH_ALONE.exec(n);
    // "la de 2 horas", "the hour and a half one": a length in words, and little else.
    const said = m ? Number(m[1]) : LENGTH_WORDS_ALONE.test(n) ? statedMinutes(n) : undefined;
    if (said === undefined || said < 25) return [];
    const services = [...new Map(this.terms.map((t) => [t.service.id, t.service])).values()];
    const fits = services.filter((s) => s.duration === said || (normalize(s.name).match(/\d+/g) ?? []).map(Number).includes(said));
    return fits.length === 1 ? fits : [];
  }

  /**
   * "ok deep then", "no sorry, standard is fine": the one service whose name opens with a word the message says, a word
   * no other service's name has. For a change of mind while a service is being booked, when nothing is named in full.
   */
  byHeadWord(text: string): Service | undefined {
    // Each service's name once (an alias may repeat it).
    const names = [...new Map(this.terms.filter((t) => normalize(t.service.name) === t.term).map((t) => [t.service.id, t])).values()];
    const uses = new Map<string, number>();
    for (const w of names.flatMap((t) => [...new Set(t.key)])) uses.set(w, (uses.get(w) ?? 0) + 1);
    const said = new Set(serviceKey(text));
    // "la cosmica" for "Cosmic glow bowling": the head word in the other language, or an English -ic as Spanish says it.
    const saysHead = (w: string) => [...LEXICON.same(w)].some((x) => said.has(x)) || (w.endsWith('ic') && (said.has(`${w}a`) || said.has(`${w}o`)));
    const heads = names.filter((t) => {
      const w = t.key[0]!;
      return t.key.length >= 2 && uses.get(w) === 1 && saysHead(w) && w.length >= 4 && !STOPWORDS.has(w) && !NOT_HEADS.has(w) && !POINTING_AND_COUNTING.has(w) && keywordIntents(w).length === 0;
    });
    return heads.length === 1 ? heads[0]!.service : undefined;
  }

  private named(text: string): Service[] {
    const n = ` ${normalize(text)} `;
    const key = serviceKey(text);
    const keyed = ` ${key.join(' ')} `;
    // The longest name said wins; words that ask for something ("reservar pista") add nothing to its length.
    const weight = (t: ServiceTerm) => t.term.split(' ').filter((w) => keywordIntents(w).length === 0).join(' ').length;
    const said = this.terms.filter((t) => n.includes(` ${t.term} `) || keyed.includes(` ${t.key.join(' ')} `));
    // "sala de ensayo 2 horas" says one name, not also the "sala de ensayo" inside it; an alias made only of
    // small words ("para mi") counts only when nothing more telling is said.
    // "una copia auténtica de escritura": a one-word name right after another name and "de"/"of" completes that name.
    const completes = (t: ServiceTerm) => !t.term.includes(' ') && said.some((o) => o.service.id !== t.service.id && new RegExp(` ${escapeRegExp(o.term)} (?:de|del|of|of the) ${escapeRegExp(t.term)} `).test(n));
    const whole = said.filter((t) => !completes(t) && !said.some((o) => o.term.length > t.term.length && ` ${o.term} `.includes(` ${t.term} `)));
    const telling = whole.filter((t) => t.term.split(' ').some((w) => !STOPWORDS.has(w)));
    const exact = (telling.length > 0 ? telling : whole).sort((a, b) => weight(b) - weight(a));
    const found = new Map<string, Service>();
    for (const t of exact) found.set(t.service.id, t.service);
    if (found.size > 0) return [...found.values()];
    for (const t of this.terms) if (allWordsIn(t.key, key)) found.set(t.service.id, t.service);
    return [...found.values()];
  }

  /**
   * The services whose names (or aliases) hold a word the message says, when that word is in two or more of them;
   * or the one of them holding it exactly as the message writes it.
   */
  private sharedWord(text: string): Service[] {
    // A unit of time ("a la misma hora") is how long or when, never which service.
    for (const w of words(text).filter((x) => x.length >= 4 && keywordIntents(x).length === 0 && !TIME_UNIT.test(x))) {
      const holding = this.terms.filter((t) => t.key.length >= 2 && t.key.includes(keyWord(w)));
      const sharing = new Map(holding.map((t) => [t.service.id, t.service]));
      // "his ears done" for "ears pierced" (Ear lobe) and "upper ear" (Helix): the one name holding the word as written.
      const asWritten = new Map(holding.filter((t) => t.term.split(' ').includes(w)).map((t) => [t.service.id, t.service]));
      if (sharing.size < 2) continue;
      // "exterior" for "Lavado exterior" beside "Lavado completo (interior y exterior)": brackets describe, the name names.
      const outside = new Map(holding.filter((t) => t.core.includes(keyWord(w))).map((t) => [t.service.id, t.service]));
      if (outside.size === 1) return [...outside.values()];
      if (asWritten.size === 1) return [...asWritten.values()];
      // "sesion" where two names say "sesión" and the others "session": all of them, for the length or words said to choose.
      const other = this.terms.filter((t) => t.key.length >= 2 && t.key.some((k) => k !== keyWord(w) && LEXICON.same(k).has(keyWord(w))));
      return [...new Map([...holding, ...other].map((t) => [t.service.id, t.service])).values()];
    }
    return [];
  }

  /**
   * "standard is fine", "ok deep then": the word that sets one service apart from the kind it is
   * ("Standard clean", "Deep clean"), said without the kind. Only a word before the last of a name,
   * so "haircut" alone is not "Kids haircut".
   */
  private modifier(text: string): Service | undefined {
    for (const w of words(text).filter((x) => x.length >= 4 && keywordIntents(x).length === 0 && !TIME_UNIT.test(x) && !POINTING_AND_COUNTING.has(x))) {
      const k = keyWord(w);
      const having = new Map(this.terms.filter((t) => t.key.length >= 2 && t.key.slice(0, -1).includes(k)).map((t) => [t.service.id, t.service]));
      if (having.size === 1) return [...having.values()][0];
    }
    return undefined;
  }

  /** Services a word of the message is a close spelling of ("masage"). */
  private misspelt(text: string): Service[] {
    const found = new Map<string, Service>();
    // "la primera", "the second": a pick among offers, not a misspelt "Primera visita".
    for (const w of words(text).filter((x) => x.length >= 5 && !POINTING_AND_COUNTING.has(x))) {
      const best = this.fuse.search(w)[0];
      if (best && (best.score ?? 1) <= 0.25 && misspells(w, best.item.term)) found.set(best.item.service.id, best.item.service);
    }
    return [...found.values()];
  }
}

/**
 * Whether the text shares a word of `letters` or more with the service's name or aliases ("the
 * haircut", "la del masaje"; "the mens one" with three).
 */
export function sharesServiceWord(service: Service, text: string, letters = 4): boolean {
  const mine = new Set(serviceKey(text).filter((w) => w.length >= letters && !STOPWORDS.has(w)));
  return [service.name, ...service.aliases].some((t) => serviceKey(t).some((w) => w.length >= letters && mine.has(w)));
}

/** "somos 6", "para 2", "table for 4", "12 people": how many people the booking is for. */
const PARTY = /\b(?:(?:somos|seriamos|para|table for|mesa para|party of|group of|grupo de) (\d{1,3})(?! ?(?:de |del |h\b|hs\b|am\b|pm\b|[:.]\d))|(\d{1,3}) (?:people|persons|guests|pax|of us|personas|comensales|adultos))\b/;
/** A service sold by party size names its people ("Mesa para 4", "Grupo (7 a 20 personas)", "table for two"). */
const PARTY_SERVICE = /\b(mesa|mesas|table|tables|personas|people|persons|guests|grupo|group|party|pax|comensales)\b/;

/** The service for a party of `size`: the one whose name says that number, or a range holding it. */
export function serviceForParty(services: readonly Service[], text: string): Service | undefined {
  const m = PARTY.exec(normalize(text));
  if (!m) return undefined;
  const size = Number(m[1] ?? m[2]);
  const sized = services.filter((s) => PARTY_SERVICE.test(normalize(s.name)));
  const numbers = (s: Service) => normalize(s.name).match(/\d+/g)?.map(Number) ?? [];
  const exact = sized.find((s) => numbers(s).length === 1 && numbers(s)[0] === size);
  return exact ?? sized.find((s) => numbers(s).length === 2 && numbers(s)[0]! <= size && size <= numbers(s)[1]!);
}

/** Question words, whose other endings are other questions: "cuanto" (how much) and "cuantos" (how many). */
const INTERROGATIVE = /^(cuant|cual|quien)[aeos]*$/;

/** Each word in the singular, roughly: "hen parties" → "hen party", "coches de cortesía" → "coche de cortesia", "cancelaciones" → "cancelacion". */
const singularWords = (text: string) =>
  text.split(' ').map((w) => (w.length < 4 ? w : w.replace(/ies$/, 'y').replace(/ones$/, 'on').replace(/(ss|x)es$/, '$1').replace(/([^s])s$/, '$1'))).join(' ');

/**
 * Whether a message says a word or phrase of the lexicon's, in either language: "efectivo" says
 * "cash", "anulo" says "cancelación", "tarjeta regalo" says "gift card". A word the lexicon does not
 * have is said only as written, which the matchers check themselves.
 */
function saidInEitherLanguage(normalized: string): (word: string) => boolean {
  const keys = new Set(lexiconKey(normalized));
  return (word) => {
    const joined = lexiconKey(word);
    if (joined.length !== 1) return false;
    const same = LEXICON.same(joined[0]!);
    return same.size > 1 && !LEXICON.generic(joined[0]!) && [...same].some((w) => keys.has(w));
  };
}

/** One word for every word of the lexicon's group a keyword is in; any other keyword is its own. */
function meaning(keyword: string): string {
  const joined = lexiconKey(keyword);
  return joined.length === 1 ? [...LEXICON.same(joined[0]!)].sort()[0]! : keyword;
}

/** Words of a message that name what it is about: no stopword, no everyday or time word, no number ("26th", "4b"). */
const topicWords = (normalized: string) => normalized.replace(/['’]/g, '').split(' ').filter((w) => w.length >= 3 && !/\d/.test(w) && !STOPWORDS.has(w) && !everydayWord(w));

/**
 * How many words of a message that none of an entry's hits explain a single hit may carry: "is there parking nearby" is the
 * parking entry; "can you recommend a pizza place near zilker park" asks about a pizza place, whatever "park" shares.
 */
const FOREIGN_PER_HIT = 2;

/** What a question asks (when, where, how much): a word an FAQ's question and a customer's share that says what is asked. */
const INTERROGATIVE_WORD = /^(?:when|where|how|which|who|why|cuando|donde|como|cuanto|cuanta|cuantos|cuantas|cual|cuales|quien|quienes)$/;

/** Keywords of one meaning count once; more keywords said break ties (FaqMatcher.keywordHits). */
const hitScore = (hits: readonly string[]) => new Set(hits.map(meaning)).size + hits.length / 100;

/** Ranks FAQ entries by overlap with their keywords and question words, in either language; typo-tolerant via fuse.js. */
export class FaqMatcher {
  private readonly fuse: Fuse<{ faq: Faq; text: string }>;
  /** Each entry's keywords and question words, normalised once per profile rather than per message. */
  private readonly entries: { faq: Faq; keywords: string[]; questionWords: string[]; topic: string[] }[];
  /** Every word the business writes (FAQ, services, name, address), and the other language's words for them. */
  private readonly known: Set<string>;
  /** The words of its services' names and aliases, in either language: a word the FAQ shares with them is the services' talk as much. */
  private readonly serviceWords: Set<string>;

  /** `profile` adds the words its services, name and address say (what the business knows beside its FAQ). */
  constructor(faqs: readonly Faq[], profile?: Pick<Profile, 'services' | 'name' | 'address'>) {
    // The question's words of a topic or of what it asks ("pasa", "llueve", "cuándo"; not "si", "there"): "sabes si va a llover"
    // says one of "¿Qué pasa si llueve?", not two.
    this.entries = faqs.map((faq) => ({ faq, keywords: faq.keywords.map(normalize), questionWords: words(faq.question), topic: words(faq.question).filter((w) => !everydayWord(w) || INTERROGATIVE_WORD.test(w)) }));
    this.fuse = new Fuse(
      faqs.map((faq) => ({ faq, text: normalize(`${faq.question} ${faq.keywords.join(' ')}`) })),
      { keys: ['text'], includeScore: true, threshold: 0.35, ignoreLocation: true, useExtendedSearch: false },
    );
    const serviceTexts = (profile?.services ?? []).flatMap((s) => [s.name, ...s.aliases]);
    this.serviceWords = new Set(serviceTexts.flatMap(serviceKey).flatMap((w) => [...LEXICON.same(w)]));
    const texts = [...faqs.flatMap((f) => [f.question, f.answer, ...f.keywords]), ...serviceTexts, ...(profile?.services ?? []).map((s) => s.description ?? ''), profile?.name ?? '', profile?.address ?? ''];
    this.known = new Set(texts.flatMap((t) => lexiconKey(t)).flatMap((w) => [...LEXICON.same(w)]));
  }

  /**
   * Which of an entry's keywords the message has: phrases anywhere, single words as words, and
   * the lexicon's words in either language ("efectivo" for "cash"). With `inflected`, plurals and
   * other endings of a long keyword count too ("recoger" in "recogeis").
   */
  private hitKeywords(keywords: readonly string[], normalized: string, msg: ReadonlySet<string>, inflected: boolean): string[] {
    const stemHit = (k: string) => {
      if (k.length < 6) return false;
      const stem = k.slice(0, Math.max(5, k.length - 3));
      // "cuanto cuesta" asks a price, not the "cuantos" (how many) of a group-size entry.
      return [...msg].some((w) => w.startsWith(stem) && !INTERROGATIVE.test(w));
    };
    const singularText = inflected ? ` ${singularWords(normalized)} ` : '';
    const phraseHit = (k: string) => normalized.includes(k) || (inflected && singularText.includes(` ${singularWords(k)} `));
    const said = saidInEitherLanguage(normalized);
    return keywords.filter((k) => (k.includes(' ') ? phraseHit(k) : msg.has(k) || (inflected && (msg.has(`${k}s`) || stemHit(k)))) || said(k));
  }

  /**
   * How many of an entry's keywords the message has (hitKeywords). "abono" says "abono", "adelanto" and "deposit" alike:
   * keywords of one meaning are one hit. Between entries with as many, the one more of whose keywords are said wins ("vegan"
   * says three of the vegan entry's, "menu" two of the menu's).
   */
  private keywordHits(keywords: readonly string[], normalized: string, msg: ReadonlySet<string>, inflected: boolean): number {
    return hitScore(this.hitKeywords(keywords, normalized, msg, inflected));
  }

  /**
   * Whether the keywords an entry's best match hits are evidence enough for the message, in proportion to it:
   * - a word of everyday talk or of when ("vale", "cuando", "noche") tells no topic: "buenas noches" is no question
   *   about the courts' lights at night;
   * - a word the business's services also hold ("kids" of a "Kids clinic") is as much the services' talk: with nothing
   *   more, "what do you have for kids" asks about them, not the age policy;
   * - one word explains only so much: the words it leaves that the business never writes ("pizza place near zilker
   *   park", "will it be windy at camps bay", "my pool is green") ask about something else, the world or another trade.
   */
  private evidence(hits: readonly string[], text: string, questionWords: readonly string[]): boolean {
    const normalized = normalize(text);
    const telling = hits.filter((k) => k.includes(' ') || !everydayWord(k));
    const meanings = new Set(telling.map(meaning));
    if (meanings.size === 0) return false;
    if (meanings.size >= 2) return true;
    if (telling.every((k) => !k.includes(' ') && this.serviceWords.has(keyWord(k)))) return false;
    // A phrase the business wrote for the entry ("dog hair", "a domicilio") explains more than one word does.
    const said = Math.max(...telling.map((k) => k.split(' ').length));
    // Only the sentence that asks weighs: "¿laváis motos? la mía tiene el motor hecho un asco" asks the motorbike entry.
    const asking = text.split(/[?!.\n]+/).map(normalize).filter((c) => this.hitKeywords(telling, c, new Set(words(c)), true).length > 0);
    return Math.min(...(asking.length ? asking : [normalized]).map((c) => this.unexplained(telling, c, questionWords).length)) <= FOREIGN_PER_HIT * said;
  }

  /** The message's topic words that neither the hits nor the entry's question explain, and the business never writes. */
  private unexplained(telling: readonly string[], normalized: string, questionWords: readonly string[]): string[] {
    const explained = new Set(lexiconKey([...telling, ...questionWords].join(' ')).flatMap((w) => [...LEXICON.same(w)]));
    const explains = (w: string) => {
      const k = keyWord(w);
      return explained.has(k) || telling.some((h) => h.length >= 4 && (w.startsWith(h.slice(0, Math.max(4, h.length - 3))) || h.split(' ').includes(w)));
    };
    return topicWords(normalized).filter((w) => !explains(w) && !this.known.has(keyWord(w)) && !this.known.has(w));
  }

  /** The best entry and whether the match is strong: the business's own keywords, as many as the message asks (evidence), or most of a question. */
  match(text: string): { faq: Faq; strong: boolean } | undefined {
    const normalized = normalize(text);
    const msg = new Set(words(text));
    let top: { faq: Faq; keywordHits: number; questionShare: number; hits: string[]; asked: string[]; questionWords: string[] } | undefined;
    const said = saidInEitherLanguage(normalized);
    for (const { faq, keywords, topic: q } of this.entries) {
      const hits = this.hitKeywords(keywords, normalized, msg, true);
      const keywordHits = hitScore(hits);
      const asked = q.filter((w) => msg.has(w) || said(w));
      const questionShare = q.length ? asked.length / q.length : 0;
      if ((keywordHits > 0 || questionShare > 0) && (!top || keywordHits * 2 + questionShare > top.keywordHits * 2 + top.questionShare)) top = { faq, keywordHits, questionShare, hits, asked, questionWords: q };
    }
    if (!top) return undefined;
    // Most of a question in two words or more is the entry's; one word of it ("parking?") weighs as a keyword does.
    const most = top.questionShare >= 0.6;
    return { faq: top.faq, strong: (most && top.asked.length >= 2) || ((most || top.keywordHits > 0) && this.evidence([...top.hits, ...(most ? top.asked : [])], text, top.questionWords)) };
  }

  best(text: string): Faq | undefined {
    const normalized = normalize(text);
    const msg = new Set(words(text));
    if (msg.size === 0) return undefined;
    let top: { faq: Faq; score: number } | undefined;
    const said = saidInEitherLanguage(normalized);
    for (const { faq, keywords, questionWords } of this.entries) {
      const score = this.keywordHits(keywords, normalized, msg, false) * 2 + questionWords.filter((w) => msg.has(w) || said(w)).length;
      if (score > 0 && (!top || score > top.score)) top = { faq, score };
    }
    if (top && top.score >= 2) return top.faq;
    const fuzzy = [...msg].filter((w) => w.length >= 5).map((w) => this.fuse.search(w)[0]).filter((r) => r && (r.score ?? 1) <= 0.2);
    return fuzzy[0]?.item.faq ?? top?.faq;
  }
}

/** Matchers are built once per profile object (a new profile, a new index). */
const matchers = new WeakMap<Profile, { services: ServiceMatcher; faqs: FaqMatcher }>();

export function matchersFor(profile: Profile): { services: ServiceMatcher; faqs: FaqMatcher } {
  return cached(matchers, profile, () => ({ services: new ServiceMatcher(profile.services), faqs: new FaqMatcher(profile.faq, profile) }));
}
