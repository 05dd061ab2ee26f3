/**
 * Control characters (C0 but tab and newline, DEL, C1) removed from text that came from outside:
 * a NUL in a name or message broke every later insert that carried it (PostgreSQL refuses U+0000)
 * and escape codes rewrite an operator's terminal.
 */
export function stripControl(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}
