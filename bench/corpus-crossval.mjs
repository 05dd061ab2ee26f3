// How the intent classifier reads an author, or a kind of business, it never learned from: cross-validation
// of the corpus, two ways.
//
// --by author (the default): leave one author out. For each language and each blind-written file of it
// (written.*, written2.*, …), the models are trained on the base file and the other written files of
// that language, then every line of the left-out file is classified.
// --by kind: leave kinds of business out. The lines under a `# kind: …` comment (written4 on) are
// dealt, kind by kind, into --folds groups (5); each fold trains on every other line of the language,
// the same author's other kinds included, and classifies the lines of its kinds: how the models read a
// business nobody wrote about. Kinds about no business in particular ("any", "general", "mixed (…)")
// and manners of writing ("regional voices", "voice-to-text run-ons") always train and are not measured.
//
// Each line is classified twice: by the models alone (the top of `scores()`, no keywords, no rules)
// and by the full `classify()` with its rules, for a neutral profile (examples/demo-dental.yaml with no
// services and no FAQ, so no tenant overlay helps) or the profile given. Prints per fold and pooled:
// accuracy, per-intent recall and precision, the main confusions. The other language is trained on its
// base file only (it is not measured).
//
//   node bench/corpus-crossval.mjs [--by author|kind] [--folds 5] [--lang en|es] [--fold written2|1] [--profile file.yaml] [--confusions N] [--fit]
//
// --fit also asks each model alone and prints each one's accuracy and the blends of them (shares in
// tenths) that score best over the folds: how classifier.ts's BLEND is chosen.
//
// --thresholds also classifies every held-out line again for other values of classifier.ts's fitted thresholds
// (THRESHOLDS: humanLeads, closeBehind, nextGuess, sureGramsUnknown and which "unknown" it reads), one at a time,
// and prints what each costs (COSTS below), on every --sample'th line (4: a classification is milliseconds, and
// there are some 25,000 lines); --set humanLeads=0.5,nextGuess=0.4 measures with those values.
//
// Run `npm run build` first (it reads dist/). Each fold's models are kept in
// node_modules/.cache/wr-crossval (wr-crossval-kind for --by kind), keyed like the brain's by what they
// learned; a whole run deletes the entries it did not use, so the folder holds one set of folds, not
// every variant ever measured.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BLEND, IntentClassifier, THRESHOLDS } from '../dist/brain/receptionist/classifier.js';
import { ModelCache } from '../dist/brain/receptionist/model-cache.js';
import { corpus } from '../dist/brain/receptionist/utterances.js';
import { normalize } from '../dist/brain/receptionist/text.js';
import { parseProfileYaml } from '../dist/core/profile.js';
import { root } from './lib.mjs';

const refuse = (line) => {
  console.error(`corpus-crossval: ${line}`);
  process.exit(2);
};
let args;
try {
  args = parseArgs({
    options: { by: { type: 'string', default: 'author' }, folds: { type: 'string', default: '5' }, lang: { type: 'string' }, fold: { type: 'string' }, profile: { type: 'string' }, confusions: { type: 'string', default: '8' }, fit: { type: 'boolean', default: false }, thresholds: { type: 'boolean', default: false }, sample: { type: 'string', default: '4' }, set: { type: 'string' } },
  }).values;
} catch (err) {
  refuse(`${err.message} (expected --by author|kind, --folds <n>, --lang en|es, --fold <written file stem or kind fold number>, --profile <yaml>, --confusions <n>)`);
}
if (!['author', 'kind'].includes(args.by)) refuse(`--by ${args.by}: expected author or kind`);
const shipped = THRESHOLDS;
/** The thresholds measured: the shipped ones, or those --set says, passed to every fold's classifier. */
let measured = shipped;
if (args.set) {
  const set = { ...shipped };
  for (const pair of args.set.split(',')) {
    const [key, value] = pair.split('=');
    if (!(key in set)) refuse(`--set ${pair}: expected one of ${Object.keys(set).join(', ')}`);
    set[key] = typeof shipped[key] === 'number' ? Number(value) : value;
    if (typeof shipped[key] === 'number' && !Number.isFinite(set[key])) refuse(`--set ${pair}: expected a number`);
  }
  measured = set;
}
const sample = Number(args.sample);
if (!Number.isInteger(sample) || sample < 1) refuse(`--sample ${args.sample}: expected a whole number from 1`);
const kindFolds = Number(args.folds);
if (!Number.isInteger(kindFolds) || kindFolds < 2) refuse(`--folds ${args.folds}: expected a whole number from 2`);
const all = corpus();
const langs = Object.keys(all);
if (args.lang && !langs.includes(args.lang)) refuse(`--lang ${args.lang}: expected one of ${langs.join(', ')}`);
const stems = [...new Set(Object.values(all).flat().map((u) => u.file.split('.')[0]).filter((s) => s.startsWith('written')))].sort();
/**
 * Kinds about no business in particular: "any", "general", "mixed (…)", a manner of writing ("regional voices",
 * "voice-to-text run-ons", "Scottish voices (plumber, garage, funeral)") or an intent ("call me back", "misc trivia").
 */
const GENERAL_KIND = /^(any|general|mixed|misc|various|regional|roundabout|crossover|call me back|long stories|trivia|greeting|smalltalk|voice)|\bvoices\b|\b(punctuated|typos|texting|long)\b/i;
const foldNames = args.by === 'author' ? stems : Array.from({ length: kindFolds }, (_, i) => String(i + 1));
if (args.fold && !foldNames.includes(args.fold)) refuse(`--fold ${args.fold}: expected one of ${foldNames.join(', ')}`);
const topConfusions = Number(args.confusions);
if (!Number.isInteger(topConfusions) || topConfusions < 0) refuse(`--confusions ${args.confusions}: expected a whole number`);

const profileFile = args.profile ?? path.join(root, 'examples/demo-dental.yaml');
let profile;
try {
  profile = parseProfileYaml(fs.readFileSync(profileFile, 'utf8'), profileFile);
} catch (err) {
  refuse(`${profileFile}: ${err.message}`);
}
if (!args.profile) profile = { ...profile, services: [], faq: [] };

const cacheDir = path.join(root, 'node_modules', '.cache', args.by === 'author' ? 'wr-crossval' : 'wr-crossval-kind');
const used = new Set();
const cache = new ModelCache([cacheDir]);
const tracked = { read: (name) => (used.add(name), cache.read(name)), write: (name, text) => (used.add(name), cache.write(name, text)) };

const hasWords = (u) => /[\p{L}\p{N}]/u.test(normalize(u.text));
const pct = (a, b) => (b ? (100 * a) / b : 0).toFixed(1).padStart(5);

/** Tallies of one way of classifying: right and wrong per gold intent and per answer. */
function tally() {
  return { right: 0, asked: 0, gold: new Map(), said: new Map(), hit: new Map(), pairs: new Map() };
}
function count(t, gold, said) {
  const bump = (m, k) => m.set(k, (m.get(k) ?? 0) + 1);
  t.asked++;
  bump(t.gold, gold);
  bump(t.said, said);
  if (gold === said) {
    t.right++;
    bump(t.hit, gold);
  } else bump(t.pairs, `${gold} → ${said}`);
}
function merge(into, t) {
  into.right += t.right;
  into.asked += t.asked;
  for (const k of ['gold', 'said', 'hit', 'pairs']) for (const [key, n] of t[k]) into[k].set(key, (into[k].get(key) ?? 0) + n);
}
function report(title, t, detail) {
  console.log(`  ${title.padEnd(14)} ${pct(t.right, t.asked)} % of ${t.asked}`);
  if (!detail) return;
  const intents = [...t.gold.keys()].sort();
  console.log(`    recall    ${intents.map((i) => `${i.slice(0, 7)} ${pct(t.hit.get(i) ?? 0, t.gold.get(i))}`).join('  ')}`);
  console.log(`    precision ${intents.map((i) => `${i.slice(0, 7)} ${pct(t.hit.get(i) ?? 0, t.said.get(i) ?? 0)}`).join('  ')}`);
  const worst = [...t.pairs].sort((a, b) => b[1] - a[1]).slice(0, topConfusions);
  if (worst.length) console.log(`    confused  ${worst.map(([pair, n]) => `${pair} ${n}`).join(', ')}`);
}

/**
 * What a wrong answer costs, to fit the thresholds by: a request for a person that reaches none costs most (the
 * customer is stuck with a machine); an in-scope question answered "I can't help with that" loses a customer the
 * business could have served, a bit more than an out-of-scope one answered with the business's own facts (a
 * reply beside the point, which the customer can ask again), a needless handoff costs the staff a look, as
 * much as any other confusion.
 */
const COSTS = { missedHuman: 5, falseHuman: 1, lostInScope: 1.5, answeredOutOfScope: 1, other: 1 };
function costOf(gold, said) {
  if (gold === said) return ['right', 0];
  if (gold === 'human') return ['missedHuman', COSTS.missedHuman];
  if (said === 'human') return ['falseHuman', COSTS.falseHuman];
  if (said === 'unknown') return ['lostInScope', COSTS.lostInScope];
  if (gold === 'unknown') return ['answeredOutOfScope', COSTS.answeredOutOfScope];
  return ['other', COSTS.other];
}
/** The values tried, one threshold at a time from the shipped (or --set) ones. */
function candidates(base) {
  const tries = { humanLeads: [0.5, 0.55, 0.65, 0.7], closeBehind: [0.8, 0.85, 0.95, 1], nextGuess: [0.3, 0.4, 0.45], sureGramsUnknown: [0.7, 0.9] };
  const out = [{ name: 'as set', t: base }];
  for (const [key, values] of Object.entries(tries)) for (const v of values) if (v !== base[key]) out.push({ name: `${key} ${v}`, t: { ...base, [key]: v } });
  const other = base.unknownFrom === 'grams' ? 'blend' : 'grams';
  for (const v of [0.6, 0.7, 0.8]) out.push({ name: `unknownFrom ${other}, sureGramsUnknown ${v}`, t: { ...base, unknownFrom: other, sureGramsUnknown: v } });
  return out;
}
const settings = args.thresholds ? candidates(measured) : [];
/** Per setting and language: cost, lines, and counts per kind of error. */
const costs = settings.map(() => ({}));

const WAYS = ['models', 'classify'];
const MODELS = Object.keys(BLEND);
const NONE = Object.fromEntries(MODELS.map((m) => [m, 0]));
/** With --fit: each held-out line's gold intent and each model's own probabilities. */
const readings = [];
/**
 * The folds of one language: the lines held out, named, and the corpus trained without them. The other language
 * learns its base lines only: it is not measured, and training it whole would double the cost.
 */
function foldsOf(lang) {
  const others = (train) => Object.fromEntries(langs.map((l) => [l, l === lang ? train : all[l].filter((u) => u.file.startsWith('base.'))]));
  if (args.by === 'author') {
    return stems.map((stem) => {
      const file = `${stem}.${lang}.txt`;
      return { name: stem, title: `fold ${file}`, held: all[lang].filter((u) => u.file === file && hasWords(u)), train: others(all[lang].filter((u) => u.file !== file)) };
    });
  }
  // Dealt in order of name: a fold holds kinds of every letter, and the same kinds on every run. One business
  // however its blocks are headed: "DJ hire (more)" is "DJ hire", "alpaca farm (Peru / Bolivia)" "alpaca farm".
  const business = (kind) => kind.replace(/\(.*?\)/g, '').trim().toLowerCase();
  const kinds = [...new Set(all[lang].filter((u) => u.kind && !GENERAL_KIND.test(u.kind)).map((u) => business(u.kind)))].sort();
  return foldNames.map((name, i) => {
    const mine = new Set(kinds.filter((_, j) => j % kindFolds === i));
    const isHeld = (u) => u.kind !== undefined && !GENERAL_KIND.test(u.kind) && mine.has(business(u.kind));
    return { name, title: `kind fold ${name} (${mine.size} kinds: ${[...mine].slice(0, 4).join(', ')}…)`, held: all[lang].filter((u) => isHeld(u) && hasWords(u)), train: others(all[lang].filter((u) => !isHeld(u))) };
  });
}

const started = Date.now();
console.log(`leave-one-${args.by}-out cross-validation; classify() with ${args.profile ? profileFile : 'demo-dental, no services, no FAQ'}`);
const pooled = {};
for (const lang of args.lang ? [args.lang] : langs) {
  pooled[lang] = Object.fromEntries(WAYS.map((w) => [w, tally()]));
  const foldAccuracy = Object.fromEntries(WAYS.map((w) => [w, []]));
  for (const { name, title, held, train } of foldsOf(lang)) {
    if (args.fold && name !== args.fold) continue;
    if (held.length === 0) continue;
    const t0 = Date.now();
    const classifier = await IntentClassifier.train(profile, train, tracked, measured);
    const trainS = (Date.now() - t0) / 1000;
    const fold = Object.fromEntries(WAYS.map((w) => [w, tally()]));
    for (const u of held) {
      const text = normalize(u.text);
      count(fold.models, u.intent, (await classifier.scores(text, lang))[0]?.intent ?? 'unknown');
      count(fold.classify, u.intent, (await classifier.classify(text, lang)).intent);
      if (args.fit) readings.push({ gold: u.intent, lang, alone: await Promise.all(MODELS.map(async (m) => new Map((await classifier.scores(text, lang, { ...NONE, [m]: 1 })).map((c) => [c.intent, c.score])))) });
    }
    if (settings.length) {
      // nlp.js's reading does not depend on the thresholds and is most of a classification's time: read once per text.
      const nlp = classifier['models'].nlp;
      const original = nlp.process;
      const read = original.bind(nlp);
      const seen = new Map();
      nlp.process = (l, text) => {
        const key = `${l} ${text}`;
        if (!seen.has(key)) seen.set(key, read(l, text));
        return seen.get(key);
      };
      for (const [i, { t }] of settings.entries()) {
        const tried = classifier.withThresholds(t);
        const c = (costs[i][lang] ??= { cost: 0, lines: 0, right: 0, missedHuman: 0, falseHuman: 0, lostInScope: 0, answeredOutOfScope: 0, other: 0 });
        for (const u of held.filter((_, j) => j % sample === 0)) {
          const [kind, cost] = costOf(u.intent, (await tried.classify(normalize(u.text), lang)).intent);
          c[kind]++;
          c.cost += cost;
          c.lines++;
        }
      }
      nlp.process = original;
    }
    console.log(`\n${lang} ${title} (${held.length} lines; trained on ${train[lang].length} in ${trainS.toFixed(1)} s)`);
    for (const w of WAYS) {
      report(w, fold[w], true);
      merge(pooled[lang][w], fold[w]);
      foldAccuracy[w].push((100 * fold[w].right) / fold[w].asked);
    }
  }
  console.log(`\n${lang} pooled over folds (mean of fold accuracies: ${WAYS.map((w) => `${w} ${(foldAccuracy[w].reduce((s, x) => s + x, 0) / foldAccuracy[w].length).toFixed(1)} %`).join(', ')})`);
  for (const w of WAYS) report(w, pooled[lang][w], true);
}

/** Each model's probabilities sharpened (t < 1) or flattened (t > 1) by temperature t: p^(1/t), summing to 1 again. */
function tempered(scores, t) {
  if (t === 1) return scores;
  const raised = [...scores].map(([intent, p]) => [intent, Math.pow(Math.max(p, 1e-12), 1 / t)]);
  const z = raised.reduce((sum, [, p]) => sum + p, 0);
  return new Map(raised.map(([intent, p]) => [intent, p / z]));
}

/** Mean log loss of one model's (tempered) probability of the gold intent; a line the model has no answer for is left out. */
function logLoss(i, t) {
  let sum = 0;
  let n = 0;
  for (const r of readings) {
    if (r.alone[i].size === 0) continue;
    sum -= Math.log(Math.max(tempered(r.alone[i], t).get(r.gold) ?? 0, 1e-6));
    n++;
  }
  return sum / n;
}

/** Accuracy per language of blending the models' own probabilities, each tempered by `temps`, with `weights`. */
function blended(weights, temps = MODELS.map(() => 1)) {
  const right = {};
  const asked = {};
  for (const r of readings) {
    const sum = new Map();
    r.alone.forEach((scores, i) => {
      for (const [intent, p] of tempered(scores, temps[i])) sum.set(intent, (sum.get(intent) ?? 0) + p * weights[i]);
    });
    const best = [...sum].reduce((a, b) => (b[1] > a[1] ? b : a), ['unknown', -1])[0];
    asked[r.lang] = (asked[r.lang] ?? 0) + 1;
    right[r.lang] = (right[r.lang] ?? 0) + (best === r.gold ? 1 : 0);
  }
  const mean = Object.keys(asked).reduce((s, l) => s + right[l] / asked[l], 0) / Object.keys(asked).length;
  return { mean: 100 * mean, text: Object.keys(asked).map((l) => `${l} ${pct(right[l], asked[l])} %`).join('  ') };
}

if (args.fit) {
  // Calibration: each model's temperature of least log loss on the held-out lines, on top of the one it ships with.
  const TEMPS = [0.25, 0.35, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 2, 2.5, 3];
  const temps = MODELS.map((_, i) => TEMPS.reduce((a, b) => (logLoss(i, b) < logLoss(i, a) ? b : a)));
  console.log(`\ncalibration (temperature of least held-out log loss, on top of the shipped one): ${MODELS.map((m, i) => `${m} ${temps[i]} (log loss ${logLoss(i, 1).toFixed(3)} → ${logLoss(i, temps[i]).toFixed(3)})`).join(', ')}`);
  const grid = [];
  for (let a = 0; a <= 10; a++) for (let b = 0; a + b <= 10; b++) grid.push([a / 10, b / 10, (10 - a - b) / 10]);
  for (const [title, t] of [['as shipped', MODELS.map(() => 1)], ['calibrated', temps]]) {
    console.log(`\nthe models alone and blended, ${title} (${MODELS.join(' / ')} shares; mean over languages)`);
    const rows = grid.map((w) => ({ w, ...blended(w, t) }));
    const show = (r) => console.log(`  ${r.w.map((x) => x.toFixed(1)).join(' / ')}  ${r.text}  mean ${r.mean.toFixed(1)} %`);
    for (const alone of MODELS.map((_, i) => MODELS.map((__, j) => (i === j ? 1 : 0)))) show(rows.find((r) => r.w.every((x, i) => x === alone[i])));
    console.log('  best:');
    for (const r of [...rows].sort((x, y) => y.mean - x.mean).slice(0, 8)) show(r);
    show({ w: MODELS.map((m) => BLEND[m]), ...blended(MODELS.map((m) => BLEND[m]), t) });
    console.log('  (the last: the shipped BLEND)');
  }
}

if (settings.length) {
  console.log(`\nthresholds, one at a time (cost per 100 lines: ${Object.entries(COSTS).map(([k, v]) => `${k} ${v}`).join(', ')}; accuracy; missed human / false human / in scope lost / out of scope answered / other, per language)`);
  const line = (c) => `${((100 * c.cost) / c.lines).toFixed(2).padStart(6)} ${pct(c.right, c.lines)} % ${[c.missedHuman, c.falseHuman, c.lostInScope, c.answeredOutOfScope, c.other].join('/')}`;
  const rows = settings.map(({ name }, i) => ({ name, total: Object.values(costs[i]).reduce((s, c) => s + (100 * c.cost) / c.lines, 0), text: Object.entries(costs[i]).map(([l, c]) => `${l} ${line(c)}`).join('   ') }));
  for (const r of rows) console.log(`  ${r.name.padEnd(42)} ${r.total.toFixed(2).padStart(6)}   ${r.text}`);
}

// Only the entries of this run stay: the folds of an earlier model or corpus would pile up.
if (!args.lang && !args.fold && fs.existsSync(cacheDir)) for (const f of fs.readdirSync(cacheDir)) if (!used.has(f)) fs.rmSync(path.join(cacheDir, f), { force: true });
console.log(`\nsummary: ${Object.entries(pooled).map(([lang, t]) => `${lang} models ${pct(t.models.right, t.models.asked).trim()} % classify ${pct(t.classify.right, t.classify.asked).trim()} %`).join('; ')} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
