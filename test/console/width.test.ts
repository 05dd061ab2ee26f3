import { describe, expect, it } from 'vitest';
// What Ink itself measures rows with: the console's widths must agree with it, or Ink cuts and wraps rows again.
import stringWidth from 'string-width';
import { fit, textWidth, wrap } from '../../console/tui/width.js';

const SAMPLES = [
  'plain ascii',
  'Clínica Sonrisa',
  'cafe\u0301 con leche', // a combining accent
  '你好，世界',
  '予約をお願いします',
  '안녕하세요',
  'ｆｕｌｌｗｉｄｔｈ',
  'smile 😀 thumbs 👍🏽 flag 🇪🇸 family 👨‍👩‍👧',
  'heart ❤️ keycap 1️⃣ star ⭐',
  'zero\u200bwidth\u00adsoft',
  'bad bytes \ufffd\ufffd( here',
  'مرحبا بالعالم',
];

describe('terminal width', () => {
  it("measures text as Ink's string-width does", () => {
    for (const s of SAMPLES) expect([s, textWidth(s)]).toEqual([s, stringWidth(s)]);
  });

  it('wraps by columns, never inside a character: every row fits and nothing is lost', () => {
    const text = `wide ${'你好'.repeat(80)} emoji ${'😀'.repeat(50)} flags ${'🇪🇸'.repeat(20)} END`;
    for (const width of [1, 2, 3, 7, 40, 53, 120]) {
      const rows = wrap(text, width);
      for (const r of rows) {
        expect(stringWidth(r)).toBeLessThanOrEqual(Math.max(width, 2)); // a 2-column character on a 1-column row has a row of its own
        expect(r).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/); // no half of a surrogate pair
      }
      expect(rows.join('')).toBe(text);
    }
    // Before: cut by UTF-16 length, a row of 120 "columns" of CJK took 240.
    expect(wrap('你好'.repeat(60), 120)).toEqual(['你好'.repeat(30), '你好'.repeat(30)]);
    expect(wrap('a\tb', 10)).toEqual(['a    b']);
  });

  it('wraps words under a hanging indent, and cuts a word longer than the row', () => {
    expect(wrap('20:46 bot      We are open tomorrow at nine', 24, { words: true, indent: 15 })).toEqual([
      '20:46 bot      We are',
      '               open',
      '               tomorrow',
      '               at nine',
    ]);
    // The break falls inside a word that a space follows: the word moves down whole, its space kept.
    expect(wrap('ab cd ef', 4, { words: true })).toEqual(['ab', 'cd', 'ef']);
    expect(wrap('reply here when', 11, { words: true })).toEqual(['reply here', 'when']);
    expect(wrap('reply here when we', 13, { words: true })).toEqual(['reply here', 'when we']);
    expect(wrap('20:46 customer abcdefghijklmnopqrstuvwxyz', 24, { words: true, indent: 15 })).toEqual(['20:46 customer abcdefghi', '               jklmnopqr', '               stuvwxyz']);
  });

  it('fits a cell to its columns exactly', () => {
    expect(fit('Salon B', 10)).toBe('Salon B   ');
    expect(fit('Sonrisa Dental Clinic', 10)).toBe('Sonrisa D…');
    for (const name of ['歯科クリニック東京', 'Salón 💇‍♀️ Bella', 'Café 😀😀😀😀']) {
      for (const w of [5, 9, 13]) expect([name, w, stringWidth(fit(name, w))]).toEqual([name, w, w]);
    }
  });
});
