import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { Backend } from '../../console/tui/backend.js';
import { App } from '../../console/tui/App.js';
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
  close = async () => {};
}

let app: ReturnType<typeof render> | undefined;
afterEach(() => app?.unmount());

async function press(keys: string[]) {
  for (const k of keys) {
    app!.stdin.write(k);
    await new Promise((r) => setTimeout(r, 15));
  }
}
const frame = () => app!.lastFrame() ?? '';
const shows = (text: string) => until(() => frame().includes(text), 2_000, `"${text}" on screen`);

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
    await shows('handoff on/off for the selected tenant');
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
    for (const k of ['h', 'R', 'S', 'a']) {
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
    await press(['\r']);
    await shows('gateway listening');
    await press(['e']);
    await shows('errors only');
    expect(frame()).not.toContain('gateway listening');
    expect(frame()).toContain('brain unreachable');
  });
});
