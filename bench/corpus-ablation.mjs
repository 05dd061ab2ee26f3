// What each corpus file, or one intent's lines of it, is worth on the tunable splits: copies the
// project (sources, not node_modules) to a temporary folder, leaves the named lines out of its corpus,
// runs the eval there on the tunable splits only and prints the summary lines.
//
//   node bench/corpus-ablation.mjs                          the corpus as it is
//   node bench/corpus-ablation.mjs written3.es.txt          without one file
//   node bench/corpus-ablation.mjs written3.es.txt:faq,services   without those intents' lines of it
//
// Each run trains the models once (about a minute on a busy machine; the model cache keeps them).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SPLITS = 'train,train2,train3,train4,train5,train6,train7,dev,seen';
const corpusDir = (dir) => path.join(dir, 'brain/receptionist/corpus');

const corpusFiles = fs.readdirSync(corpusDir(root)).filter((f) => f.endsWith('.txt'));
const intentOf = (line) => line.slice(0, line.indexOf('|')).trim();
/** A bad argument stops the run with one line saying what there is: a typo would otherwise measure the whole corpus. */
const refuse = (line) => {
  console.error(`corpus-ablation: ${line}`);
  process.exit(2);
};
const leaveOut = process.argv.slice(2).map((arg) => {
  const [file, intents] = arg.split(':');
  // Only a file of the corpus folder by name: a path ("../x") would delete outside the copy.
  if (!corpusFiles.includes(file)) refuse(`${file}: no such corpus file (expected one of ${corpusFiles.join(', ')})`);
  if (intents === undefined) return { file, intents: undefined };
  const has = new Set(fs.readFileSync(path.join(corpusDir(root), file), 'utf8').split('\n').filter((l) => l.includes('|') && !l.startsWith('#')).map(intentOf));
  const wanted = intents.split(',');
  const unknown = wanted.filter((i) => !has.has(i));
  if (unknown.length) refuse(`${file} has no ${unknown.join(', ')} lines (it has ${[...has].sort().join(', ')})`);
  return { file, intents: new Set(wanted) };
});

const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'wr-ablation-'));
try {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const f of files) {
    if (!fs.existsSync(path.join(root, f))) continue;
    fs.mkdirSync(path.dirname(path.join(copy, f)), { recursive: true });
    fs.copyFileSync(path.join(root, f), path.join(copy, f));
  }
  // The real node_modules: its model cache is keyed by what the models learn, so every variant keeps its own.
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'));
  for (const { file, intents } of leaveOut) {
    const target = path.join(corpusDir(copy), file);
    if (!intents) fs.rmSync(target);
    else fs.writeFileSync(target, fs.readFileSync(target, 'utf8').split('\n').filter((l) => !intents.has(intentOf(l))).join('\n'));
  }
  const env = { ...process.env, EVAL_SPLITS: SPLITS, EVAL_REPORT: '1' };
  delete env.CI;
  const run = spawnSync('npx', ['vitest', 'run', 'test/eval'], { cwd: copy, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (run.error) {
    console.error(`corpus-ablation: could not run the eval (npx vitest in ${copy}): ${run.error.message}`);
    process.exitCode = 2;
  } else {
    const out = `${run.stdout}${run.stderr}`;
    const misses = (lang) => out.split('\n').filter((l) => l.startsWith(`  ${lang} `) && l.includes(' → ')).length;
    console.log(`left out: ${process.argv.slice(2).join(' ') || 'nothing'}`);
    for (const line of out.split('\n')) if (/^(== |accuracy|dialogues)/.test(line)) console.log(line);
    console.log(`misclassified over these splits: en ${misses('en')}, es ${misses('es')}`);
    if (run.status !== 0) console.log('(some eval gates failed in this variant: read the summary, not the exit code)');
  }
} finally {
  fs.rmSync(copy, { recursive: true, force: true });
}
