/**
 * Training-data hygiene for the classifier's corpus (brain/receptionist/corpus/): lines of one
 * language whose texts are the same or nearly the same but whose labels differ, and lines whose
 * label contradicts the labelling guidelines (test/eval/test/README.md). Six blind writers disagree
 * on labels; two labels for one text teach the models a coin toss.
 */
import type { Corpus, Utterance } from '../../brain/receptionist/utterances.js';
import { normalize, plain } from '../../brain/receptionist/text.js';

/** The text as the checker compares it: lower case, no accents, no punctuation, no emoji. */
export const hygieneKey = (text: string) => plain(normalize(text)).replace(/[^\p{L}\p{N} ]+/gu, ' ').replace(/\s+/g, ' ').trim();

const tokenSet = (key: string) => [...new Set(key.split(' '))].sort().join(' ');

/** Levenshtein distance, stopping early once it is over `max`. */
function withinEdits(a: string, b: string, max: number): boolean {
  if (Math.abs(a.length - b.length) > max) return false;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      best = Math.min(best, row[j]!);
    }
    if (best > max) return false;
    prev = row;
  }
  return prev[b.length]! <= max;
}

export interface Located extends Utterance {
  /** 1-based line number in its file. */
  line: number;
}

export interface Conflict {
  how: 'same text' | 'same words' | 'one edit apart';
  a: Located;
  b: Located;
}

/**
 * Pairs of lines whose keys are equal, token-set equal, or one character edit apart (keys of 12
 * characters or more: "qué hacéis" and "qué haces" are different questions, not a typo) and whose intents differ.
 */
export function findConflicts(lines: readonly Located[]): Conflict[] {
  const keyed = lines.map((u) => ({ u, key: hygieneKey(u.text) })).filter((k) => k.key);
  const conflicts: Conflict[] = [];
  const seen = new Set<string>();
  const add = (how: Conflict['how'], i: number, j: number) => {
    const [x, y] = i < j ? [i, j] : [j, i];
    const id = `${x}:${y}`;
    if (x === y || seen.has(id) || keyed[x]!.u.intent === keyed[y]!.u.intent) return;
    seen.add(id);
    conflicts.push({ how, a: keyed[x]!.u, b: keyed[y]!.u });
  };
  const group = (keyOf: (k: string) => string[], how: Conflict['how'], check?: (i: number, j: number) => boolean) => {
    const buckets = new Map<string, number[]>();
    keyed.forEach((k, i) => {
      for (const b of new Set(keyOf(k.key))) {
        const list = buckets.get(b) ?? [];
        list.push(i);
        buckets.set(b, list);
      }
    });
    for (const list of buckets.values()) {
      for (let p = 0; p < list.length; p++) for (let q = p + 1; q < list.length; q++) if (!check || check(list[p]!, list[q]!)) add(how, list[p]!, list[q]!);
    }
  };
  group((k) => [k], 'same text');
  group((k) => [tokenSet(k)], 'same words');
  // Two strings one edit apart share the string with one character deleted (or one is the other with one deleted).
  group(
    (k) => (k.length < 12 ? [] : [k, ...Array.from(k, (_, i) => k.slice(0, i) + k.slice(i + 1))]),
    'one edit apart',
    (i, j) => withinEdits(keyed[i]!.key, keyed[j]!.key, 1),
  );
  return conflicts;
}

interface Rule {
  why: string;
  /** The intents the guideline allows for a text it matches. */
  allowed: readonly string[];
  matches: (key: string) => boolean;
}

/** Opt-out words are answered before any classification; the README says the polite forms are no intent either. */
const OPT_OUT_WORDS = /^(stop|stop all|unsubscribe|baja)$/;
/** The guideline's smalltalk: a lone "ok"/"vale", laughter, a thumbs up. */
const LONE_ACK = /^(ok|okay|okey|vale|jaja+|jeje+|haha+|hehe+|lol|xd)$/;
const BOT_DOUBT = /\b(are you|is this|is that|r u|am i (talking|speaking|chatting) (to|with)) (a |an )?(bot|robot|machine|ai|real person|human)\b|\b(eres|es esto|sos|estoy hablando con) (un |una )?(bot|robot|maquina|ia|persona real|humano)\b|\b(real|actual) (person|human)\b|\bpersona (real|de verdad)\b/;
const CALL_ME_BACK = /\b(call me back|ring me back|give me a call back|(llamame|llameme)(?! (un|una)\b)|me (puedes|puede|podeis|pueden) llamar|devolverme la llamada)\b/;
const HAVE_I_BOOKED = /^(do i have (anything|an appointment|a booking|something) (booked|on|with you)|(tengo|tenia) (cita|algo reservado|reserva)|what day (was|am) i (coming|booked)|when (is|s) my (appointment|appt|booking))$/;
/** "how much is a trim": the price of a service, unless the price is of a policy (late cancellations, parking, a deposit). */
const PRICE_QUESTION = /^(how much (is|are|does|do|for)|cuanto (cuesta|vale|sale|cuestan|valen|salen|es|cobrais|cobran|cobras))\b/;
const POLICY_PRICE = /\b(cancel\w*|late|no show|parking|park|deposit|fee|penalty|charge for|aparcar|estacionamiento|cancelar|cancelacion|deposito|fianza|garantia|senal|sena|anticipo|adelanto|multa|no aparezco|no vengo|no llego|penalizacion|tarde|recargo|gift|voucher|bono|tarjeta regalo|regalo)\b/;
/** "I'll pay the cancellation fee, but please cancel tomorrow's": a request, not a policy question. */
const CANCEL_NOW = /\b(please cancel|cancel (my|our|it|tomorrow|today|the (appointment|booking|session))|cancela(me|la|lo)?|anula(me|la|lo)?)\b/;
const CANCEL_POLICY = /\b(do|will) you charge (for|if)\b.*\bcancel|\bcancell?ation (policy|fee|charge)\b|\b(cobrais|cobran|cobras) (por|si)\b.*\bcancel|\bpolitica de cancelacion\b/;

const RULES: readonly Rule[] = [
  { why: 'an exact opt-out word is answered before classification, never trained', allowed: [], matches: (k) => OPT_OUT_WORDS.test(k) },
  { why: 'a lone "ok"/"vale", laughter: smalltalk', allowed: ['smalltalk'], matches: (k) => LONE_ACK.test(k) },
  { why: 'doubting the bot or asking for a real person: human', allowed: ['human'], matches: (k) => BOT_DOUBT.test(k) },
  { why: '"call me back": human', allowed: ['human'], matches: (k) => CALL_ME_BACK.test(k) },
  { why: 'asking what is booked: my_bookings', allowed: ['my_bookings'], matches: (k) => HAVE_I_BOOKED.test(k) },
  { why: '"how much is a trim": services', allowed: ['services', 'unknown'], matches: (k) => PRICE_QUESTION.test(k) && !POLICY_PRICE.test(k) },
  { why: 'a cancellation-policy question: faq', allowed: ['faq', 'unknown'], matches: (k) => CANCEL_POLICY.test(k) && !CANCEL_NOW.test(k) },
];

export interface Violation {
  why: string;
  u: Located;
}

export function guidelineViolations(lines: readonly Located[]): Violation[] {
  return lines.flatMap((u) => {
    const key = hygieneKey(u.text);
    return RULES.filter((r) => r.matches(key) && !r.allowed.includes(u.intent)).map((r) => ({ why: r.why, u }));
  });
}

/** Corpus lines with their line numbers (loadCorpus keeps only the file). */
export function locate(corpus: Corpus, read: (file: string) => string): Record<keyof Corpus, Located[]> {
  const out = {} as Record<keyof Corpus, Located[]>;
  for (const lang of Object.keys(corpus) as (keyof Corpus)[]) {
    const numbers = new Map<string, number[]>();
    for (const file of new Set(corpus[lang].map((u) => u.file))) {
      read(file).split('\n').forEach((raw, i) => {
        const line = raw.trim();
        if (!line || line.startsWith('#') || !line.includes('|')) return;
        const id = `${file}\u0000${line.slice(0, line.indexOf('|')).trim()}\u0000${line.slice(line.indexOf('|') + 1).trim()}`;
        numbers.set(id, [...(numbers.get(id) ?? []), i + 1]);
      });
    }
    out[lang] = corpus[lang].map((u) => ({ ...u, line: numbers.get(`${u.file}\u0000${u.intent}\u0000${u.text}`)!.shift()! }));
  }
  return out;
}

/** Conflicts counted per pair of files ("written2.es.txt × written3.es.txt"). */
export function countByFilePair(conflicts: readonly Conflict[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of conflicts) {
    const pair = [c.a.file, c.b.file].sort().join(' × ');
    counts[pair] = (counts[pair] ?? 0) + 1;
  }
  return counts;
}

export const describeLine = (u: Located) => `${u.file}:${u.line} ${u.intent} | ${u.text}`;
