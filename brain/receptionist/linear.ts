import { features, type Scored } from './ngrams.js';

/**
 * A multinomial logistic regression on words, word pairs and character n-grams, trained in-process
 * by stochastic gradient descent. Naive Bayes counts how often each piece goes with an intent, so a
 * word every intent uses ("appointment", "the") weighs on all of them; a discriminative model learns
 * which pieces tell intents apart and how much, which is what carries to an author it never read.
 * Deterministic: a seeded shuffle, the same weights for the same corpus. Pure: no I/O.
 */

export interface LinearOptions {
  /** Passes over the corpus. */
  epochs: number;
  /** The first step size; it decays as 1 / (1 + t / n). */
  rate: number;
  /** L2 penalty per example: keeps any one piece from deciding alone. */
  l2: number;
  /** A piece seen in fewer lines than this is left out: a one-off tells nothing of the next author. */
  minCount: number;
  seed: number;
}

export const LINEAR_DEFAULTS: LinearOptions = { epochs: 8, rate: 4, l2: 1e-5, minCount: 2, seed: 13 };

const NUMBER = /^\d+([.:h]\d*)?(am|pm|h|hs|hrs)?$/;

const CROSS_GRAMS = [3, 4, 5];

/**
 * The n-gram model's features (each word, its 3- to 5-letter pieces), the 3- to 5-letter pieces
 * across a space ("k in", "o see"), and each pair of neighbouring words, the message's start and end
 * counting as words: "book in" and "in for" are not "book" and "in" apart. A number or a time is one
 * word, "#", whatever its digits. On leave-one-author-out cross-validation (bench/corpus-crossval.mjs)
 * the word pairs added 0.8 / 0.9 points (en / es), the pieces across a space 0.2 / 0.6.
 */
export function linearFeatures(normalized: string): string[] {
  const out = features(normalized);
  const joined = `#${normalized.replace(/['’]/g, '')}#`;
  for (const n of CROSS_GRAMS) for (let i = 0; i + n <= joined.length; i++) {
    const gram = joined.slice(i, i + n);
    if (gram.includes(' ')) out.push(`x:${gram}`);
  }
  const words = normalized
    .replace(/['’]/g, '')
    .split(' ')
    .filter(Boolean)
    .map((w) => (NUMBER.test(w) ? '#' : w));
  if (words.length === 0) return out;
  const padded = ['^', ...words, '$'];
  for (let i = 0; i + 1 < padded.length; i++) out.push(`b:${padded[i]} ${padded[i + 1]}`);
  if (words.includes('#')) out.push('w:#');
  return out;
}

/** A small fast deterministic generator (mulberry32): the same shuffle on every machine. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Example {
  /** Normalised text (text.ts). */
  text: string;
  label: string;
}

/**
 * What the model keeps, as JSON: labels, every feature it learned, weights as base64 float32 (row-major,
 * feature by label), and how many corpus lines had each feature (base64 uint32: what a tenant's
 * adaptation may move, see `adapt`).
 */
export interface LinearState {
  labels: string[];
  features: string[];
  weights: string;
  bias: number[];
  lines: string;
}

/** How a tenant's lines move the shared model (`adapt`). */
export interface AdaptOptions {
  /** Passes over the tenant's lines. */
  epochs: number;
  rate: number;
  /**
   * A feature the corpus had in `lines` lines moves by common / (common + lines) of the step: the tenant's
   * own words ("moxibustion", a street name) move whole, a word every business uses ("the", "price") hardly.
   */
  common: number;
}

export const ADAPT_DEFAULTS: AdaptOptions = { epochs: 4, rate: 2, common: 10 };

/**
 * What one tenant's lines (its service names, its FAQ questions) add to the shared model: a weight row
 * for each feature of those lines, added to the shared one. Small (the features of some dozens of
 * lines), made in milliseconds, deterministic.
 */
export class LinearOverlay {
  constructor(readonly rows: ReadonlyMap<string, Float32Array>) {}

  static readonly EMPTY = new LinearOverlay(new Map());
}

export class LinearModel {
  private readonly index: Map<string, number>;

  private constructor(
    readonly labels: readonly string[],
    private readonly names: readonly string[],
    private readonly weights: Float32Array,
    private readonly bias: Float32Array,
    private readonly lines: Uint32Array,
  ) {
    this.index = new Map(names.map((f, i) => [f, i]));
  }

  static train(examples: readonly Example[], options: LinearOptions = LINEAR_DEFAULTS): LinearModel {
    const labels = [...new Set(examples.map((e) => e.label))].sort();
    const k = labels.length;
    const docs = examples.map((e) => ({ fs: [...new Set(linearFeatures(e.text))], y: labels.indexOf(e.label) }));
    const seen = new Map<string, number>();
    for (const d of docs) for (const f of d.fs) seen.set(f, (seen.get(f) ?? 0) + 1);
    const names = [...seen].filter(([, n]) => n >= options.minCount).map(([f]) => f).sort();
    const index = new Map(names.map((f, i) => [f, i]));
    const rows = docs.map((d) => ({ ids: known(d.fs, index), y: d.y })).filter((r) => r.ids.length > 0);
    // Weights are kept as scale × v, so the L2 shrinking of every weight at every step costs one multiplication.
    const v = new Float64Array(names.length * k);
    const bias = new Float64Array(k);
    let scale = 1;
    const p = new Float64Array(k);
    const next = random(options.seed);
    const order = Int32Array.from(rows.keys());
    let t = 0;
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const swap = order[i]!;
        order[i] = order[j]!;
        order[j] = swap;
      }
      for (let r = 0; r < order.length; r++) {
        const { ids, y } = rows[order[r]!]!;
        const x = 1 / Math.sqrt(ids.length);
        const rate = options.rate / (1 + t++ / rows.length);
        logits(ids, x * scale, v, bias, k, p);
        softmax(p);
        scale *= 1 - rate * options.l2;
        for (let c = 0; c < k; c++) {
          const g = p[c]! - (c === y ? 1 : 0);
          // A label the model already rules out learns nothing worth the pass over the features.
          if (Math.abs(g) < NEGLIGIBLE) continue;
          bias[c]! -= rate * g;
          const step = (rate * g * x) / scale;
          for (let i = 0; i < ids.length; i++) v[ids[i]! * k + c]! -= step;
        }
        if (scale < 1e-6) {
          for (let i = 0; i < v.length; i++) v[i]! *= scale;
          scale = 1;
        }
      }
    }
    return new LinearModel(labels, names, Float32Array.from(v, (w) => w * scale), Float32Array.from(bias), Uint32Array.from(names, (f) => seen.get(f)!));
  }

  static fromState(s: LinearState): LinearModel {
    const weights = fromBase64(s.weights, Float32Array);
    const lines = typeof s.lines === 'string' ? fromBase64(s.lines, Uint32Array) : undefined;
    if (weights.length !== s.features.length * s.labels.length || s.bias.length !== s.labels.length || lines?.length !== s.features.length) throw new Error('a linear model whose weights do not match its features and labels');
    return new LinearModel(s.labels, s.features, weights, Float32Array.from(s.bias), lines);
  }

  state(): LinearState {
    return { labels: [...this.labels], features: [...this.names], weights: toBase64(this.weights), bias: [...this.bias], lines: toBase64(this.lines) };
  }

  /**
   * The tenant's own lines taught on top of the shared weights, as the n-gram model adds them to its counts: a few
   * deterministic passes of the same gradient steps, in the lines' order, moving only the features of those lines,
   * each by how rare the corpus had it (AdaptOptions.common). Lines of a label the model does not know teach nothing.
   */
  adapt(examples: readonly Example[], options: AdaptOptions = ADAPT_DEFAULTS): LinearOverlay {
    const k = this.labels.length;
    const rows = new Map<string, Float64Array>();
    const docs = examples.flatMap((e) => {
      const y = this.labels.indexOf(e.label);
      const fs = [...new Set(linearFeatures(e.text))];
      if (y < 0 || fs.length === 0) return [];
      for (const f of fs) if (!rows.has(f)) rows.set(f, new Float64Array(k));
      const ids = Int32Array.from(fs, (f) => this.index.get(f) ?? -1);
      const share = Float64Array.from(ids, (i) => options.common / (options.common + (i < 0 ? 0 : this.lines[i]!)));
      return [{ fs, ids, share, y }];
    });
    const p = new Float64Array(k);
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      for (const { fs, ids, share, y } of docs) {
        const x = 1 / Math.sqrt(fs.length);
        logits(Int32Array.from(ids.filter((i) => i >= 0)), x, this.weights, this.bias, k, p);
        for (const f of fs) {
          const row = rows.get(f)!;
          for (let c = 0; c < k; c++) p[c]! += x * row[c]!;
        }
        softmax(p);
        for (let c = 0; c < k; c++) {
          const step = options.rate * (p[c]! - (c === y ? 1 : 0)) * x;
          fs.forEach((f, i) => (rows.get(f)![c]! -= step * share[i]!));
        }
      }
    }
    return new LinearOverlay(new Map([...rows].map(([f, row]) => [f, Float32Array.from(row)])));
  }

  /**
   * Probabilities of every label for normalised text, best first; none for text without words it
   * learned. A `temperature` below 1 sharpens them, above 1 flattens them (calibration).
   */
  scores(normalized: string, temperature = 1, overlay: LinearOverlay = LinearOverlay.EMPTY): Scored[] {
    const fs = [...new Set(linearFeatures(normalized))];
    const ids = known(fs, this.index);
    const own = fs.flatMap((f) => overlay.rows.get(f) ?? []);
    const n = fs.filter((f) => this.index.has(f) || overlay.rows.has(f)).length;
    if (n === 0) return [];
    const p = new Float64Array(this.labels.length);
    const x = 1 / Math.sqrt(n);
    logits(ids, x, this.weights, this.bias, this.labels.length, p);
    for (const row of own) for (let c = 0; c < p.length; c++) p[c]! += x * row[c]!;
    for (let c = 0; c < p.length; c++) p[c]! /= temperature;
    softmax(p);
    return this.labels.map((label, i) => ({ label, p: p[i]! })).sort((a, b) => b.p - a.p);
  }
}

/** The indices of the features the model learned, of distinct features. */
function known(features: readonly string[], index: ReadonlyMap<string, number>): Int32Array {
  const ids: number[] = [];
  for (const f of features) {
    const i = index.get(f);
    if (i !== undefined) ids.push(i);
  }
  return Int32Array.from(ids);
}

const NEGLIGIBLE = 1e-4;

function toBase64(a: Float32Array | Uint32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function fromBase64<T extends Float32Array | Uint32Array>(text: string, Type: { new (buffer: ArrayBuffer): T }): T {
  const bytes = Buffer.from(text, 'base64');
  return new Type(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

function logits(ids: Int32Array, x: number, w: Float64Array | Float32Array, bias: Float64Array | Float32Array, k: number, out: Float64Array): void {
  for (let c = 0; c < k; c++) out[c] = bias[c]!;
  for (let i = 0; i < ids.length; i++) {
    const row = ids[i]! * k;
    for (let c = 0; c < k; c++) out[c]! += x * w[row + c]!;
  }
}

function softmax(z: Float64Array): void {
  let max = -Infinity;
  for (const v of z) max = Math.max(max, v);
  let sum = 0;
  for (let i = 0; i < z.length; i++) sum += z[i] = Math.exp(z[i]! - max);
  for (let i = 0; i < z.length; i++) z[i]! /= sum;
}
