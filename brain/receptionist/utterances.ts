import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LANGUAGES, type Language } from '../../core/profile.js';

/**
 * The classifier's training utterances: every `<name>.<language>.txt` file of the corpus folder
 * (corpus/README.md says who wrote which). A tenant's own service names and FAQ questions are not
 * in it: they are a small overlay on the shared models (classifier.ts).
 */
export const TRAINABLE_INTENTS = ['greeting', 'hours', 'location', 'services', 'book', 'cancel', 'reschedule', 'my_bookings', 'faq', 'human', 'thanks', 'smalltalk'] as const;
export type TrainableIntent = (typeof TRAINABLE_INTENTS)[number];
/** `unknown` lines teach what is out of scope. */
export type CorpusIntent = TrainableIntent | 'unknown';

export interface Utterance {
  intent: CorpusIntent;
  text: string;
  /** The corpus file's name, like `base.en.txt`. */
  file: string;
  /** The kind of business its block is about (a `# kind: …` comment above it), where the author named one. */
  kind?: string;
}

export type Corpus = Record<Language, Utterance[]>;

const INTENTS = new Set<string>([...TRAINABLE_INTENTS, 'unknown']);

export class CorpusError extends Error {
  constructor(readonly problems: string[]) {
    super(`the classifier's corpus has ${problems.length} problem(s); fix these lines:\n${problems.join('\n')}`);
  }
}

/**
 * The folder next to this module. `npm run build` copies it next to the compiled module
 * (scripts/build-assets.mjs), since PM2 runs dist/.
 */
export const CORPUS_DIR = fileURLToPath(new URL('./corpus/', import.meta.url));

const FILE = /^[\w-]+\.([a-z]{2})\.txt$/;

const KIND = /^#\s*kind:\s*(.+)$/;

/**
 * Parses one corpus file's text; problems are collected as `file:line: what`, so one run lists them all.
 * A `# kind: X` comment names the business of the lines below it, up to the next one (the kind
 * cross-validation holds kinds out: bench/corpus-crossval.mjs).
 */
export function parseCorpusFile(text: string, file: string, problems: string[]): Omit<Utterance, 'file'>[] {
  let kind: string | undefined;
  return text.split('\n').flatMap((raw, i) => {
    const line = raw.trim();
    if (line.startsWith('#')) kind = KIND.exec(line)?.[1]?.trim() ?? kind;
    if (!line || line.startsWith('#')) return [];
    const bar = line.indexOf('|');
    const intent = line.slice(0, bar).trim();
    const said = line.slice(bar + 1).trim();
    const where = `${file}:${i + 1}`;
    if (bar < 0) problems.push(`${where}: expected "<intent> | <text>", got "${line}"`);
    else if (!INTENTS.has(intent)) problems.push(`${where}: unknown intent "${intent}" (expected one of ${[...INTENTS].join(', ')})`);
    else if (!said) problems.push(`${where}: no text after "${intent} |"`);
    else return [{ intent: intent as CorpusIntent, text: said, ...(kind ? { kind } : {}) }];
    return [];
  });
}

/** Every `*.LANG.txt` file of `dir`, by language; throws CorpusError naming every bad line or file. */
export function loadCorpus(dir: string = CORPUS_DIR): Corpus {
  if (!fs.existsSync(dir)) throw new CorpusError([`${dir}: the corpus folder is missing (from dist/, run \`npm run build\`, which copies it)`]);
  const corpus = Object.fromEntries(LANGUAGES.map((l) => [l, [] as Utterance[]])) as Corpus;
  const problems: string[] = [];
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.txt')).sort()) {
    const lang = FILE.exec(file)?.[1];
    if (!lang || !(LANGUAGES as readonly string[]).includes(lang)) {
      problems.push(`${path.join(dir, file)}: a corpus file is named <name>.<language>.txt with a language of ${LANGUAGES.join(', ')}`);
      continue;
    }
    for (const u of parseCorpusFile(fs.readFileSync(path.join(dir, file), 'utf8'), path.join(dir, file), problems)) corpus[lang as Language].push({ ...u, file });
  }
  if (problems.length) throw new CorpusError(problems);
  return corpus;
}

let shipped: Corpus | undefined;

/** The shipped corpus, read once per process. */
export function corpus(): Corpus {
  return (shipped ??= loadCorpus());
}
