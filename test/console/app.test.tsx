import { render } from 'ink-testing-library';
import stringWidth from 'string-width';
import { afterEach, describe, expect, it } from 'vitest';
import type { Backend } from '../../console/tui/backend.js';
import { App } from '../../console/tui/App.js';
import { TenantTable } from '../../console/tui/components/views.js';
import { inkCachesShared } from '../../console/tui/ink-output-cache.js';
import type { Conversation } from '../../console/brain-api.js';
import { emptySnapshot, type LogLine, type Snapshot, type TenantRow } from '../../console/tui/model.js';
import { until } from '../helpers/gateway.js';
import { row } from '../helpers/rows.js';

class FakeBackend implements Backend {
  state: Snapshot;
  readonly calls: string[] = [];
  private readonly listeners = new Set<() => void>();
  logLines: Record<string, LogLine[]> = {};
  /** Resolves a pending handoff call: the "gateway" confirms. */
  confirmHandoff: (() => void) | undefined;

  constructor(rows: TenantRow[]) {
    this.state = { ...emptySnapshot('testhost'), at: Date.now(), pm2: 'connected', brain: { pm2: 'online', healthy: true }, rows };
  }
  snapshot = () => this.state;
  logs = (p: string) => this.logLines[p] ?? [];
  subscribe = (l: () => void) => {
    this.listeners.add(l);
    return () => void this.listeners.delete(l);
  };
  set(state: Partial<Snapshot>) {
    this.state = { ...this.state, ...state };
    for (const l of this.listeners) l();
  }
  handoff = (tenant: string, on: boolean) => {
    this.calls.push(`handoff ${tenant} ${on}`);
    return new Promise<boolean>((resolve) => {
      this.confirmHandoff = () => {
        this.set({ rows: this.state.rows.map((r) => (r.id === tenant ? { ...r, handoff: on } : r)) });
        resolve(on);
      };
    });
  };
  restart = async (name: string) => void this.calls.push(`restart ${name}`);
  stop = async (name: string) => void this.calls.push(`stop ${name}`);
  start = async (name: string) => void this.calls.push(`start ${name}`);
  addTenant = async (input: { id: string; name: string; transport: string }) => {
    this.calls.push(`add ${input.id} ${input.name} ${input.transport}`);
    return `added ${input.id}`;
  };
  pairingCode = async (tenant: string, phone: string) => (this.calls.push(`pair ${tenant} ${phone}`), 'ABCD-1234');
  conversationList: Record<string, Conversation[]> = {};
  /** While set, the brain "has not answered yet": conversations wait for it to resolve. */
  conversationsGate: Promise<void> | null = null;
  conversations = async (tenant: string) => {
    await this.conversationsGate;
    return this.conversationList[tenant] ?? [];
  };
  /** Logs whose history is still "being read from PM2's files". */
  loadingLogs = new Set<string>();
  logLoading = (p: string) => this.loadingLogs.has(p);
  resolveEscalation = async (tenant: string, id: number) => {
    this.calls.push(`resolve ${tenant} ${id}`);
    this.set({ escalations: this.state.escalations.filter((e) => !(e.tenant === tenant && e.id === id)) });
  };
  chatHandoff = async (tenant: string, sender: string, on: boolean) => (this.calls.push(`chat handoff ${tenant} ${sender} ${on}`), on);
  close = async () => {};
}

let app: ReturnType<typeof render> | undefined;
afterEach(() => app?.unmount());

async function press(keys: string[]) {
  for (const k of keys) {
    app!.stdin.write(k);
    // A lone Escape followed at once by a key reads as Alt-key.
    await new Promise((r) => setTimeout(r, k === '\u001b' ? 80 : 15));
  }
}
const frame = () => app!.lastFrame() ?? '';
const shows = (text: string) =>
  until(() => frame().includes(text), 2_000, `"${text}" on screen`).catch((err: Error) => {
    throw new Error(`${err.message}\n--- screen ---\n${frame()}`);
  });

describe('console TUI', () => {
  it('shows the header and the tenants worst first, and moves the selection with j/k', async () => {
    const backend = new FakeBackend([row('alpha'), row('bravo', { wa: 'parked' }), row('charlie', { pm2: 'errored' })]);
    app = render(<App backend={backend} tickMs={60_000} />);
    await shows('tenants 3');
    expect(frame()).toMatch(/PM2 connected/);
    const lines = frame().split('\n');
    const order = ['charlie', 'bravo', 'alpha'].map((id) => lines.findIndex((l) => l.includes(id)));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    await press(['j', 'j', ':']);
    await press([...'restart alpha', '\r']);
    await shows('Restart wr-gw-alpha?');
  });

  it('shows each tenant’s LLM tokens today against the budget on a wide terminal (issue 14)', () => {
    const rows = [row('alpha', { llm: { tokens: 12_400, budget: 50_000 } }), row('bravo', { llm: { tokens: 812, budget: null } }), row('charlie', { llm: null })];
    const table = <TenantTable rows={rows} selected={0} height={10} width={130} now={Date.now()} />;
    app = render(table);
    // ink-testing-library's terminal is 100 columns: widen it, as a 130-column terminal would be.
    Object.defineProperty(app.stdout, 'columns', { get: () => 130 });
    app.rerender(table);
    const lines = frame().split('\n');
    expect(lines[0]).toMatch(/CPU MEM\s+LLM/);
    expect(lines.find((l) => l.includes('alpha'))).toMatch(/12k\/50k\s*$/);
    expect(lines.find((l) => l.includes('bravo'))).toMatch(/ 812\s*$/);
    expect(lines.find((l) => l.includes('charlie'))).toMatch(/ -\s*$/);
    app.unmount();
    app = render(<TenantTable rows={rows} selected={0} height={10} width={110} now={Date.now()} />);
    expect(frame()).not.toContain('LLM');
  });

  it('tells apart two tenants with the same business name by their whole id, however long (a cut id made them look the same)', () => {
    const rows = [row('salon-centro-madrid-norte', { name: 'Salon Bella' }), row('salon-centro-madrid-sur', { name: 'Salon Bella' })];
    app = render(<TenantTable rows={rows} selected={0} height={10} width={100} now={Date.now()} />);
    const lines = frame().split('\n');
    expect(lines.find((l) => l.includes('salon-centro-madrid-norte '))).toContain('Salon Bella');
    expect(lines.find((l) => l.includes('salon-centro-madrid-sur '))).toContain('Salon Bella');
  });

  it('renders only the rows that fit with 150 tenants, following the selection', async () => {
    const rows = Array.from({ length: 150 }, (_, i) => row(`t${String(i).padStart(3, '0')}`));
    app = render(<App backend={new FakeBackend(rows)} tickMs={60_000} />);
    await shows('t000');
    expect(frame()).not.toContain('t050');
    expect(frame().split('\n').length).toBeLessThanOrEqual(23);
    await press(Array(60).fill('j'));
    await shows('t060');
    expect(frame()).not.toContain('t000');
  });

  it('asks before handoff and shows the new state only once the gateway confirms it', async () => {
    const backend = new FakeBackend([row('demo')]);
    app = render(<App backend={backend} tickMs={60_000} />);
    await shows('demo');
    await press(['h']);
    await shows('Turn handoff ON for demo (Shop demo)?');
    await press(['y']);
    await shows("waiting for demo's gateway");
    expect(backend.calls).toEqual(['handoff demo true']);
    expect(frame()).not.toMatch(/\bON\b.*\d/);
    backend.confirmHandoff!();
    await shows('demo: handoff ON (confirmed by the gateway)');
    expect(frame()).toMatch(/demo .*online\s+connected\s+ON/);
    await press(['h', 'n']);
    await shows('cancelled');
    expect(backend.calls).toHaveLength(1);
  });

  it('filters with /, shows help from the key map and the failures view', async () => {
    app = render(<App backend={new FakeBackend([row('clinic'), row('salon', { wa: 'logged_out' })])} tickMs={60_000} />);
    await shows('clinic');
    await press(['/', ...'sal', '\r']);
    await until(() => !frame().includes('clinic'), 2_000);
    expect(frame()).toContain('salon');
    await press(['\u001b']);
    await new Promise((r) => setTimeout(r, 50));
    await press(['?']);
    await shows('handoff on/off: the whole tenant');
    await press(['\u001b']);
    await new Promise((r) => setTimeout(r, 50));
    await press(['F']);
    await shows('salon (Shop salon): WhatsApp logged out');
    await shows('R for a new QR');
  });

  it('says when the terminal is too small for a scannable QR, and offers a pairing code', async () => {
    const backend = new FakeBackend([row('demo', { wa: 'qr' })]);
    backend.state.qr = { demo: { qr: `2@${'x'.repeat(200)}`, expiresAt: new Date(Date.now() + 30_000).toISOString() } };
    app = render(<App backend={backend} tickMs={60_000} />);
    await shows('demo');
    await press(['p']);
    await shows('too small for a scannable QR');
    // The terminal's size, as the size it asks for is (before: the QR pane's, 100×20, beside a terminal size).
    expect(frame()).toContain('it needs 62×36, this one is 100×24.');
    await press(['c', ...'+34600111222', '\r']);
    await shows('pairing code for demo: ABCD-1234');
    expect(backend.calls).toEqual(['pair demo +34600111222']);
  });

  it('adds a tenant from the form', async () => {
    const backend = new FakeBackend([]);
    app = render(<App backend={backend} tickMs={60_000} />);
    await shows('no tenants');
    await press(['a', ...'shop-1', '\r', ...'Corner Shop', '\r']);
    await shows('transport (baileys|simulator)');
    for (let i = 0; i < 7; i++) await press(['\u007f']);
    await press([...'simulator', '\r']);
    await shows('added shop-1');
    expect(backend.calls).toEqual(['add shop-1 Corner Shop simulator']);
  });

  it('--readonly disables every key that changes something', async () => {
    const backend = new FakeBackend([row('demo')]);
    app = render(<App backend={backend} readonly tickMs={60_000} />);
    await shows('READ-ONLY');
    for (const k of ['h', 'R', 'S', 'a', 'p']) {
      await press([k]);
      await shows(`read-only console: ${k} is disabled`);
    }
    await press([':', ...'restart demo', '\r']);
    await shows('read-only console: commands that change things are disabled');
    expect(backend.calls).toEqual([]);
  });

  it('streams the selected process log, errors only on e', async () => {
    const backend = new FakeBackend([row('demo')]);
    backend.logLines['wr-gw-demo'] = [
      { at: 1, process: 'wr-gw-demo', stream: 'out', text: 'gateway listening' },
      { at: 2, process: 'wr-gw-demo', stream: 'err', text: 'brain unreachable' },
    ];
    app = render(<App backend={backend} tickMs={60_000} />);
    await shows('demo');
    await press(['l']);
    await shows('gateway listening');
    await press(['e']);
    await shows('errors only');
    expect(frame()).not.toContain('gateway listening');
    expect(frame()).toContain('brain unreachable');
    // A search that only errors-only hides says so (it said "no line matches", with the line in the log).
    await press(['/', ...'listening', '\r']);
    await shows('no error line matches "listening" (e: every line)');
    await press(['e']);
    await shows('gateway listening');
  });

  it('shows pino lines as readable events: time, level, message, key fields, the crash reason (issue 16 item 1)', async () => {
    const backend = new FakeBackend([row('demo', { pm2: 'errored' })]);
    const time = Date.parse('2026-11-28T16:46:00Z');
    const clock = new Date(time).toTimeString().slice(0, 8);
    const pino = (level: number, msg: string, extra: object = {}) => `2026-11-28T16:46:00: ${JSON.stringify({ level, time, pid: 1, hostname: 'h', name: 'gateway', msg, ...extra })}`;
    backend.logLines['wr-gw-demo'] = [
      { at: 1, process: 'wr-gw-demo', stream: 'out', text: pino(30, 'gateway listening', { port: 2900 }) },
      { at: 2, process: 'wr-gw-demo', stream: 'err', text: pino(60, 'gateway failed to start', { err: { type: 'Error', message: 'SQLITE_NOTADB: file is not a database', code: 'SQLITE_NOTADB', stack: 'Error: …' } }) },
      { at: 3, process: 'wr-gw-demo', stream: 'out', text: pino(40, `a long warning ${'x'.repeat(150)} END-OF-WARNING`) },
    ];
    app = render(<App backend={backend} tickMs={60_000} />);
    await shows('demo');
    await press(['l']);
    await shows(`${clock} FATAL gateway failed to start: SQLITE_NOTADB: file is not a database`);
    expect(frame()).toContain(`${clock} INFO  gateway listening port=2900`);
    expect(frame()).not.toContain('"level"');
    // Wrapped, not cut: the end of a line longer than the screen is on the next row.
    expect(frame()).toContain('END-OF-WARNING');
    // Search: only the matching event is left.
    await press(['/', ...'notadb', '\r']);
    await shows('"notadb": 1 match');
    expect(frame()).not.toContain('gateway listening');
    await press(['\u001b']);
    await until(() => frame().includes('gateway listening') && !frame().includes('match'), 2_000, 'search cleared');
  });

  it('scrolls a long log back with PgUp and follows again at the end with PgDn', async () => {
    const backend = new FakeBackend([row('demo')]);
    backend.logLines['wr-gw-demo'] = Array.from({ length: 200 }, (_, i) => ({ at: i, process: 'wr-gw-demo', stream: 'out' as const, text: `line-${String(i).padStart(3, '0')}` }));
    app = render(<App backend={backend} tickMs={60_000} />);
    await shows('demo');
    await press(['l']);
    await shows('line-199');
    expect(frame()).not.toContain('line-150');
    await press(['\u001b[5~', '\u001b[5~']);
    await shows('held');
    expect(frame()).not.toContain('line-199');
    expect(frame()).toMatch(/line-1[5-7]\d/);
    // New lines while scrolled back do not move the view.
    backend.logLines['wr-gw-demo'] = [...backend.logLines['wr-gw-demo']!, { at: 999, process: 'wr-gw-demo', stream: 'out', text: 'line-new' }];
    backend.set({});
    await press(['\u001b[6~', '\u001b[6~', '\u001b[6~']);
    await shows('following');
    await shows('line-new');
  });

  it('opens the brain, monitor and combined logs (b, m, L), naming each line\'s process in the combined one', async () => {
    const backend = new FakeBackend([row('demo')]);
    backend.logLines['wr-brain'] = [{ at: 1, process: 'wr-brain', stream: 'out', text: 'brain says hi' }];
    backend.logLines['wr-monitor'] = [{ at: 2, process: 'wr-monitor', stream: 'out', text: 'monitor says hi' }];
    backend.logLines['*'] = [...backend.logLines['wr-brain']!, ...backend.logLines['wr-monitor']!];
    app = render(<App backend={backend} tickMs={60_000} />);
    await shows('demo');
    await press(['m']);
    await shows('log wr-monitor');
    await shows('monitor says hi');
    await press(['b']);
    await shows('brain says hi');
    await press(['L']);
    await shows('log all processes');
    await shows('wr-brain brain says hi');
    expect(frame()).toContain('wr-monitor monitor says hi');
  });

  it('never drops keys that arrive together: jj, a burst command with its Enter, a paste (issue 16 item 5)', async () => {
    const backend = new FakeBackend([row('a1'), row('a2'), row('a3'), row('zed')]);
    app = render(<App backend={backend} tickMs={60_000} />);
    await shows('a1');
    app.stdin.write('jj');
    await until(() => /▶a3/.test(frame()), 2_000, 'the selection two rows down');
    app.stdin.write(':tenant zed\r');
    await until(() => /▶zed/.test(frame()), 2_000, 'zed selected by a one-burst command');
    expect(frame()).not.toContain(':tenant');
    // Tab completes, ↑ recalls the last command.
    await press([':', ...'res', '\t']);
    await shows(':restart ▏');
    await press(['\u001b']);
    await press([':', '\u001b[A']);
    await shows(':tenant zed▏');
  });

  it('inserts a bracketed paste literally into the prompt: its line breaks do not submit, its letters are not keys (issue 16 item 5)', async () => {
    const backend = new FakeBackend([row('alpha'), row('bravo')]);
    app = render(<App backend={backend} tickMs={60_000} />);
    await shows('alpha');
    await press([':']);
    // One chunk, as a terminal sends a paste: the marks, text with a line break, the end mark.
    app.stdin.write('\u001b[200~restart al\npha\u001b[201~');
    await shows(':restart al pha▏');
    expect(frame()).not.toContain('Restart wr-gw-');
    // A paste cut into pieces (a long one over SSH) is still text until its end mark.
    app.stdin.write('\u001b[200~ x');
    await new Promise((r) => setTimeout(r, 20));
    app.stdin.write('\r\ny\u001b[201~');
    await shows(':restart al pha x y▏');
    await press(['\u001b']);
    // With no prompt open, a paste is not read as keys: "q" would quit, "R" restart.
    app.stdin.write('\u001b[200~qR\u001b[201~');
    await shows('paste ignored: open a prompt first');
    await press(['/']);
    app.stdin.write('\u001b[200~bra\u001b[201~');
    await press(['\r']);
    await shows('bravo');
    expect(frame()).not.toContain('alpha');
    expect(backend.calls).toEqual([]);
  });

  it('works the failures view: a cursor, enter opens that item\'s log, R acts on that item, the brain included (issue 16 item 3)', async () => {
    const backend = new FakeBackend([row('alpha'), row('bravo', { pm2: 'errored', restarts: 16 })]);
    backend.state.brain = { pm2: 'stopped' };
    backend.state.crashes = { 'wr-gw-alpha': { at: Date.now(), code: null, signal: 'SIGKILL', lastError: 'out of memory' } };
    backend.logLines['wr-brain'] = [{ at: 1, process: 'wr-brain', stream: 'err', text: 'brain fell over' }];
    app = render(<App backend={backend} tickMs={60_000} />);
    await shows('alpha');
    await press(['F']);
    await shows('▶ brain is stopped');
    expect(frame()).toContain('wr-gw-alpha killed by SIGKILL at');
    expect(frame()).toContain('out of memory');
    await press(['\r']);
    await shows('brain fell over');
    await press(['\u001b']);
    await shows('Failing now');
    await press(['R']);
    await shows('Restart wr-brain?');
    await press(['y']);
    await shows('wr-brain restarted');
    await press(['j', 'S']);
    await shows('Start wr-gw-bravo?');
    await press(['y']);
    await shows('wr-gw-bravo started');
    expect(backend.calls).toEqual(['restart wr-brain', 'start wr-gw-bravo']);
  });

  it('lists the brain and the monitor as rows: state, CPU and memory, their log on enter, R and S on them, no handoff or QR (issue 16: brain and monitor as rows)', async () => {
    const backend = new FakeBackend([row('alpha'), row('bravo', { wa: 'parked' })]);
    backend.state.brain = { pm2: 'online', healthy: true, cpu: 12, memory: 90 * 1024 * 1024, restarts: 2, uptimeSince: Date.now() - 600_000, port: 3000 };
    backend.state.monitor = { pm2: 'online', cpu: 1, memory: 40 * 1024 * 1024, restarts: 0, uptimeSince: Date.now(), port: 3001 };
    backend.state.monitorApi = 'monitor not reachable on 127.0.0.1:3001 (nothing listens there): wr-console start monitor';
    backend.logLines['wr-brain'] = [{ at: 1, process: 'wr-brain', stream: 'out', text: 'brain listening on 127.0.0.1' }];
    app = render(<App backend={backend} tickMs={60_000} />);
    await shows('bravo');
    const lines = frame().split('\n');
    const at = (id: string) => lines.findIndex((l) => new RegExp(`^[ ▶]${id} `).test(l));
    // Above the tenants; the worst tenant is selected first.
    expect([at('brain'), at('monitor'), at('bravo'), at('alpha')]).toEqual([...[at('brain'), at('monitor'), at('bravo'), at('alpha')]].sort((a, b) => a - b));
    expect(at('brain')).toBeGreaterThan(0);
    expect(lines[at('bravo')]).toMatch(/^▶/);
    expect(lines[at('brain')]).toMatch(/^ brain +shared brain …? *online +serving +- +(9|10)m +2 .* 12% 90M *$/);
    expect(lines[at('monitor')]).toMatch(/^ monitor .* online +no API .* 1% 40M *$/);
    // The header still counts tenants only.
    expect(frame()).toContain('tenants 2 (');
    await press(['k', 'k']);
    await shows('▶brain');
    await press(['h']);
    await shows('handoff is per tenant: select a tenant, not the brain');
    await press(['p']);
    await shows('the brain has no WhatsApp session');
    await press(['\r']);
    await shows('log wr-brain');
    await shows('brain listening on 127.0.0.1');
    await press(['\u001b']);
    await shows('▶brain');
    await press(['R']);
    await shows('Restart wr-brain?');
    await press(['y']);
    await shows('wr-brain restarted');
    await press(['j', 'S']);
    await shows('Stop wr-monitor?');
    await press(['y']);
    await shows('wr-monitor stopped');
    expect(backend.calls).toEqual(['restart wr-brain', 'stop wr-monitor']);
    // A filter finds them by name too.
    await press(['/', ...'monit', '\r']);
    await shows('▶monitor');
    expect(frame()).not.toContain('bravo');
  });

  it('lists escalations with phone and text and resolves one; drills into a tenant\'s conversations and toggles a chat\'s handoff (issue 16 item 4)', async () => {
    const backend = new FakeBackend([row('clinic', { escalations: 1 })]);
    const created = new Date(Date.now() - 5 * 60_000).toISOString();
    backend.state.escalations = [{ tenant: 'clinic', id: 7, conversationId: 3, sender: '+34600111222', summary: 'I want to talk to a person about my bill', status: 'pending', createdAt: created, resolvedAt: null }];
    backend.conversationList.clinic = [
      {
        id: 3, sender: '+34600111222', senderName: 'Ana', handoffUntil: null, timestamp: created,
        messages: [
          { direction: 'in', text: 'what are your hours?', intent: 'hours', timestamp: created },
          { direction: 'out', text: 'We open 9 to 5, Monday to Friday.', intent: 'hours', timestamp: created },
        ],
      },
    ];
    app = render(<App backend={backend} tickMs={60_000} />);
    await shows('1 waiting for a person');
    await press(['E']);
    await shows('clinic · +34600111222 · waiting 5m');
    expect(frame()).toContain('I want to talk to a person about my bill');
    // enter: what the bot told this customer.
    await press(['\r']);
    await shows('bot      We open 9 to 5, Monday to Friday.');
    expect(frame()).toContain('customer what are your hours?');
    await press(['h']);
    await shows('Turn handoff ON for the chat with +34600111222 (clinic)?');
    await press(['y']);
    await shows('chat handoff ON (confirmed by the gateway)');
    await press(['\u001b']);
    await shows('Customers waiting');
    await press(['r']);
    await shows("Mark clinic's escalation from +34600111222 resolved?");
    await press(['y']);
    await shows('Nobody is waiting.');
    await press(['\u001b']);
    await press(['\r']);
    await shows('clinic: recent conversations (1)');
    await shows('+34600111222 (Ana)');
    expect(frame()).toContain('bot: We open 9 to 5');
    expect(backend.calls).toEqual(['chat handoff clinic +34600111222 true', 'resolve clinic 7']);
  });

  it('fixes the small things: NO_COLOR-proof selection, labelled header, hints under messages, esc clears the filter, early id check, no handoff on a stopped gateway, a simulator QR says so (issue 16 item 7)', async () => {
    const backend = new FakeBackend([row('ok1', { cpu: 3.4, memory: 85 * 1024 * 1024 }), row('stop1', { pm2: 'stopped', wa: null, handoff: null }), row('qr1', { wa: 'qr' })]);
    backend.state.brain = { pm2: 'online', healthy: true, cpu: 12, memory: 140 * 1024 * 1024 };
    backend.state.qr = { qr1: { qr: '2@abc', expiresAt: new Date(Date.now() + 30_000).toISOString() } };
    app = render(<App backend={backend} tickMs={60_000} />);
    await shows('tenants 3 (1 ok, 1 attention, 1 failing)');
    // CPU and memory for every process: the brain in the header, gateways in the table.
    expect(frame()).toContain('brain online 12% 140M');
    expect(frame()).toMatch(/ok1 .* 3% 85M/);
    expect(frame()).toMatch(/▶stop1/);
    await press(['h']);
    await shows("stop1's gateway is stopped: handoff needs it running (S starts it)");
    // The message sits above the key hints; it does not replace them.
    expect(frame()).toContain('? help · ↑↓ select');
    await press(['/', ...'ok', '\r']);
    await until(() => !/stop1\s+Shop/.test(frame()), 2_000, 'stop1 filtered out');
    await press(['\u001b']);
    await until(() => /stop1\s+Shop/.test(frame()), 2_000, 'esc clears the filter');
    await press(['a', ...'Bad_Id', '\r']);
    await shows('the id must be 1-32 lowercase letters');
    await press(['\u001b']);
    await press(['a', ...'ok1', '\r']);
    await shows('tenant "ok1" already exists');
    await press(['\u001b', 'j']);
    await until(() => /▶qr1/.test(frame()), 2_000);
    await press(['p']);
    await shows('Simulator tenant: this QR is fake');
    expect(backend.calls).toEqual([]);
  });
});

describe('a parked tenant', () => {
  it('QR view: says no QR comes while parked, and why, instead of promising one (issue 16 item 3)', async () => {
    const backend = new FakeBackend([row('corner', { transport: 'baileys', wa: 'parked', parkedReason: 'WhatsApp unreachable 12 times in a row (getaddrinfo ENOTFOUND web.whatsapp.com)' })]);
    app = render(<App backend={backend} tickMs={60_000} />);
    await shows('corner');
    await press(['p']);
    await shows('No QR comes while parked: WhatsApp unreachable 12 times in a row (getaddrinfo ENOTFOUND');
    expect(frame()).toContain('Fix the cause, then R on the table restarts the session');
    expect(frame()).not.toContain('It appears here as soon as the gateway shows one');
  });
});

describe('frame time', () => {
  it("shares Ink's output caches between frames (a 2.7x cheaper frame; an Ink of another shape would silently lose it)", () => {
    expect(inkCachesShared).toBe(true);
  });
});

describe('attacked by hand in tmux (leftovers4)', () => {
  it('keeps the QR view on the tenant it was opened for when the table re-sorts under it, and pairs that tenant', async () => {
    // Nothing chosen yet: the selection is "the worst tenant", alpha (both wait at their QR, a sorts first).
    const backend = new FakeBackend([row('alpha', { wa: 'qr' }), row('bravo', { wa: 'qr' })]);
    const expiresAt = new Date(Date.now() + 30_000).toISOString();
    backend.state.qr = { alpha: { qr: '2@alpha', expiresAt }, bravo: { qr: '2@bravo', expiresAt } };
    app = render(<App backend={backend} tickMs={60_000} />);
    await shows('▶alpha');
    await press(['p']);
    await shows('alpha: scan with WhatsApp');
    // alpha pairs: it sorts below bravo. Before, the view (and the code asked for next) moved to bravo's QR.
    backend.set({ rows: [row('alpha'), row('bravo', { wa: 'qr' })], qr: { bravo: backend.state.qr.bravo! } });
    await shows('alpha is connected to WhatsApp: nothing to scan');
    expect(frame()).not.toContain('bravo');
    await press(['c', ...'+34600111222', '\r']);
    await shows('pairing code for alpha: ABCD-1234');
    expect(backend.calls).toEqual(['pair alpha +34600111222']);
    // Back on the table, the row the QR was for is still the one selected.
    await press(['\u001b']);
    await shows('▶alpha');
    // A QR view of a tenant removed meanwhile says so, rather than showing another tenant's.
    await press(['p']);
    backend.set({ rows: [row('bravo', { wa: 'qr' })] });
    await shows('Tenant alpha is no longer registered.');
  });

  it('draws log lines of CJK, emoji and broken bytes within the screen, whole, and keeps the header', async () => {
    const backend = new FakeBackend([row('demo')]);
    const text = `wide ${'你好'.repeat(80)} emoji ${'😀'.repeat(50)} END`;
    backend.logLines['wr-gw-demo'] = [
      { at: 1, process: 'wr-gw-demo', stream: 'out', text: JSON.stringify({ level: 30, time: 1, msg: text }) },
      { at: 2, process: 'wr-gw-demo', stream: 'out', text: 'raw \ufffd\ufffd( bytes\tand a tab' },
    ];
    app = render(<App backend={backend} tickMs={60_000} />);
    await shows('demo');
    await press(['l']);
    await shows('END');
    const lines = frame().split('\n');
    expect(lines[0]).toContain('PM2 connected');
    // Before: rows cut by UTF-16 length were twice the 100 columns; Ink cut them ("…") and the header scrolled away.
    for (const l of lines) expect(stringWidth(l)).toBeLessThanOrEqual(100);
    const shown = lines.filter((l) => /你好|😀|END/.test(l)).join('');
    expect(shown.replace(/^.*? INFO  /, '')).toBe(text);
    expect(frame()).toContain('raw \ufffd\ufffd( bytes    and a tab');
  });

  it('wraps a long reply at word boundaries under its text column, not under the time', async () => {
    const backend = new FakeBackend([row('clinic')]);
    const at = new Date().toISOString();
    const reply = 'Thanks, a member of our team will reply shortly. A member of our team will reply here when we open (tomorrow at 09:00).';
    backend.conversationList.clinic = [{ id: 1, sender: '+34600111222', senderName: null, handoffUntil: null, timestamp: at, messages: [{ direction: 'out', text: reply, intent: 'human', timestamp: at }] }];
    app = render(<App backend={backend} tickMs={60_000} />);
    await shows('clinic');
    await press(['\r']);
    await shows('+34600111222 ·');
    await new Promise((r) => setTimeout(r, 500));
    await press(['\r']);
    await shows('09:00).');
    const rows = frame().split('\n').filter((l) => / bot {6}|^ {15}\S/.test(l));
    expect(rows).toHaveLength(2);
    // Before: "…(tomor" / "row at 09:00)." from column 0.
    expect(rows[1]).toMatch(/^ {15}\(?tomorrow|^ {15}\S.* \(tomorrow at 09:00\)\.$/);
    expect(rows.map((r) => r.slice(15)).join(' ')).toBe(reply);
  });

  it('keeps list headers to one row on a narrow terminal, so the cursor row stays on screen', async () => {
    const backend = new FakeBackend([row('clinic', { escalations: 12 })]);
    const created = new Date().toISOString();
    backend.state.escalations = Array.from({ length: 12 }, (_, i) => ({ tenant: 'clinic', id: i + 1, conversationId: i + 1, sender: `+3460011122${String(i).padStart(2, '0')}`, summary: 'a person please', status: 'pending', createdAt: created, resolvedAt: null }));
    app = render(<App backend={backend} tickMs={60_000} />);
    Object.defineProperty(app.stdout, 'columns', { get: () => 40 });
    Object.defineProperty(app.stdout, 'rows', { get: () => 12 });
    app.stdout.emit('resize');
    await press(['E']);
    await shows('Customers waiting');
    for (let i = 0; i < 11; i++) await press(['j']);
    await shows('+346001112211');
    const lines = frame().split('\n');
    expect(lines.find((l) => l.startsWith('Customers waiting'))).toMatch(/…$/);
    expect(lines.some((l) => l.startsWith('▶ clinic · +346001112211'))).toBe(true);
  });
});

describe('a gateway that is not running', () => {
  it('QR view: says the gateway is not running and what to do, instead of promising a QR', async () => {
    const backend = new FakeBackend([row('corner', { pm2: 'waiting restart', wa: null, handoff: null, restarts: 59 })]);
    app = render(<App backend={backend} tickMs={60_000} />);
    await shows('corner');
    await press(['p']);
    await shows("No QR: corner's gateway is not running (PM2: waiting restart).");
    expect(frame()).toContain('Back on the table (esc): l shows its log (why it stopped)');
    expect(frame()).not.toContain('It appears here as soon as the gateway shows one');
  });

  it('S stops a crash-looping gateway (PM2 restarts it by itself), instead of offering to start it', async () => {
    const backend = new FakeBackend([row('corner', { pm2: 'waiting restart', wa: null, handoff: null, restarts: 59 })]);
    app = render(<App backend={backend} tickMs={60_000} />);
    await shows('corner');
    await press(['S']);
    await shows('Stop wr-gw-corner? y/n');
    await press(['y']);
    await shows('wr-gw-corner stopped');
    expect(backend.calls).toEqual(['stop wr-gw-corner']);
  });
});

describe('the table filter', () => {
  it('says a filter hides every tenant (not "no tenants"), shows the filter before the key hints, and a prompt opens without an earlier error', async () => {
    const backend = new FakeBackend([row('shop')]);
    app = render(<App backend={backend} tickMs={60_000} />);
    await shows('▶shop');
    await press(['/', ...'zzz', '\r']);
    await shows('no tenant matches the filter "zzz": esc clears it');
    expect(frame()).not.toContain('no tenants: press a to add one');
    // At 100 columns the hints fill the line: the filter comes first, so it is never the part cut off.
    expect(frame()).toMatch(/^filter "zzz" \(esc clears\) · \? help/m);
    await press(['\u001b']);
    await shows('▶shop');
    // An error, then a prompt: the prompt line does not carry the earlier error as if it were its own.
    await press(['k', 'p']);
    await shows('has no WhatsApp session');
    await press(['a']);
    await shows('new tenant id');
    expect(frame()).not.toContain('has no WhatsApp session');
  });
});

describe('keys pressed while a view loads', () => {
  const conversation = (id: number, sender: string, text: string): Conversation => ({
    id, sender, senderName: null, handoffUntil: null, timestamp: new Date().toISOString(), messages: [{ direction: 'in', text, intent: null, timestamp: new Date().toISOString() }],
  });
  const gate = () => {
    let open!: () => void;
    return { promise: new Promise<void>((r) => (open = r)), open: () => open() };
  };

  it('waits for the conversations, then applies j and h to the chat they meant, never to the whole tenant', async () => {
    const backend = new FakeBackend([row('clinic'), row('zoo', { wa: 'qr' })]);
    backend.conversationList.clinic = [conversation(1, '+34600000001', 'first'), conversation(2, '+34600000002', 'second')];
    const brain = gate();
    backend.conversationsGate = brain.promise;
    app = render(<App backend={backend} tickMs={60_000} />);
    await shows('zoo');
    await press([':', ...'tenant clinic', '\r', '\r']);
    await shows('clinic: loading conversations');
    await press(['j', 'h']);
    await shows('waiting for clinic\'s conversations: j h');
    // Neither key acted yet: no question about any handoff, for the chat or the tenant.
    expect(frame()).not.toContain('Turn handoff');
    brain.open();
    await shows('Turn handoff ON for the chat with +34600000002 (clinic)?');
    await press(['y']);
    await shows('chat handoff ON (confirmed by the gateway)');
    expect(backend.calls).toEqual(['chat handoff clinic +34600000002 true']);
  });

  it('esc while the brain has not answered goes back and says which keys were not applied', async () => {
    const backend = new FakeBackend([row('clinic')]);
    backend.conversationsGate = new Promise(() => {});
    app = render(<App backend={backend} tickMs={60_000} />);
    await shows('clinic');
    await press(['j', 'j', '\r']);
    await shows('clinic: loading conversations');
    await press(['j', '\r', '\u001b']);
    await shows("left before clinic's conversations came: j enter not applied");
    expect(frame()).toContain('ID ');
  });

  it('a log still read from its files: PgUp waits for the lines (held on an empty log before), and says so meanwhile', async () => {
    const backend = new FakeBackend([row('clinic')]);
    backend.loadingLogs.add('wr-gw-clinic');
    app = render(<App backend={backend} tickMs={60_000} />);
    await shows('clinic');
    await press(['l']);
    await shows("reading the log's history from PM2's files…");
    await press(['\u001b[5~']);
    await shows('waiting for the log of wr-gw-clinic: PgUp');
    backend.logLines['wr-gw-clinic'] = Array.from({ length: 60 }, (_, i) => ({ at: i, process: 'wr-gw-clinic', stream: 'out' as const, text: `line number ${i}` }));
    backend.loadingLogs.clear();
    backend.set({});
    // The page up applies to the lines that came: held, a page back from the end.
    await shows('held');
    expect(frame()).toMatch(/rows up/);
    expect(frame()).toContain('line number 30');
    expect(frame()).not.toContain('line number 59');
  });

  it('escalations right after start: "asking" rather than "nobody is waiting", and r resolves once the list comes', async () => {
    const backend = new FakeBackend([row('clinic', { escalations: 1 })]);
    backend.state.escalationsLoading = true;
    app = render(<App backend={backend} tickMs={60_000} />);
    await shows('clinic');
    await press(['E']);
    await shows('Asking the brain who is waiting…');
    expect(frame()).not.toContain('Nobody is waiting');
    await press(['r']);
    await shows('waiting for the list of waiting customers: r');
    backend.set({ escalationsLoading: false, escalations: [{ tenant: 'clinic', id: 7, conversationId: 3, sender: '+34600111222', summary: 'a person please', status: 'pending', createdAt: new Date().toISOString(), resolvedAt: null }] });
    await shows("Mark clinic's escalation from +34600111222 resolved?");
  });

  it('reads a lone line feed (Enter typed while the console started, before the terminal was raw) as Enter', async () => {
    app = render(<App backend={new FakeBackend([row('clinic')])} tickMs={60_000} />);
    await shows('clinic');
    app.stdin.write('\n');
    await shows('clinic: recent conversations (0)');
  });

  it('says why a key does nothing in this view instead of ignoring it', async () => {
    const backend = new FakeBackend([row('clinic')]);
    app = render(<App backend={backend} tickMs={60_000} />);
    await shows('clinic');
    await press(['\r']);
    await shows('clinic: recent conversations (0)');
    await press(['/']);
    await shows('/ does nothing in the conversations view');
    await press(['h']);
    await shows('no conversation selected');
    await press(['z']);
    await shows('z: not a key of the console');
    expect(backend.calls).toEqual([]);
  });
});


describe('the table at every width', () => {
  const rows = [
    row('clinica-dental-sonrisa-feliz', { name: 'Clínica Dental Ruzafa 歯科医院 🦷' }),
    row('pets', { name: 'Sydney Pet Groomers & Mobile Dog Wash Co.', pm2: 'waiting restart', restarts: 14 }),
    row('demo', { name: 'Sonrisa Dental', escalations: 2 }),
  ];
  const sized = (columns: number) => {
    app = render(<App backend={new FakeBackend(rows)} tickMs={60_000} />);
    Object.defineProperty(app.stdout, 'columns', { get: () => columns });
    Object.defineProperty(app.stdout, 'rows', { get: () => 30 });
    app.stdout.emit('resize');
  };

  it('at 200 columns the business names are whole beside the log (NAME grew into the free room)', async () => {
    sized(200);
    await shows('log wr-gw-pets');
    expect(frame()).toContain('Clínica Dental Ruzafa 歯科医院 🦷');
    expect(frame()).toContain('Sydney Pet Groomers & Mobile Dog Wash Co.');
    // The crash loop's state is whole too, not "waiting …".
    expect(frame()).toMatch(/▶pets .* waiting restart /);
    for (const line of frame().split('\n')) expect(stringWidth(line)).toBeLessThanOrEqual(200);
  });

  it.each([200, 150, 120, 100, 80, 60])('at %i columns every row fits, and a column is shown whole or not at all', (width) => {
    app = render(<TenantTable rows={rows} selected={0} height={10} width={width} now={Date.now()} />);
    Object.defineProperty(app.stdout, 'columns', { get: () => width });
    app.rerender(<TenantTable rows={rows} selected={0} height={10} width={width} now={Date.now()} />);
    const lines = frame().split('\n');
    for (const line of lines) expect(stringWidth(line)).toBeLessThanOrEqual(width);
    // Headers are never cut ("CPU M…"), and the ones that matter most are there at any width.
    expect(lines[0]).not.toContain('…');
    for (const head of ['ID', 'PM2', 'WHATSAPP', 'HAND', ...(width >= 80 ? ['WAIT', 'QUEUE'] : [])]) expect(lines[0]).toMatch(new RegExp(`(^| )${head}( |$)`));
    expect(lines.find((l) => l.includes('pets'))).toMatch(width >= 100 ? /waiting restart/ : /waiting r…/);
    expect(lines.find((l) => l.includes('clinica-dental-sonrisa-feliz '))).toBeTruthy();
    if (width >= 150) expect(frame()).toContain('Sydney Pet Groomers & Mobile Dog Wash Co.');
    if (width >= 200) expect(lines[0]).toMatch(/CPU MEM/);
  });
});

describe('help on a narrow terminal', () => {
  it('wraps each key\'s text at 60 columns instead of cutting it, and says when lines do not fit', async () => {
    app = render(<App backend={new FakeBackend([row('clinic')])} tickMs={60_000} />);
    Object.defineProperty(app.stdout, 'columns', { get: () => 60 });
    let rows = 60;
    Object.defineProperty(app.stdout, 'rows', { get: () => rows });
    app.stdout.emit('resize');
    await shows('clinic');
    await press(['?']);
    await shows('Keys here (table)');
    const text = frame().split('\n').map((l) => l.trim()).join(' ');
    // The end of the longest help text, which a cut line lost.
    expect(text).toContain('conversations: its messages');
    // Between the header and the footer (both cut on purpose at this width), no line is cut.
    for (const line of frame().split('\n').slice(1, -2)) expect(line).not.toMatch(/…$/);
    for (const line of frame().split('\n')) expect(stringWidth(line)).toBeLessThanOrEqual(60);
    rows = 20;
    app.stdout.emit('resize');
    await shows('more lines: a taller terminal shows them');
  });
});

