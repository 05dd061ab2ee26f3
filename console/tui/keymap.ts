/** Every key the console answers to, in one place: the router, the help screen and --readonly read it. */
export interface KeyBinding {
  keys: string[];
  label: string;
  help: string;
  /** Changes something in the system; disabled with --readonly. */
  mutates?: boolean;
}

export const KEYMAP = {
  up: { keys: ['up', 'k'], label: '↑/k', help: 'previous tenant' },
  down: { keys: ['down', 'j'], label: '↓/j', help: 'next tenant' },
  logs: { keys: ['return'], label: 'enter', help: "the selected tenant's (or failure's) log, full screen" },
  brainLogs: { keys: ['b'], label: 'b', help: "the brain's log" },
  monitorLogs: { keys: ['m'], label: 'm', help: "the monitor's log" },
  allLogs: { keys: ['L'], label: 'L', help: 'every process in one log' },
  pageUp: { keys: ['pageup'], label: 'PgUp', help: 'log: scroll back a page' },
  pageDown: { keys: ['pagedown'], label: 'PgDn', help: 'log: scroll forward a page' },
  errorsOnly: { keys: ['e'], label: 'e', help: 'log: errors only / everything' },
  follow: { keys: ['f'], label: 'f', help: 'log: follow new lines / hold' },
  qr: { keys: ['p'], label: 'p', help: "the selected tenant's pairing QR" },
  handoff: { keys: ['h'], label: 'h', help: 'handoff on/off for the selected tenant (asks first)', mutates: true },
  restart: { keys: ['R'], label: 'R', help: 'restart the selected gateway (asks first)', mutates: true },
  startStop: { keys: ['S'], label: 'S', help: 'stop or start the selected gateway (asks first)', mutates: true },
  failures: { keys: ['F', 'x'], label: 'F', help: 'everything failing, with what to do next' },
  add: { keys: ['a'], label: 'a', help: 'add a tenant', mutates: true },
  filter: { keys: ['/'], label: '/', help: 'filter tenants; in a log: search it' },
  command: { keys: [':'], label: ':', help: 'command (:tenant x, :handoff x on, :restart x, :q)' },
  help: { keys: ['?'], label: '?', help: 'this help' },
  back: { keys: ['escape'], label: 'esc', help: 'back' },
  quit: { keys: ['q'], label: 'q', help: 'quit' },
} satisfies Record<string, KeyBinding>;

export type Action = keyof typeof KEYMAP;

export interface KeyEvent {
  upArrow?: boolean;
  downArrow?: boolean;
  return?: boolean;
  escape?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
}

function keyName(input: string, key: KeyEvent): string {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.return) return 'return';
  if (key.escape) return 'escape';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  return input;
}

/** The action a keypress means, or undefined. */
export function actionFor(input: string, key: KeyEvent): Action | undefined {
  const name = keyName(input, key);
  return (Object.keys(KEYMAP) as Action[]).find((a) => (KEYMAP[a].keys as string[]).includes(name));
}
