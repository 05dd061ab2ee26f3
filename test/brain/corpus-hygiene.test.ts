import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR, corpus, type Utterance } from '../../brain/receptionist/utterances.js';
import { countByFilePair, describeLine, findConflicts, guidelineViolations, hygieneKey, locate, type Located } from './corpus-hygiene.js';

/** Test lines written as the report prints them: `file:line intent | text`, one a row. */
const rows = (text: string): Located[] =>
  text.trim().split('\n').map((row) => {
    const [, file, line, intent, said] = /^\s*(\S+):(\d+) (\w+) \| (.*)$/.exec(row)!;
    return { file: file!, line: Number(line), intent: intent as Utterance['intent'], text: said! };
  });

describe('the corpus hygiene checker', () => {
  it('compares texts without case, accents, punctuation or emoji', () => {
    expect(hygieneKey('¿Cuánto CUESTA el corte?? 💇‍♀️')).toBe('cuanto cuesta el corte');
    expect(hygieneKey("what's the price - for a trim")).toBe('what s the price for a trim');
  });

  it('finds the same text, the same words, and one edit apart under two labels, not under one', () => {
    const lines = rows(`
      a.en.txt:1 book | Can I book a trim?
      b.en.txt:4 services | can i book a trim
      b.en.txt:5 book | a trim can I book
      a.en.txt:2 faq | do you take card payments
      b.en.txt:6 services | do you take card paymnts
      a.en.txt:3 hours | are you open today
      b.en.txt:7 hours | are you open today?
      a.en.txt:8 smalltalk | ok
      b.en.txt:8 thanks | ko
      a.es.txt:9 services | qué hacéis
      b.es.txt:9 smalltalk | qué haces?
    `);
    const conflicts = findConflicts(lines);
    expect(conflicts.map((c) => [c.how, c.a.line, c.b.line])).toEqual([
      ['same text', 1, 4],
      ['same words', 4, 5],
      ['one edit apart', 2, 6],
    ]);
    expect(countByFilePair(conflicts)).toEqual({ 'a.en.txt × b.en.txt': 2, 'b.en.txt × b.en.txt': 1 });
  });

  it('flags labels the guidelines (test/eval/test/README.md) contradict, and leaves the right ones alone', () => {
    const lines = rows(`
      a.en.txt:1 faq | how much is a trim?
      a.en.txt:2 faq | how much is parking
      a.en.txt:3 cancel | do you charge for late cancellations?
      a.en.txt:4 unknown | is this a bot??
      a.es.txt:5 greeting | vale
      a.es.txt:6 book | ¿tengo cita?
      a.es.txt:7 human | llámame porfa
      a.en.txt:8 unknown | STOP
      a.es.txt:9 faq | cuanto es la seña para el tatuaje?
      a.es.txt:10 unknown | llámame un taxi porfa
      a.en.txt:11 cancel | I'll pay the late cancellation fee, but please cancel tomorrow's session
      a.en.txt:12 services | how much is a trim
    `);
    expect(guidelineViolations(lines).map((v) => v.u.line)).toEqual([1, 3, 4, 5, 6, 8]);
  });
});

describe('the shipped corpus', () => {
  const located = locate(corpus(), (file) => fs.readFileSync(path.join(CORPUS_DIR, file), 'utf8'));
  for (const lang of ['en', 'es'] as const) {
    it(`${lang}: no text is trained under two labels, and no label contradicts the guidelines`, () => {
      const conflicts = findConflicts(located[lang]);
      const violations = guidelineViolations(located[lang]);
      if (process.env.CORPUS_REPORT === '1') {
        console.log(`${lang} conflicts by file pair`, countByFilePair(conflicts));
        for (const c of conflicts) console.log(`${c.how}:\n  ${describeLine(c.a)}\n  ${describeLine(c.b)}`);
        for (const v of violations) console.log(`guideline (${v.why}): ${describeLine(v.u)}`);
      }
      expect(conflicts.map((c) => `${c.how}: ${describeLine(c.a)} ≠ ${describeLine(c.b)}`)).toEqual([]);
      expect(violations.map((v) => `${v.why}: ${describeLine(v.u)}`)).toEqual([]);
    });
  }
});
