import { describe, expect, it } from 'vitest';
import { ADAPT_DEFAULTS, LINEAR_DEFAULTS, LinearModel, linearFeatures } from '../../brain/receptionist/linear.js';

const corpus = [
  ['i want to book an appointment', 'book'],
  ['can i book in for friday', 'book'],
  ['book me in tomorrow at 10', 'book'],
  ['id like an appointment next week', 'book'],
  ['cancel my appointment', 'cancel'],
  ['i need to cancel tomorrow', 'cancel'],
  ['please cancel my booking for friday', 'cancel'],
  ['cant make it cancel it please', 'cancel'],
  ['what time do you open', 'hours'],
  ['when do you close on saturday', 'hours'],
  ['are you open on sunday', 'hours'],
  ['what are your opening hours', 'hours'],
  ['who won the football last night', 'unknown'],
  ['whats the weather like tomorrow', 'unknown'],
  ['recommend a good film', 'unknown'],
  ['who won the match', 'unknown'],
].map(([text, label]) => ({ text: text!, label: label! }));

describe('the linear model', () => {
  it('reads words, their pieces, pieces across a space and neighbouring words, a number or a time as "#"', () => {
    const fs = linearFeatures('book at 10am');
    expect(fs).toEqual(expect.arrayContaining(['w:book', 'boo', '#book', 'x:k a', 'x:t 1', 'b:^ book', 'b:book at', 'b:at #', 'b:# $', 'w:#']));
    expect(linearFeatures('at 16:30')).toEqual(expect.arrayContaining(['b:at #']));
    expect(linearFeatures('')).toEqual([]);
  });

  it('tells the intents of a tiny corpus apart on words it learned, probabilities summing to 1', () => {
    const model = LinearModel.train(corpus, { ...LINEAR_DEFAULTS, minCount: 1 });
    const best = (text: string) => model.scores(text)[0]!.label;
    expect(best('can i book for monday')).toBe('book');
    expect(best('i have to cancel my appointment')).toBe('cancel');
    expect(best('what time do you open on friday')).toBe('hours');
    expect(best('who won the game')).toBe('unknown');
    const scores = model.scores('are you open tomorrow');
    expect(scores.map((s) => s.label).sort()).toEqual(['book', 'cancel', 'hours', 'unknown']);
    expect(scores.reduce((sum, s) => sum + s.p, 0)).toBeCloseTo(1, 9);
    expect(scores[0]!.p).toBeGreaterThan(scores[1]!.p);
  });

  it('learns what tells intents apart, not what they share: "appointment" is in both book and cancel lines', () => {
    const model = LinearModel.train(corpus, { ...LINEAR_DEFAULTS, minCount: 1 });
    const cancel = model.scores('cancel my appointment tomorrow').find((s) => s.label === 'cancel')!.p;
    expect(cancel).toBeGreaterThan(0.5);
  });

  it('is deterministic for one seed, and keeps what it learned through its saved state', () => {
    const a = LinearModel.train(corpus, { ...LINEAR_DEFAULTS, minCount: 1 });
    const b = LinearModel.train(corpus, { ...LINEAR_DEFAULTS, minCount: 1 });
    expect(b.state()).toEqual(a.state());
    const other = LinearModel.train(corpus, { ...LINEAR_DEFAULTS, minCount: 1, seed: 99 });
    expect(other.state().weights).not.toBe(a.state().weights);
    const back = LinearModel.fromState(JSON.parse(JSON.stringify(a.state())));
    for (const text of ['book me in', 'cancel it', 'opening hours', 'the weather']) expect(back.scores(text)).toEqual(a.scores(text));
  });

  it('leaves out pieces seen in fewer lines than minCount, and has no answer for text of none it learned', () => {
    const model = LinearModel.train(corpus, { ...LINEAR_DEFAULTS, minCount: 2 });
    const learned = new Set(model.state().features);
    expect(learned.has('w:appointment')).toBe(true);
    expect(learned.has('w:film')).toBe(false);
    expect(model.scores('zzz qqq')).toEqual([]);
  });

  it('refuses a saved state whose weights do not fit its features and labels', () => {
    const state = LinearModel.train(corpus, { ...LINEAR_DEFAULTS, minCount: 1 }).state();
    expect(() => LinearModel.fromState({ ...state, features: state.features.slice(1) })).toThrow(/do not match/);
  });

  it("learns a tenant's own word from its lines, leaves the shared model as it was and words every intent uses nearly so", () => {
    const model = LinearModel.train(corpus, { ...LINEAR_DEFAULTS, minCount: 1 });
    const before = model.state();
    // "qzxjv" has no word nor piece of the corpus: the shared model cannot read it at all.
    const own = model.adapt([{ text: 'qzxjv', label: 'hours' }]);
    const p = (text: string, overlay = own) => model.scores(text, 1, overlay).find((s) => s.label === 'hours')!.p;
    expect(model.scores('qzxjv')).toEqual([]);
    expect(p('qzxjv')).toBeGreaterThan(0.5);
    expect(model.scores('who won the qzxjv', 1, own)[0]!.label).toBe('unknown');
    expect(model.state()).toEqual(before);
    // A word of many corpus lines moves by a small share of the step: "my" is in 3 lines, "tomorrow" in 4.
    const common = model.adapt([{ text: 'cancel my appointment tomorrow', label: 'hours' }], { ...ADAPT_DEFAULTS, common: 0.01 });
    expect(Math.abs(common.rows.get('w:tomorrow')![0]!)).toBeLessThan(0.05);
    const moved = model.adapt([{ text: 'cancel my appointment tomorrow', label: 'hours' }], { ...ADAPT_DEFAULTS, common: 1000 });
    expect(Math.abs(moved.rows.get('w:tomorrow')![0]!)).toBeGreaterThan(Math.abs(common.rows.get('w:tomorrow')![0]!) * 100);
  });

  it('adapts the same way every time, and lines of a label it never learned teach nothing', () => {
    const model = LinearModel.train(corpus, { ...LINEAR_DEFAULTS, minCount: 1 });
    const lines = [{ text: 'balayage', label: 'book' }, { text: 'do you take cards', label: 'hours' }];
    expect([...model.adapt(lines).rows]).toEqual([...model.adapt(lines).rows]);
    expect(model.adapt([{ text: 'balayage', label: 'faq' }]).rows.size).toBe(0);
  });
});
