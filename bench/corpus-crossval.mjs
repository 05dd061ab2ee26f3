// How the intent classifier reads an author it never learned from: leave-one-author-out
// cross-validation of the corpus. For each language and each blind-written file of it
// (written.*, written2.*, …), the models are trained on the base file and the other written files of
// that language, then every line of the left-out file is classified twice: by the models alone (the
// top of `scores()`, no keywords, no rules) and by the full `classify()` with its rules, for a neutral
// profile (examples/demo-dental.yaml with no services and no FAQ, so no tenant overlay helps) or the
// profile given. Prints per fold and pooled: accuracy, per-intent recall and precision, the main
// confusions. The other language is trained on its base file only (it is not measured).
//
//   node bench/corpus-crossval.mjs [--lang en|es] [--fold written2] [--profile file.yaml] [--confusions N] [--fit]
//
// --fit also asks each model alone and prints each one's accuracy and the blends of them (shares in
// tenths) that score best over the folds: how classifier.ts's BLEND is chosen.
//
// Run `npm run build` first (it reads dist/). Each fold's models are kept in
// node_modules/.cache/wr-crossval, keyed like the brain's by what they learned; a run deletes the
// entries it did not use, so the folder holds one set of folds, not every variant ever measured.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BLEND, IntentClassifier } from '../dist/brain/receptionist/classifier.js';
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
  args = parseArgs({ options: { lang: { type: 'string' }, fold: { type: 'string' }, profile: { type: 'string' }, confusions: { type: 'string', default: '8' }, fit: { type: 'boolean', default: false } } }).values;
} catch (err) {
  refuse(`${err.message} (expected --lang en|es, --fold <written file stem>, --profile <yaml>, --confusions <n>)`);
}
const all = corpus();
const langs = Object.keys(all);
if (args.lang && !langs.includes(args.lang)) refuse(`--lang ${args.lang}: expected one of ${langs.join(', ')}`);
const stems = [...new Set(Object.values(all).flat().map((u) => u.file.split('.')[0]).filter((s) => s.startsWith('written')))].sort();
if (args.fold && !stems.includes(args.fold)) refuse(`--fold ${args.fold}: expected one of ${stems.join(', ')}`);
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

const cacheDir = path.join(root, 'node_modules', '.cache', 'wr-crossval');
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

const WAYS = ['models', 'classify'];
const MODELS = Object.keys(BLEND);
const NONE = Object.fromEntries(MODELS.map((m) => [m, 0]));
/** With --fit: each held-out line's gold intent and each model's own probabilities. */
const readings = [];
const started = Date.now();
console.log(`leave-one-author-out cross-validation; classify() with ${args.profile ? profileFile : 'demo-dental, no services, no FAQ'}`);
const pooled = {};
for (const lang of args.lang ? [args.lang] : langs) {
  pooled[lang] = Object.fromEntries(WAYS.map((w) => [w, tally()]));
  const foldAccuracy = Object.fromEntries(WAYS.map((w) => [w, []]));
  for (const stem of stems) {
    if (args.fold && stem !== args.fold) continue;
    const heldFile = `${stem}.${lang}.txt`;
    const held = all[lang].filter((u) => u.file === heldFile && hasWords(u));
    if (held.length === 0) continue;
    // The other language learns its base lines only: it is not measured, and training it whole would double the cost.
    const train = Object.fromEntries(langs.map((l) => [l, l === lang ? all[l].filter((u) => u.file !== heldFile) : all[l].filter((u) => u.file.startsWith('base.'))]));
    const t0 = Date.now();
    const classifier = await IntentClassifier.train(profile, train, tracked);
    const trainS = (Date.now() - t0) / 1000;
    const fold = Object.fromEntries(WAYS.map((w) => [w, tally()]));
    for (const u of held) {
      const text = normalize(u.text);
      count(fold.models, u.intent, (await classifier.scores(text, lang))[0]?.intent ?? 'unknown');
      count(fold.classify, u.intent, (await classifier.classify(text, lang)).intent);
      if (args.fit) readings.push({ gold: u.intent, lang, alone: await Promise.all(MODELS.map(async (m) => new Map((await classifier.scores(text, lang, { ...NONE, [m]: 1 })).map((c) => [c.intent, c.score])))) });
    }
    console.log(`\n${lang} fold ${heldFile} (${held.length} lines; trained on ${train[lang].length} in ${trainS.toFixed(1)} s)`);
    for (const w of WAYS) {
      report(w, fold[w], true);
      merge(pooled[lang][w], fold[w]);
      foldAccuracy[w].push((100 * fold[w].right) / fold[w].asked);
    }
  }
  console.log(`\n${lang} pooled over folds (mean of fold accuracies: ${WAYS.map((w) => `${w} ${(foldAccuracy[w].reduce((s, x) => s + x, 0) / foldAccuracy[w].length).toFixed(1)} %`).join(', ')})`);
  for (const w of WAYS) report(w, pooled[lang][w], true);
}

/** Accuracy per language of blending the models' own probabilities with `weights`. */
function blended(weights) {
  const right = {};
  const asked = {};
  for (const r of readings) {
    const sum = new Map();
    r.alone.forEach((scores, i) => {
      for (const [intent, p] of scores) sum.set(intent, (sum.get(intent) ?? 0) + p * weights[i]);
    });
    const best = [...sum].reduce((a, b) => (b[1] > a[1] ? b : a), ['unknown', -1])[0];
    asked[r.lang] = (asked[r.lang] ?? 0) + 1;
    right[r.lang] = (right[r.lang] ?? 0) + (best === r.gold ? 1 : 0);
  }
  const mean = Object.keys(asked).reduce((s, l) => s + right[l] / asked[l], 0) / Object.keys(asked).length;
  return { mean: 100 * mean, text: Object.keys(asked).map((l) => `${l} ${pct(right[l], asked[l])} %`).join('  ') };
}

if (args.fit) {
  console.log(`
the models alone and blended (${MODELS.join(' / ')} shares; mean over languages)`);
  const grid = [];
  for (let a = 0; a <= 10; a++) for (let b = 0; a + b <= 10; b++) grid.push([a / 10, b / 10, (10 - a - b) / 10]);
  const rows = grid.map((w) => ({ w, ...blended(w) }));
  const show = (r) => console.log(`  ${r.w.map((x) => x.toFixed(1)).join(' / ')}  ${r.text}  mean ${r.mean.toFixed(1)} %`);
  for (const alone of MODELS.map((_, i) => MODELS.map((__, j) => (i === j ? 1 : 0)))) show(rows.find((r) => r.w.every((x, i) => x === alone[i])));
  console.log('  best:');
  for (const r of [...rows].sort((x, y) => y.mean - x.mean).slice(0, 8)) show(r);
  show({ w: MODELS.map((m) => BLEND[m]), ...blended(MODELS.map((m) => BLEND[m])) });
  console.log('  (the last: the shipped BLEND)');
}

// Only the entries of this run stay: the folds of an earlier model or corpus would pile up.
if (!args.lang && !args.fold && fs.existsSync(cacheDir)) for (const f of fs.readdirSync(cacheDir)) if (!used.has(f)) fs.rmSync(path.join(cacheDir, f), { force: true });
console.log(`\nsummary: ${Object.entries(pooled).map(([lang, t]) => `${lang} models ${pct(t.models.right, t.models.asked).trim()} % classify ${pct(t.classify.right, t.classify.asked).trim()} %`).join('; ')} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
