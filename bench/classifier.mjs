// What the intent classifier costs: training the models every tenant shares (cold, then read from
// the model cache as at every later start), the heap they take, and what each tenant adds (time,
// heap, first classification), for 100 tenants, with the shipped corpus and with it grown 2×.
// Growth: each extra copy of a line gets a made-up word (from a pool of 4,000), so the vocabulary
// grows with the corpus as a real one's does; those figures are for cost, not accuracy.
// Accuracy is bench/corpus-crossval.mjs's (leave one author out).
//
//   node --expose-gc bench/classifier.mjs [tenants]      (npm run build first)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { classifierFor, IntentClassifier } from '../dist/brain/receptionist/classifier.js';
import { ModelCache } from '../dist/brain/receptionist/model-cache.js';
import { corpus } from '../dist/brain/receptionist/utterances.js';
import { normalize } from '../dist/brain/receptionist/text.js';
import { parseProfileYaml } from '../dist/core/profile.js';
import { root } from './lib.mjs';

if (!global.gc) throw new Error('run with node --expose-gc, so heap figures are measured after a collection');
const tenants = Number(process.argv[2] ?? 100);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (t) => Number(process.hrtime.bigint() - t) / 1e6;
const heapMb = () => (global.gc(), process.memoryUsage().heapUsed / 2 ** 20);

const profiles = ['examples/demo-dental.yaml', ...fs.readdirSync(path.join(root, 'test/eval/train')).filter((f) => f.endsWith('.yaml')).map((f) => `test/eval/train/${f}`)]
  .map((f) => parseProfileYaml(fs.readFileSync(path.join(root, f), 'utf8')));
/** Tenant i: a copy of one of the profiles (a new object, so nothing cached for another tenant is reused). */
const profileOf = (i) => structuredClone(profiles[i % profiles.length]);

function grown(base, factor) {
  let n = 0;
  const word = () => `zq${(n++ * 7919) % 4000}x`;
  return Object.fromEntries(Object.entries(base).map(([lang, lines]) => [lang, Array.from({ length: factor }, (_, copy) => (copy === 0 ? lines : lines.map((u) => ({ ...u, text: `${u.text} ${word()}` })))).flat()]));
}

const lines = (c) => Object.values(c).reduce((s, l) => s + l.length, 0);
const rows = [];
const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wr-bench-classifier-'));
const cache = new ModelCache([cacheDir]);
try {
  for (const factor of [1, 2]) {
    // A new corpus object is a new process as far as the in-memory cache knows; the disk cache is this bench's own.
    const heap0 = heapMb();
    const trained = grown(corpus(), factor);
    let t = process.hrtime.bigint();
    await IntentClassifier.prepare(trained, cache);
    const trainS = ms(t) / 1000;
    // Measured while `trained` holds its models in memory.
    const sharedMb = heapMb() - heap0;
    const c = grown(corpus(), factor);
    t = process.hrtime.bigint();
    await IntentClassifier.prepare(c, cache);
    const readMs = ms(t);
    const times = [];
    for (let i = 0; i < 5; i++) {
      const s = process.hrtime.bigint();
      await IntentClassifier.train(profileOf(i), c, cache);
      times.push(ms(s));
    }
    const before = heapMb();
    const kept = [];
    t = process.hrtime.bigint();
    for (let i = 0; i < tenants; i++) kept.push(await IntentClassifier.train(profileOf(i), c, cache));
    const all = ms(t);
    const heap = heapMb() - before;
    const first = [];
    for (const [i, k] of kept.slice(0, 20).entries()) {
      const s = process.hrtime.bigint();
      await k.classify(normalize(i % 2 ? '¿puedo reservar una limpieza el viernes a las 10?' : 'can I book a cleaning on friday at 10am?'), i % 2 ? 'es' : 'en');
      first.push(ms(s));
    }
    void trained;
    rows.push({ corpus: `×${factor} (${lines(c)} lines)`, trainS, readMs, sharedMb, tenantMs: median(times), tenantsMs: all, heapMb: heap, firstMs: median(first) });
  }
} finally {
  fs.rmSync(cacheDir, { recursive: true, force: true });
}

console.log(`classifier cost, ${tenants} tenants (${profiles.length} profiles in turn), Node ${process.version}`);
console.log('corpus               shared models: train  read cached  heap   | per tenant   all tenants  heap all  first classify');
for (const r of rows) {
  console.log(
    `${r.corpus.padEnd(22)} ${r.trainS.toFixed(1).padStart(16)} s ${r.readMs.toFixed(0).padStart(8)} ms ${r.sharedMb.toFixed(1).padStart(5)} MB | ${r.tenantMs.toFixed(1).padStart(7)} ms ${r.tenantsMs.toFixed(0).padStart(10)} ms ${r.heapMb.toFixed(1).padStart(6)} MB ${r.firstMs.toFixed(2).padStart(11)} ms`,
  );
}
// classifierFor is what the brain calls, with the shipped corpus and the installation's model cache.
const t = process.hrtime.bigint();
await classifierFor(profileOf(0));
console.log(`brain's classifierFor, first tenant after a start: ${ms(t).toFixed(0)} ms`);

