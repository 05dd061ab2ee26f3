/**
 * Text measured in terminal columns with Ink's own string-width: a CJK character or an
 * emoji takes two columns, a combining accent or a zero-width joiner none, and an emoji made of
 * several code points (a flag, a family) is one character. Rows cut by UTF-16 length instead came
 * out up to twice as wide as the pane: Ink cut them short (hiding half of a log line) or wrapped
 * them, and the extra rows pushed the header off the screen; a cut through an emoji's surrogate
 * pair printed `�`.
 */

import stringWidth from 'string-width';

const segmenter = new Intl.Segmenter();
const ASCII = /^[\u0020-\u007e]*$/;

/** Columns one user-perceived character (a grapheme cluster) takes: Ink's own measure, so its rows and ours agree. */
function clusterWidth(cluster: string): number {
  return cluster.length === 1 && cluster >= ' ' && cluster <= '~' ? 1 : stringWidth(cluster);
}

/** A tab moves to a tab stop on a terminal but counts nothing for Ink: shown as spaces, both agree. */
const untab = (text: string) => (text.includes('\t') ? text.replace(/\t/g, '    ') : text);

function clusters(text: string): string[] {
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/** Columns `text` takes on a terminal. */
export function textWidth(text: string): number {
  return ASCII.test(text) ? text.length : stringWidth(untab(text));
}

/**
 * Cuts text into rows at most `width` columns wide, never inside a character, so scrolling counts
 * screen rows, not events. With `words`, a row ends at the last space that fits (a word longer than
 * the row is still cut), and `indent` columns of spaces start every row after the first: a message
 * wrapped under its own text, not under its time.
 */
export function wrap(text: string, width: number, { words = false, indent = 0 }: { words?: boolean; indent?: number } = {}): string[] {
  const w = Math.max(1, width);
  const plain = untab(text);
  if (ASCII.test(plain) && plain.length <= w) return [plain];
  // Past a row's worth of indent nothing would fit: no hanging indent then.
  const pad = ' '.repeat(indent < w ? indent : 0);
  const out: string[] = [];
  let row: string[] = [];
  let used = 0;
  let lastSpace = -1;
  for (const c of ASCII.test(plain) ? plain : clusters(plain)) {
    const cw = clusterWidth(c);
    if (used + cw > w && row.length > 0) {
      let keep = row;
      let carry: string[] = [];
      // Break after the last space past the indent (on the first row: past the time and speaker).
      if (words && lastSpace > pad.length) {
        keep = row.slice(0, lastSpace);
        carry = row.slice(lastSpace + 1);
      }
      out.push(keep.join(''));
      row = [...pad, ...carry];
      used = pad.length + carry.reduce((n, x) => n + clusterWidth(x), 0);
      lastSpace = -1;
      // The space the row broke at starts no row.
      if (c === ' ' && words && carry.length === 0) continue;
    }
    if (c === ' ') lastSpace = row.length;
    row.push(c);
    used += cw;
  }
  if (row.length > (out.length ? pad.length : 0) || out.length === 0) out.push(row.join(''));
  return out;
}

/** `text` in exactly `width` columns: cut with `…` when longer, padded with spaces when shorter. */
export function fit(text: string, width: number): string {
  const w = textWidth(text);
  if (w <= width) return text + ' '.repeat(width - w);
  let out = '';
  let used = 0;
  for (const c of clusters(untab(text))) {
    const cw = clusterWidth(c);
    if (used + cw > width - 1) break;
    out += c;
    used += cw;
  }
  return `${out}…${' '.repeat(Math.max(0, width - 1 - used))}`;
}
