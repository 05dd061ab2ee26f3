import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import type { EventEmitter } from 'node:events';
import { BRAIN, gatewayName, MONITOR, tenantOfGateway } from '../../core/apps.js';
import type { Config } from '../../core/config.js';
import { isTenantId } from '../../core/paths.js';
import { RegistryView, type Transport } from '../../core/registry.js';
import { readMonitor } from '../../core/monitor-api.js';
import { appsFor, controlApps, targetOf, type Verb } from '../ops/processes.js';
import { addTenant } from '../ops/tenants.js';
import { BrainApi, chatOf, type Conversation } from '../brain-api.js';
import { GatewayApi } from '../gateway-api.js';
import type { Pm2Client, ProcessInfo } from '../../core/pm2/client.js';
import { daemonRunning, pm2Home } from '../../core/pm2/daemon.js';
import { ExitTracker, exitFromDaemonLog, type ProcessEvent } from './exits.js';
import { channelsFromConfig } from '../../core/alerts.js';
import { QrEventSchema } from '../../core/contracts.js';
import { llmHealthOf } from '../../core/status.js';
import { formatLogLine, isError } from './logformat.js';
import { ALL_LOGS, configWarnings, emptySnapshot, type LogLine, type PendingEscalation, type Pm2Status, type Snapshot, type TenantRow } from './model.js';

/** What the TUI reads and does; the live one talks to PM2 and the gateways, tests use a fake. */
export interface Backend {
  snapshot(): Snapshot;
  logs(process: string): readonly LogLine[];
  /** True while a log's history (PM2's files) is still being read: keys for that log wait for it. */
  logLoading?(process: string): boolean;
  subscribe(listener: () => void): () => void;
  /** Resolves with the state the gateway confirmed. */
  handoff(tenant: string, on: boolean): Promise<boolean>;
  restart(name: string): Promise<void>;
  stop(name: string): Promise<void>;
  start(name: string): Promise<void>;
  addTenant(input: { id: string; name: string; transport: Transport }): Promise<string>;
  pairingCode(tenant: string, phone: string): Promise<string>;
  /** A tenant's recent conversations with their last messages, newest first (the brain's API). */
  conversations(tenant: string): Promise<Conversation[]>;
  resolveEscalation(tenant: string, id: number): Promise<void>;
  /** Per-chat handoff; resolves with the state the gateway confirmed. */
  chatHandoff(tenant: string, sender: string, on: boolean): Promise<boolean>;
  close(): Promise<void>;
}

const POLL_MS = 1_000;
const ESCALATION_POLL_MS = 10_000;
const FLUSH_MS = 100;
const LOG_LINES = 500;
/** How much of each PM2 log file a view reads when it opens: the last few hundred lines. */
const HISTORY_BYTES = 64 * 1024;
/** A PM2 list slower than this marks the header stale: the 1 s poll plus this stays under 3 s. */
const LIST_TIMEOUT_MS = 1_800;
/** PM2's daemon log tail searched for how a process ended. */
const DAEMON_LOG_BYTES = 16 * 1024;
/** How long the header says the live logs were reconnected. */
const RECONNECTED_SHOWN_MS = 30_000;

/** The console's live view: PM2's process list and bus, each gateway's /health, the brain's /health. */
export class LiveBackend implements Backend {
  private state: Snapshot;
  private readonly logBuffers = new Map<string, LogLine[]>();
  private readonly partial = new Map<string, string>();
  private readonly listeners = new Set<() => void>();
  private readonly registry: RegistryView;
  private readonly brain: BrainApi;
  /** The combined log, rebuilt only when a line arrived since it was last asked for. */
  private combined: { version: number; lines: LogLine[] } = { version: -1, lines: [] };
  private logVersion = 0;
  private dirty = false;
  private timers: NodeJS.Timeout[] = [];
  private bus: EventEmitter | undefined;
  private polling = false;
  private readonly logFiles = new Map<string, string[]>();
  private readonly history = new Set<string>();
  /** Processes whose history is being read now. */
  private readonly reading = new Set<string>();
  private readonly exits = new ExitTracker();
  private reconnectedAt = 0;

  constructor(
    private readonly config: Config,
    private readonly env: NodeJS.ProcessEnv,
    private readonly pm2: Pm2Client,
  ) {
    this.registry = new RegistryView(config.paths);
    this.brain = new BrainApi(config);
    this.state = { ...emptySnapshot(os.hostname()), escalationsLoading: true, alertsConfigured: [...channelsFromConfig(config).values()].some((c) => c.operatorRecipients.length > 0) };
  }

  /** First snapshot, then the PM2 bus and the polling timers. */
  async open(): Promise<void> {
    await this.poll();
    await this.attachBus();
    this.timers.push(setInterval(() => void this.poll(), POLL_MS), setInterval(() => void this.pollEscalations().then(() => this.pollLlm()), ESCALATION_POLL_MS), setInterval(() => this.flush(), FLUSH_MS));
    void this.pollEscalations().then(() => this.pollLlm());
  }

  /** Subscribes to PM2's bus (again, after PM2 went away and came back: the old one hears nothing). */
  private async attachBus(): Promise<void> {
    (this.bus as unknown as { close?: () => void } | undefined)?.close?.();
    const bus = await this.pm2.launchBus();
    this.bus = bus;
    bus.on('log:out', (pkt: { process: { name: string }; data: string }) => this.log(pkt.process.name, 'out', pkt.data));
    bus.on('log:err', (pkt: { process: { name: string }; data: string }) => this.log(pkt.process.name, 'err', pkt.data));
    bus.on('wr:qr', (pkt: { process?: { name?: unknown }; data?: unknown }) => {
      const event = QrEventSchema.safeParse(pkt?.data);
      // Only a tenant's own gateway speaks for it: any process on this PM2 can send a bus message,
      // and a QR from another one would link the business's WhatsApp to whoever made it. A
      // malformed one (no QR text, no expiry) would break the QR view. Either is left out; the
      // next poll asks the gateway itself for its QR.
      if (!event.success || pkt?.process?.name !== gatewayName(event.data.tenant)) return;
      const { tenant, qr, expiresAt } = event.data;
      this.state = { ...this.state, qr: { ...this.state.qr, [tenant]: { qr, expiresAt } } };
      this.touch();
    });
    bus.on('wr:state', () => void this.poll());
    bus.on('process:event', (pkt: ProcessEvent) => {
      const name = pkt?.process?.name ?? '';
      const how = pkt?.event === 'exit' ? exitFromDaemonLog(tail(path.join(pm2Home(this.env), 'pm2.log'), DAEMON_LOG_BYTES), name) : { code: null, signal: null };
      const crashes = this.exits.apply(this.state.crashes, pkt, how, this.state.lastErrors[name]);
      if (crashes === this.state.crashes) return;
      this.state = { ...this.state, crashes };
      this.touch();
    });
  }

  /**
   * The bus follows PM2: lost while PM2 is down, subscribed again once it answers, and said so
   * in the header for a while (lines PM2 wrote meanwhile are only in its files).
   */
  private async followBus(pm2State: Snapshot['pm2']): Promise<Snapshot['bus']> {
    if (pm2State === 'down') return 'lost';
    if (pm2State === 'connected' && this.state.bus === 'lost') {
      try {
        await this.attachBus();
        this.reconnectedAt = Date.now();
        return 'reconnected';
      } catch {
        return 'lost';
      }
    }
    if (this.state.bus === 'reconnected' && Date.now() - this.reconnectedAt > RECONNECTED_SHOWN_MS) return 'live';
    return this.state.bus;
  }

  snapshot(): Snapshot {
    return this.state;
  }

  logs(process: string): readonly LogLine[] {
    if (process === ALL_LOGS) {
      for (const name of this.logFiles.keys()) this.loadHistory(name);
      if (this.combined.version !== this.logVersion) this.combined = { version: this.logVersion, lines: [...this.logBuffers.values()].flat().sort((a, b) => a.at - b.at) };
      return this.combined.lines;
    }
    this.loadHistory(process);
    return this.logBuffers.get(process) ?? [];
  }

  logLoading(process: string): boolean {
    // Asked before the view has drawn (a key replayed at once): the reading starts here too.
    const names = process === ALL_LOGS ? [...this.logFiles.keys()] : [process];
    for (const name of names) this.loadHistory(name);
    return names.some((name) => this.reading.has(name));
  }

  /**
   * The tail of PM2's log files, read once when a process's log is first shown: a gateway that
   * crash-looped before the console opened still shows why.
   */
  private loadHistory(process: string): void {
    const files = this.logFiles.get(process);
    if (!files || this.history.has(process)) return;
    this.history.add(process);
    this.reading.add(process);
    void readHistory(process, files).then((old) => {
      this.reading.delete(process);
      const live = this.logBuffers.get(process) ?? [];
      // A line that came on the bus while the file was read is in both: the live one stays.
      const seen = new Set(live.map((l) => l.text));
      const merged = [...old.filter((l) => !seen.has(l.text)), ...live];
      if (!this.state.lastErrors[process]) for (const line of old) this.noteError(line);
      this.logBuffers.set(process, merged.slice(-LOG_LINES));
      this.logVersion++;
      this.touch();
    });
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private touch(): void {
    this.dirty = true;
  }

  /** Listeners hear about changes at most ten times a second, however fast logs arrive. */
  private flush(): void {
    if (!this.dirty) return;
    this.dirty = false;
    // A new snapshot each time: React redraws only on a new one, and a log line alone changes
    // nothing in it, so a followed log moved only with the next poll or clock tick (1 Hz).
    this.state = { ...this.state };
    for (const l of this.listeners) l();
  }

  /** PM2 sends raw chunks: lines are cut here, a trailing partial line waits for its end. */
  private log(process: string, stream: 'out' | 'err', chunk: string): void {
    const key = `${process}\u0000${stream}`;
    const text = (this.partial.get(key) ?? '') + chunk;
    const lines = text.split('\n');
    this.partial.set(key, lines.pop() ?? '');
    const buffer = this.logBuffers.get(process) ?? [];
    for (const line of lines) {
      if (!line.trim()) continue;
      const entry: LogLine = { at: Date.now(), process, stream, text: line };
      buffer.push(entry);
      this.noteError(entry);
    }
    if (buffer.length > LOG_LINES) buffer.splice(0, buffer.length - LOG_LINES);
    this.logBuffers.set(process, buffer);
    this.logVersion++;
    this.touch();
  }

  private noteError(line: LogLine): void {
    const e = formatLogLine(line.text, line.stream);
    if (isError(e)) this.state = { ...this.state, lastErrors: { ...this.state.lastErrors, [line.process]: e.text.slice(0, 200) } };
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      let processes: ProcessInfo[] = [];
      let pm2State: Snapshot['pm2'] = 'connected';
      try {
        processes = await this.pm2.list(LIST_TIMEOUT_MS);
      } catch {
        // Slow, or gone: either way what is shown is no longer known to be true. A slow daemon
        // keeps the last rows on screen, marked stale; a gone one shows nothing running.
        pm2State = (await daemonRunning(this.env, 500)) ? 'stale' : 'down';
        if (pm2State === 'stale') {
          this.state = { ...this.state, pm2: 'stale' };
          this.touch();
          return;
        }
      }
      for (const p of processes) {
        this.logFiles.set(p.name, p.logFiles);
        // A process in trouble has its log history read now: its last error shows in the failures view.
        if (['errored', 'waiting restart'].includes(p.status) || this.state.crashes[p.name]) this.loadHistory(p.name);
      }
      const byName = new Map(processes.map((p) => [p.name, p]));
      const statusOf = (name: string): Pm2Status => (byName.get(name)?.status as Pm2Status | undefined) ?? 'absent';
      const brainHealthy = await fetch(`http://127.0.0.1:${this.config.BRAIN_PORT}/health`, { signal: AbortSignal.timeout(800) }).then((r) => r.ok, () => false);
      const monitorReading = readMonitor(this.config, 800);
      const rows = await Promise.all(
        this.registry.list().map(async (t): Promise<TenantRow> => {
          const p = byName.get(gatewayName(t.id));
          const base: TenantRow = {
            id: t.id, name: t.name, port: t.port, transport: t.transport, pm2: statusOf(gatewayName(t.id)), restarts: p?.restarts ?? 0, uptimeSince: p?.uptimeSince ?? null, ...usage(p),
            wa: null, handoff: null, messagesToday: null, backlog: null, failed: null, lastSeen: null, lastDisconnect: null, parkedReason: null, escalations: this.state.escalations.filter((e) => e.tenant === t.id).length,
            ...(this.state.llm ? { llm: this.state.llm[t.id] ?? null } : {}),
          };
          if (base.pm2 !== 'online') return base;
          try {
            const h = await new GatewayApi(this.config, t, 800).health();
            return { ...base, wa: h.status, handoff: h.handoffMode, messagesToday: h.messagesToday ?? null, backlog: h.queue.pending, failed: h.queue.failed, lastSeen: h.lastSeen, lastDisconnect: h.lastDisconnect, parkedReason: h.parkedReason };
          } catch {
            return { ...base, wa: 'unreachable' };
          }
        }),
      );
      // Unreachable: no incidents are shown rather than the last ones (they may have resolved).
      const { status: monitorStatus, problem: monitorApi } = await monitorReading;
      const incidents = (monitorStatus?.incidents ?? []).map((i) => ({ target: i.target, title: i.title, openedAt: i.openedAt }));
      // A QR the gateway no longer shows (it paired, or it expired) leaves the screen; one shown
      // before the console started (so never seen on the bus) is asked for.
      const qr = Object.fromEntries(Object.entries(this.state.qr).filter(([id, q]) => Date.parse(q.expiresAt) > Date.now() && rows.find((r) => r.id === id)?.wa === 'qr'));
      for (const row of rows.filter((r) => r.wa === 'qr' && !qr[r.id])) {
        const tenant = this.registry.get(row.id);
        const pending = tenant ? await new GatewayApi(this.config, tenant, 800).qr().catch(() => null) : null;
        if (pending?.qr && pending.expiresAt) qr[row.id] = { qr: pending.qr, expiresAt: pending.expiresAt };
      }
      const bus = await this.followBus(pm2State);
      this.state = {
        ...this.state,
        at: Date.now(),
        pm2: pm2State,
        bus,
        brain: { pm2: statusOf(BRAIN), healthy: brainHealthy, ...service(byName.get(BRAIN)), port: this.config.BRAIN_PORT },
        monitor: byName.has(MONITOR) ? { pm2: statusOf(MONITOR), ...service(byName.get(MONITOR)), port: this.config.MONITOR_PORT } : null,
        rows,
        qr,
        incidents,
        monitorApi: monitorApi ?? null,
        warnings: configWarnings({ consoleHome: this.config.home, processHomes: processes.map((p) => p.wrHome) }),
      };
      this.touch();
    } finally {
      this.polling = false;
    }
  }

  private async pollEscalations(): Promise<void> {
    const lists = await Promise.all(
      this.registry.list().map((t) =>
        this.brain.escalations(t.id).then(
          (list) => list.map((e): PendingEscalation => ({ ...e, tenant: t.id })),
          // The brain is down: the failures view says so already; what was known stays shown.
          () => this.state.escalations.filter((e) => e.tenant === t.id),
        ),
      ),
    );
    this.state = { ...this.state, escalationsLoading: false, escalations: lists.flat().sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt)) };
    this.touch();
  }

  /** Each tenant's LLM tokens today against the budget, when the brain runs an LLM engine. */
  private async pollLlm(): Promise<void> {
    const health = await fetch(`http://127.0.0.1:${this.config.BRAIN_PORT}/health`, { signal: AbortSignal.timeout(800) }).then((r) => r.json(), () => null).catch(() => null);
    const llm = llmHealthOf(health);
    if (!llm) return;
    const budget = llm.dailyTokens ?? null;
    const known = this.state.llm ?? {};
    const llmTokens: NonNullable<Snapshot['llm']> = {};
    await Promise.all(
      this.registry.list().map(async (t) => {
        // The brain did not answer for this one: what was known stays shown.
        const now = await this.brain.usageToday(t.id).then((tokens) => ({ tokens, budget }), () => known[t.id]);
        if (now) llmTokens[t.id] = now;
      }),
    );
    this.state = { ...this.state, llm: llmTokens };
    this.touch();
  }

  conversations(tenant: string): Promise<Conversation[]> {
    return this.brain.conversations(tenant);
  }

  async resolveEscalation(tenant: string, id: number): Promise<void> {
    await this.brain.resolve(tenant, id);
    await this.pollEscalations();
  }

  async chatHandoff(tenant: string, sender: string, on: boolean): Promise<boolean> {
    return (await this.api(tenant).chatHandoff(chatOf(sender), on)).handoff;
  }

  private api(tenant: string): GatewayApi {
    const t = this.registry.get(tenant);
    if (!t) throw new Error(`no tenant "${tenant}"`);
    return new GatewayApi(this.config, t);
  }

  async handoff(tenant: string, on: boolean): Promise<boolean> {
    const { handoffMode } = await this.api(tenant).handoff(on);
    await this.poll();
    return handoffMode;
  }

  /** A process restart; for a gateway it also leaves a parked or logged-out session (a new socket, a new QR). */
  restart(name: string): Promise<void> {
    return this.control('restart', name);
  }

  start(name: string): Promise<void> {
    return this.control('start', name);
  }

  stop(name: string): Promise<void> {
    return this.control('stop', name);
  }

  /** The same operation as `wr-console start|stop|restart`, on the console's own PM2 connection. */
  private async control(verb: Verb, name: string): Promise<void> {
    const { lines, failed } = await controlApps(this.pm2, verb, appsFor(this.config, targetOf(name), this.env.WR_DEMO === '1'));
    await this.poll();
    if (failed.length) throw new Error(lines.find((l) => l.includes('FAILED')) ?? `${verb} failed for ${name}`);
  }

  async addTenant(input: { id: string; name: string; transport: Transport }): Promise<string> {
    if (!isTenantId(input.id)) throw new Error('the id must be 1-32 lowercase letters, digits or dashes');
    if (!input.name.trim()) throw new Error('the name is required');
    // The console shows the result itself, not the gateway's start-up lines.
    const { tenant } = await addTenant(this.config, this.env, { id: input.id, name: input.name.trim(), transport: input.transport }, () => {});
    await this.poll();
    return `added ${tenant.id} on port ${tenant.port}`;
  }

  pairingCode(tenant: string, phone: string): Promise<string> {
    return this.api(tenant).pair(phone).then((r) => r.code);
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    (this.bus as unknown as { close?: () => void } | undefined)?.close?.();
    this.pm2.disconnect();
  }
}

/** The last lines of a process's log files, oldest first, each dated by PM2's time prefix. */
async function readHistory(process: string, files: string[]): Promise<LogLine[]> {
  const out: LogLine[] = [];
  for (const [i, file] of files.entries()) {
    let text: string;
    try {
      const fh = await fs.promises.open(file, 'r');
      try {
        const { size } = await fh.stat();
        const start = Math.max(0, size - HISTORY_BYTES);
        const buf = Buffer.alloc(size - start);
        await fh.read(buf, 0, buf.length, start);
        text = buf.toString('utf8');
        // A cut first line is half an event: dropped.
        if (start > 0) text = text.slice(text.indexOf('\n') + 1);
      } finally {
        await fh.close();
      }
    } catch {
      continue; // no file yet: the process never wrote to it
    }
    let at = 0;
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      const t = Date.parse(line.slice(0, line.indexOf(': ')));
      if (Number.isFinite(t)) at = t;
      out.push({ at, process, stream: i === 0 ? 'out' : 'err', text: line });
    }
  }
  // Stable: lines with no time of their own (a stack trace) stay after the line that dated them.
  return out.sort((a, b) => a.at - b.at).slice(-LOG_LINES);
}

/** The last `bytes` of a file, or '' when it cannot be read. Synchronous: a few KB, once per exit. */
function tail(file: string, bytes: number): string {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const size = fs.fstatSync(fd).size;
    const buf = Buffer.alloc(Math.min(bytes, size));
    fs.readSync(fd, buf, 0, buf.length, size - buf.length);
    return buf.toString('utf8');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** What the table shows of the brain or the monitor besides its state. */
function service(p: ProcessInfo | undefined): { cpu: number | null; memory: number | null; restarts: number; uptimeSince: number | null } {
  return { ...usage(p), restarts: p?.restarts ?? 0, uptimeSince: p?.uptimeSince ?? null };
}

/** CPU and memory of a running process; PM2's figures for a stopped one are stale zeros. */
function usage(p: ProcessInfo | undefined): { cpu: number | null; memory: number | null } {
  return p?.status === 'online' ? { cpu: p.cpu, memory: p.memory } : { cpu: null, memory: null };
}
