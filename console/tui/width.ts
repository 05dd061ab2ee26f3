/**
 * Text measured in terminal columns, as Ink measures it (its string-width): a CJK character or an
 * emoji takes two columns, a combining accent or a zero-width joiner none, and an emoji made of
 * several code points (a flag, a family) is one character. Rows cut by UTF-16 length instead came
 * out up to twice as wide as the pane: Ink cut them short (hiding half of a log line) or wrapped
 * them, and the extra rows pushed the header off the screen; a cut through an emoji's surrogate
 * pair printed `�`.
 */

const segmenter = new Intl.Segmenter();
const ASCII = /^[\u0020-\u007e]*$/;
// Built with `new RegExp` because the `v` flag is newer than the ES2022 target TypeScript checks against.
const VISIBLE = new RegExp('[^\\p{Default_Ignorable_Code_Point}\\p{Control}\\p{Format}\\p{Nonspacing_Mark}\\p{Enclosing_Mark}\\p{Surrogate}]', 'v');
const EMOJI = new RegExp('^\\p{RGI_Emoji}$', 'v');
const PICTOGRAPHIC = /\p{Extended_Pictographic}/gu;
/** East Asian Wide and Fullwidth blocks (Unicode's EastAsianWidth W and F), and emoji shown as emoji by default. */
const WIDE =
  /[\p{Emoji_Presentation}\u1100-\u115f\u231a\u231b\u2329\u232a\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe19\ufe30-\ufe6f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{2fffd}\u{30000}-\u{3fffd}]/u;

/** Columns one user-perceived character (a grapheme cluster) takes. */
function clusterWidth(cluster: string): number {
  if (cluster.length === 1 && cluster >= ' ' && cluster <= '~') return 1;
  const at = cluster.search(VISIBLE);
  if (at < 0) return 0;
  if (EMOJI.test(cluster)) return 2;
  if (cluster.includes('\u200d') && (cluster.match(PICTOGRAPHIC)?.length ?? 0) >= 2) return 2;
  return WIDE.test(String.fromCodePoint(cluster.codePointAt(at)!)) ? 2 : 1;
}

/** A tab moves to a tab stop on a terminal but counts nothing for Ink: shown as spaces, both agree. */
const untab = (text: string) => (text.includes('\t') ? text.replace(/\t/g, '    ') : text);

function clusters(text: string): string[] {
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/** Columns `text` takes on a terminal. */
export function textWidth(text: string): number {
  if (ASCII.test(text)) return text.length;
  let width = 0;
  for (const c of clusters(untab(text))) width += clusterWidth(c);
  return width;
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
