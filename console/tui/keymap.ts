/**
 * Every key the console answers to, declared once per view (as k9s's KeyActions): the router, the
 * footer hints, the help screen and --readonly are all derived from this table.
 */

export type View = 'table' | 'log' | 'failures' | 'escalations' | 'conversations' | 'messages' | 'qr' | 'help';

export interface KeyBinding {
  keys: string[];
  label: string;
  help: string;
  /** The views where the key does this; absent: every view. */
  views?: View[];
  /** Changes something in the system: asks first, and is disabled with --readonly. */
  mutates?: boolean;
  /** Shown in the footer of its views (the rest are in the help screen). */
  hint?: string;
}

const LISTS: View[] = ['table', 'failures', 'escalations', 'conversations'];
const LOGS: View[] = ['table', 'log'];

export const KEYMAP = {
  up: { keys: ['up', 'k'], label: '↑/k', help: 'previous row; in a log or conversation: scroll up a line', views: [...LISTS, 'log', 'messages'] },
  down: { keys: ['down', 'j'], label: '↓/j', help: 'next row; in a log or conversation: scroll down a line', views: [...LISTS, 'log', 'messages'], hint: '↑↓ select' },
  pageUp: { keys: ['pageup'], label: 'PgUp', help: 'scroll back a page', views: ['log', 'messages'], hint: 'PgUp/PgDn scroll' },
  pageDown: { keys: ['pagedown'], label: 'PgDn', help: 'scroll forward a page (to the end: follow again)', views: ['log', 'messages'] },
  open: { keys: ['return'], label: 'enter', help: "table: the tenant's conversations (the brain's or monitor's log on their rows) · failures: the item's log · escalations: the customer's conversation · conversations: its messages", views: ['table', 'failures', 'escalations', 'conversations'], hint: 'enter open' },
  logs: { keys: ['l'], label: 'l', help: "the selected row's log, full screen: a tenant's gateway, the brain or the monitor (again: back)", views: ['table', 'log', 'failures'], hint: 'l log' },
  brainLogs: { keys: ['b'], label: 'b', help: "the brain's log", views: LOGS },
  monitorLogs: { keys: ['m'], label: 'm', help: "the monitor's log", views: LOGS },
  allLogs: { keys: ['L'], label: 'L', help: 'every process in one log', views: LOGS, hint: 'b/m/L brain/monitor/all logs' },
  errorsOnly: { keys: ['e'], label: 'e', help: 'log: errors only / everything', views: ['log'], hint: 'e errors' },
  follow: { keys: ['f'], label: 'f', help: 'log: follow new lines / hold', views: ['log'], hint: 'f follow' },
  qr: { keys: ['p'], label: 'p', help: "the selected tenant's pairing QR (links the business's WhatsApp, so not in read-only)", views: ['table'], hint: 'p QR', mutates: true },
  handoff: { keys: ['h'], label: 'h', help: 'handoff on/off: the whole tenant (table) or this chat (conversations, messages)', views: ['table', 'conversations', 'messages'], mutates: true, hint: 'h handoff' },
  restart: { keys: ['R'], label: 'R', help: 'restart the selected process: a gateway, the brain or the monitor (their rows, or a failure\'s) (asks first)', views: ['table', 'failures'], mutates: true, hint: 'R restart' },
  startStop: { keys: ['S'], label: 'S', help: 'stop or start the selected process (asks first)', views: ['table', 'failures'], mutates: true, hint: 'S stop/start' },
  resolve: { keys: ['r'], label: 'r', help: 'escalations: mark the selected one resolved (asks first)', views: ['escalations'], mutates: true, hint: 'r resolve' },
  failures: { keys: ['F', 'x'], label: 'F', help: 'everything failing, with what to do next', views: ['table', 'log', 'escalations', 'conversations'], hint: 'F failures' },
  escalations: { keys: ['E'], label: 'E', help: 'customers waiting for a person, every tenant', views: ['table', 'log', 'failures', 'conversations'], hint: 'E escalations' },
  add: { keys: ['a'], label: 'a', help: 'add a tenant', views: ['table'], mutates: true, hint: 'a add' },
  filter: { keys: ['/'], label: '/', help: 'table: filter tenants · log: search it', views: LOGS, hint: '/ filter' },
  command: { keys: [':'], label: ':', help: 'command (tab completes, ↑ recalls): :tenant x, :handoff x on, :restart x, :q' },
  help: { keys: ['?'], label: '?', help: 'this help', hint: '? help' },
  back: { keys: ['escape'], label: 'esc', help: 'back; on the table: clear the filter', hint: 'esc back' },
  quit: { keys: ['q'], label: 'q', help: 'quit', hint: 'q quit' },
} satisfies Record<string, KeyBinding>;

export type Action = keyof typeof KEYMAP;
const bindings = KEYMAP as Record<Action, KeyBinding>;

export interface KeyEvent {
  upArrow?: boolean;
  downArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  return?: boolean;
  escape?: boolean;
  backspace?: boolean;
  delete?: boolean;
  tab?: boolean;
  ctrl?: boolean;
  meta?: boolean;
}

function keyName(input: string, key: KeyEvent): string {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.return) return 'return';
  if (key.escape) return 'escape';
  return input;
}

const applies = (b: KeyBinding, view: View) => !b.views || b.views.includes(view);

/** A key as the screen names it: `j`, `enter`, `esc`, `↑`. */
export function keyLabel(input: string, key: KeyEvent): string {
  const name = keyName(input, key);
  return ({ up: '↑', down: '↓', pageup: 'PgUp', pagedown: 'PgDn', escape: 'esc', return: 'enter' } as Record<string, string>)[name] ?? (key.tab ? 'tab' : key.backspace || key.delete ? 'backspace' : name);
}

/**
 * Why a key does nothing in `view`, said on screen (a key that silently does nothing reads as a
 * dropped key): what it does in the views where it does something, or that it is no key at all.
 */
export function unboundKey(input: string, key: KeyEvent, view: View): string | undefined {
  const name = keyName(input, key);
  if (!name || key.ctrl || key.meta) return undefined;
  const elsewhere = (Object.values(bindings) as KeyBinding[]).find((b) => b.keys.includes(name));
  const shown = keyLabel(input, key);
  if (!elsewhere) return `${shown}: not a key of the console (? lists the keys of this view)`;
  return `${shown} does nothing in the ${view} view: it is "${elsewhere.help}" in the ${elsewhere.views!.join(', ')} view${elsewhere.views!.length > 1 ? 's' : ''}`;
}

/** The action a keypress means in `view`, or undefined. */
export function actionFor(input: string, key: KeyEvent, view: View): Action | undefined {
  const name = keyName(input, key);
  return (Object.keys(bindings) as Action[]).find((a) => applies(bindings[a], view) && bindings[a].keys.includes(name));
}

export const isDangerous = (action: Action) => bindings[action].mutates === true;

/** The footer's key hints for a view, help first (a narrow terminal cuts the end); --readonly leaves out what it disables. */
export function hintsFor(view: View, readonly: boolean): string {
  const shown = (Object.values(bindings) as KeyBinding[]).filter((b) => b.hint && applies(b, view) && !(readonly && b.mutates));
  return [bindings.help, ...shown.filter((b) => b !== bindings.help)].map((b) => b.hint).join(' · ');
}

/** The help screen's rows for the view it was opened from. */
export function helpRows(view: View, readonly: boolean): { label: string; help: string; disabled: boolean }[] {
  return (Object.values(bindings) as KeyBinding[]).filter((b) => applies(b, view)).map((b) => ({ label: b.label, help: b.help, disabled: readonly && b.mutates === true }));
}

/**
 * One Ink input event as the keys it holds. Ink hands over keys that arrive together (`jj`, a paste,
 * key repeat over a slow link, `tenant x⏎`) as one string; each character is a key of its own here,
 * so none is dropped and a carriage return is Enter, not text.
 */
export function splitKeys(input: string, key: KeyEvent): { input: string; key: KeyEvent }[] {
  // Enter typed while the console starts (the terminal not yet raw) arrives as a line feed, which Ink does not call return.
  if (input === '\n' && !key.return) return [{ input: '', key: { return: true } }];
  if (input.length <= 1 || key.ctrl || key.meta || key.escape || key.upArrow || key.downArrow || key.pageUp || key.pageDown) return [{ input, key }];
  return [...input].map((c) => {
    if (c === '\r' || c === '\n') return { input: '', key: { return: true } };
    if (c === '\u007f' || c === '\b') return { input: '', key: { backspace: true } };
    if (c === '\t') return { input: '', key: { tab: true } };
    return { input: c, key: {} };
  });
}

/**
 * Bracketed paste (`ESC[200~` … `ESC[201~`, on while the console runs): the marks as Ink hands them
 * over, its escape already taken off. Between them everything is text for the prompt.
 */
export const PASTE_START = '[200~';
export const PASTE_END = '[201~';

/** A piece of a paste as prompt text: a line break or tab (Ink reports a lone one as a key) becomes a space, and never submits. */
export function pastedText(input: string, key: KeyEvent): string {
  if (key.return || key.tab) return ' ';
  // eslint-disable-next-line no-control-regex
  return input.replace(/\r\n|[\r\n\t]/g, ' ').replace(/[\u0000-\u001f\u007f]/g, '');
}
