import { describe, expect, it } from 'vitest';
import { NgramCounts, classifyNgrams, features } from '../../brain/receptionist/ngrams.js';

describe('the character n-gram model', () => {
  it('reads each word whole and as 3- to 5-letter pieces, apostrophes dropped', () => {
    expect(features("it's")).toEqual(['w:its', '#it', 'its', 'ts#', '#its', 'its#', '#its#']);
    expect(features('')).toEqual([]);
  });

  const base = new NgramCounts()
    .add('i want to book an appointment', 'book')
    .add('can i make an appointment for friday', 'book')
    .add('what time do you open', 'hours')
    .add('when do you close on saturday', 'hours')
    .add('who won the football last night', 'unknown');

  it('places typos and missing letters by the pieces they keep, best first, probabilities summing to 1', () => {
    const scored = classifyNgrams('can i mak an apointmnt', base);
    expect(scored[0]!.label).toBe('book');
    expect(scored.map((s) => s.label).sort()).toEqual(['book', 'hours', 'unknown']);
    expect(scored.reduce((sum, s) => sum + s.p, 0)).toBeCloseTo(1, 9);
    expect(classifyNgrams('what time do u opn saturdy', base)[0]!.label).toBe('hours');
    expect(classifyNgrams('', base)).toEqual([]);
  });

  it("adds a tenant's documents as an overlay without changing the shared counts", () => {
    const before = JSON.stringify([...base.totals]);
    const overlay = new NgramCounts().add('balayage', 'services').add('full head highlights', 'services');
    expect(classifyNgrams('how much is balayage', base)[0]!.label).not.toBe('services');
    expect(classifyNgrams('how much is balayage', base, overlay)[0]!.label).toBe('services');
    expect(JSON.stringify([...base.totals])).toBe(before);
  });
});
