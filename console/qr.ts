import qrcode from 'qrcode-terminal';

/**
 * A WhatsApp QR drawn with half-block characters (qrcode-terminal's small mode): about 55×29 to
 * 59×31 characters for a typical code. Returned as lines so callers can check it fits before
 * drawing: a wrapped or cut QR does not scan.
 */
export function renderQr(text: string): string[] {
  let out = '';
  qrcode.generate(text, { small: true }, (s) => (out = s));
  return out.replace(/\n+$/, '').split('\n');
}

export function qrSize(lines: string[]): { width: number; height: number } {
  return { width: Math.max(...lines.map((l) => [...l].length)), height: lines.length };
}
