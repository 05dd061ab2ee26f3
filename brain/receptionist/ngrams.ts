/**
 * A multinomial naive Bayes text classifier on words and character n-grams. The n-grams inside
 * words make it see "apointment", "cita" in "citaa" and "manana" for "mañana" as the words they
 * are, where a word model sees a stranger. Counting is additive, so a tenant's few documents are a
 * small overlay on a model shared by every tenant. Pure: no I/O.
 */

const GRAMS = [3, 4, 5];

/** The features of normalised text: each word once, and the 3-, 4- and 5-grams of "#word#". */
export function features(normalized: string): string[] {
  const out = new Set<string>();
  for (const w of normalized.replace(/['’]/g, '').split(' ')) {
    if (!w) continue;
    out.add(`w:${w}`);
    const padded = `#${w}#`;
    for (const n of GRAMS) for (let i = 0; i + n <= padded.length; i++) out.add(padded.slice(i, i + n));
  }
  return [...out];
}

export class NgramCounts {
  readonly docs = new Map<string, number>();
  readonly totals = new Map<string, number>();
  readonly counts = new Map<string, Map<string, number>>();
  readonly vocabulary = new Set<string>();

  add(normalized: string, label: string, weight = 1): this {
    this.docs.set(label, (this.docs.get(label) ?? 0) + weight);
    let byFeature = this.counts.get(label);
    if (!byFeature) this.counts.set(label, (byFeature = new Map()));
    const fs = features(normalized);
    for (const f of fs) {
      byFeature.set(f, (byFeature.get(f) ?? 0) + weight);
      this.vocabulary.add(f);
    }
    this.totals.set(label, (this.totals.get(label) ?? 0) + weight * fs.length);
    return this;
  }
}

export interface Scored {
  label: string;
  /** Posterior probability, softened by the number of features so a long message is not 1.0 by default. */
  p: number;
}

/**
 * Scores `normalized` against `base` plus an optional `overlay` (the tenant's documents), labels
 * best first. Laplace smoothing; priors flattened, since corpus sizes per intent say who wrote
 * more lines, not what customers ask more.
 */
export function classifyNgrams(normalized: string, base: NgramCounts, overlay?: NgramCounts): Scored[] {
  const fs = features(normalized);
  if (fs.length === 0) return [];
  const labels = new Set([...base.docs.keys(), ...(overlay?.docs.keys() ?? [])]);
  const v = base.vocabulary.size + (overlay?.vocabulary.size ?? 0) + 1;
  const logs = [...labels].map((label) => {
    const total = (base.totals.get(label) ?? 0) + (overlay?.totals.get(label) ?? 0);
    const b = base.counts.get(label);
    const o = overlay?.counts.get(label);
    let sum = 0;
    for (const f of fs) sum += Math.log(((b?.get(f) ?? 0) + (o?.get(f) ?? 0) + 1) / (total + v));
    return { label, log: sum / Math.sqrt(fs.length) };
  });
  const max = Math.max(...logs.map((l) => l.log));
  const exp = logs.map((l) => ({ label: l.label, e: Math.exp(l.log - max) }));
  const z = exp.reduce((s, x) => s + x.e, 0);
  return exp.map((x) => ({ label: x.label, p: x.e / z })).sort((a, b) => b.p - a.p);
}
