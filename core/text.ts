// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// eslint-disable-next-line no-control-regex
const CONTROL_OR_BREAK = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Control characters (C0 but tab and newline, DEL, C1) removed from text that came from outside:
 * a NUL in a name or message broke every later insert that carried it (PostgreSQL refuses U+0000)
 * and escape codes rewrite an operator's terminal.
 */
export function stripControl(text: string): string {
  return text.replace(CONTROL, '');
}

/**
 * Text from outside (a business name, a log line) printed to a terminal: control characters are
 * shown, not obeyed (ESC as `^[`, others as `\xNN`), so a name cannot move the cursor, recolour or
 * clear the operator's screen, yet the operator still sees that something odd is there.
 */
export function neutralise(text: string): string {
  return text.replace(CONTROL, (c) => (c === '\u001b' ? '^[' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

/** stripControl applied to every string (and object key) of parsed JSON or YAML. */
export function stripControlDeep(value: unknown): unknown {
  if (typeof value === 'string') return stripControl(value);
  if (Array.isArray(value)) return value.map(stripControlDeep);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [stripControl(k), stripControlDeep(v)]));
  }
  return value;
}

/** True when a one-line name holds control characters or line breaks. */
export function hasControl(text: string): boolean {
  return CONTROL_OR_BREAK.test(text);
}
