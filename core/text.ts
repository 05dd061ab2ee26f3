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

/**
 * Characters that draw nothing or turn the text's direction (zero-width spaces and joiners, bidi
 * marks, embeddings, overrides and isolates, soft hyphen, BOM): in a business name they let two
 * names look the same, and a bidi control reorders the rest of the console's row.
 */
const INVISIBLE = /[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
/** A zero-width joiner between two emoji draws one emoji (a family, a flag): that one is visible. */
const EMOJI_JOINER = /(?<=\p{Extended_Pictographic}\ufe0f?)\u200d(?=\p{Extended_Pictographic})/gu;

/** The first invisible or direction-changing character in `text` as `U+XXXX`, if any. */
export function invisibleIn(text: string): string | undefined {
  const found = text.replace(EMOJI_JOINER, '').match(INVISIBLE)?.[0];
  return found && `U+${found.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** `text` without invisible or direction-changing characters: for names kept from before they were refused. */
export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE, '');
}

/** The one-line error for a name with such a character. */
export function invisibleNameError(code: string): string {
  return `the business name has an invisible or text-direction character (${code}): type the name again as plain text`;
}
