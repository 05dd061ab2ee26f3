// What the intent classifier costs as its corpus grows: training time and heap per tenant, for 100
// tenants, and the first reply after training (the first tenant of a corpus also trains what all share), with the shipped corpus and with it grown 5× and 10×.
// Growth: each extra copy of a line gets a made-up word (from a pool of 4,000), so the vocabulary
// grows with the corpus as a real one's does; the figures are for cost, not accuracy.
//
//   node --expose-gc bench/classifier.mjs [tenants]      (npm run build first)
import fs from 'node:fs';
import path from 'node:path';
import { classifierFor, IntentClassifier } from '../dist/brain/receptionist/classifier.js';
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
  if (factor === 1) return base;
  let n = 0;
  const word = () => `zq${(n++ * 7919) % 4000}x`;
  return Object.fromEntries(Object.entries(base).map(([lang, lines]) => [lang, Array.from({ length: factor }, (_, copy) => (copy === 0 ? lines : lines.map((u) => ({ ...u, text: `${u.text} ${word()}` })))).flat()]));
}

const lines = (c) => Object.values(c).reduce((s, l) => s + l.length, 0);
const rows = [];
for (const factor of [1, 5, 10]) {
  const c = grown(corpus(), factor);
  // The first tenant of a corpus trains what every tenant shares (the model, the corpus's vocabulary).
  const heap0 = heapMb();
  const t0 = process.hrtime.bigint();
  const shared = await IntentClassifier.train(profileOf(0), c);
  const sharedMs = ms(t0);
  const sharedMb = heapMb() - heap0;
  const times = [];
  for (let i = 0; i < 5; i++) {
    const t = process.hrtime.bigint();
    await IntentClassifier.train(profileOf(i), c);
    times.push(ms(t));
  }
  const before = heapMb();
  const kept = [];
  const t = process.hrtime.bigint();
  for (let i = 0; i < tenants; i++) kept.push(await IntentClassifier.train(profileOf(i), c));
  const all = ms(t);
  const heap = heapMb() - before;
  const first = [];
  for (const [i, k] of kept.slice(0, 20).entries()) {
    const s = process.hrtime.bigint();
    await k.classify(normalize(i % 2 ? '¿puedo reservar una limpieza el viernes a las 10?' : 'can I book a cleaning on friday at 10am?'), i % 2 ? 'es' : 'en');
    first.push(ms(s));
  }
  rows.push({ corpus: `×${factor} (${lines(c)} lines)`, sharedMs, sharedMb, trainMs: median(times), tenantsS: all / 1000, heapMb: heap, perTenantMb: heap / tenants, firstReplyMs: median(first) });
  kept.length = 0;
  void shared;
}

console.log(`classifier cost, ${tenants} tenants (${profiles.length} profiles in turn), Node ${process.version}`);
console.log('corpus                 first tenant (heap)   train/tenant  all tenants  heap all  heap/tenant  first classify');
for (const r of rows) {
  console.log(`${r.corpus.padEnd(22)} ${r.sharedMs.toFixed(0).padStart(7)} ms ${r.sharedMb.toFixed(1).padStart(6)} MB ${r.trainMs.toFixed(1).padStart(9)} ms ${r.tenantsS.toFixed(1).padStart(10)} s ${r.heapMb.toFixed(0).padStart(6)} MB ${r.perTenantMb.toFixed(2).padStart(8)} MB ${r.firstReplyMs.toFixed(2).padStart(11)} ms`);
}
// classifierFor is what the brain calls: it is measured so the bench keeps using the brain's path.
const t = process.hrtime.bigint();
await classifierFor(profileOf(0));
console.log(`brain's classifierFor, first tenant of a fresh profile: ${ms(t).toFixed(0)} ms`);
