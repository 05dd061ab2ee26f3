import { BRAIN, gatewayName, MONITOR } from '../../core/apps.js';
import { neutralise } from '../../core/text.js';
import { describeExit } from './exits.js';
import type { Escalation } from '../brain-api.js';
import type { GatewayHealth } from '../../core/contracts.js';

/**
 * The console's view of the system, and the pure rules over it: severity, sorting, filtering,
 * windowing, the failures list and the ':' command language. No I/O here, so every rule is tested
 * without PM2 or a terminal.
 */

export type Pm2Status = 'online' | 'stopping' | 'stopped' | 'launching' | 'errored' | 'one-launch-status' | 'waiting restart' | 'absent';
export type WaStatus = GatewayHealth['status'] | 'unreachable';

export interface TenantRow {
  id: string;
  name: string;
  port: number;
  /** `service`: the row is the brain or the monitor, not a tenant (see `service`). */
  transport: 'baileys' | 'simulator' | 'service';
  /** Set on the brain's and the monitor's rows: the PM2 process the row is. */
  service?: typeof BRAIN | typeof MONITOR;
  /** For a service row: its state in words (the WHATSAPP column of a tenant). */
  note?: string;
  pm2: Pm2Status;
  restarts: number;
  uptimeSince: number | null;
  wa: WaStatus | null;
  handoff: boolean | null;
  messagesToday: number | null;
  backlog: number | null;
  failed: number | null;
  lastSeen: string | null;
  lastDisconnect: GatewayHealth['lastDisconnect'];
  parkedReason: string | null;
  escalations: number;
  /** LLM tokens spent today and the daily budget (LLM_DAILY_TOKENS); absent without an LLM engine. */
  llm?: { tokens: number; budget: number | null } | null;
  /** The gateway process's CPU (%) and memory (bytes) as PM2 measures them; null when not running. */
  cpu?: number | null;
  memory?: number | null;
}

/** The log view over every process at once. */
export const ALL_LOGS = '*';

export interface ServiceState {
  pm2: Pm2Status;
  /** For the brain: its /health answered. */
  healthy?: boolean;
  cpu?: number | null;
  memory?: number | null;
  restarts?: number;
  uptimeSince?: number | null;
  /** Where it listens (BRAIN_PORT, MONITOR_PORT). */
  port?: number;
}

/** `12% 85M`: a process's CPU and memory, or '' when PM2 has no figures. */
/** "12k/50k": LLM tokens today, and of what budget. */
export function formatTokens(llm: TenantRow['llm']): string {
  if (!llm) return '-';
  const k = (n: number) => (n >= 10_000 ? `${Math.round(n / 1000)}k` : String(n));
  return llm.budget ? `${k(llm.tokens)}/${k(llm.budget)}` : k(llm.tokens);
}

export function formatUsage(cpu: number | null | undefined, memory: number | null | undefined): string {
  if (cpu == null || memory == null) return '';
  return `${Math.round(cpu)}% ${Math.round(memory / 1024 / 1024)}M`;
}

export interface LogLine {
  at: number;
  process: string;
  stream: 'out' | 'err';
  text: string;
}

export interface ProcessExit {
  at: number;
  code: number | null;
  signal: string | null;
  lastError?: string;
}

export interface Snapshot {
  at: number;
  host: string;
  /** stale: PM2 did not answer the last poll in time, so what is shown may be old. */
  pm2: 'connected' | 'stale' | 'down';
  brain: ServiceState;
  monitor: ServiceState | null;
  rows: TenantRow[];
  qr: Record<string, { qr: string; expiresAt: string }>;
  /** Processes that exited unplanned recently (PM2's exit events, not our own stops/restarts). */
  crashes: Record<string, ProcessExit>;
  /** The last ERROR/FATAL line each process logged, shown inline in the failures view. */
  lastErrors: Record<string, string>;
  /** Whether the monitor has any alert channel to tell someone. */
  alertsConfigured: boolean;
  /** The monitor's open incidents, from its HTTP API; empty while `monitorApi` says it cannot be read. */
  incidents: { target: string; title: string; openedAt: string }[];
  /** Why the monitor's API could not be read at the last poll (incidents unknown); null when it answered. */
  monitorApi: string | null;
  /** Customers waiting for a person, every tenant, oldest first (the brain's API). */
  escalations: PendingEscalation[];
  /** The brain has not been asked yet (the console just started): no list is known, empty or not. */
  escalationsLoading?: boolean;
  /** Where what this console sees differs from what the processes use (WR_HOME). */
  warnings: string[];
  /** The PM2 bus: lost (logs and exits stop arriving) until it is reconnected. */
  bus: 'live' | 'lost' | 'reconnected';
  /** Each tenant's LLM tokens today against the budget (the brain's API), when an LLM engine is on. */
  llm?: Record<string, { tokens: number; budget: number | null }>;
}

export interface PendingEscalation extends Escalation {
  tenant: string;
}

export function emptySnapshot(host = ''): Snapshot {
  return { at: 0, host, pm2: 'down', brain: { pm2: 'absent' }, monitor: null, rows: [], qr: {}, crashes: {}, lastErrors: {}, alertsConfigured: false, incidents: [], monitorApi: null, escalations: [], warnings: [], bus: 'live' };
}

/** Higher is worse: what the operator must look at first sorts to the top. */
export function severity(r: TenantRow): number {
  if (r.pm2 === 'errored' || r.pm2 === 'waiting restart') return 100;
  if (r.wa === 'logged_out') return 90;
  if (r.wa === 'parked') return 85;
  if (r.pm2 === 'stopped' || r.pm2 === 'absent' || r.pm2 === 'stopping') return 70;
  if (r.wa === 'unreachable') return 65;
  if (r.wa === 'disconnected') return 60;
  if ((r.failed ?? 0) > 0) return 50;
  if (r.escalations > 0) return 45;
  if (r.wa === 'qr') return 40;
  if (r.wa === 'connecting' || r.pm2 === 'launching' || r.wa === null) return 30;
  if (r.handoff) return 10;
  return 0;
}

/** The PM2 process a table row is: a tenant's gateway, the brain or the monitor. */
export const processOf = (r: TenantRow): string => r.service ?? gatewayName(r.id);

/**
 * The brain and the monitor as rows of the table, as k9s lists every pod: selectable for their log,
 * R and S. They stay above the tenants; the header counts only tenants.
 */
export function serviceRows(s: Pick<Snapshot, 'brain' | 'monitor' | 'monitorApi' | 'escalations'>): TenantRow[] {
  const make = (service: typeof BRAIN | typeof MONITOR, st: ServiceState, note: string): TenantRow => ({
    id: service === BRAIN ? 'brain' : 'monitor', name: service === BRAIN ? 'shared brain (every tenant)' : 'monitor (alerts)', port: st.port ?? 0, transport: 'service', service, note,
    pm2: st.pm2, restarts: st.restarts ?? 0, uptimeSince: st.uptimeSince ?? null, cpu: st.cpu ?? null, memory: st.memory ?? null,
    wa: null, handoff: null, messagesToday: null, backlog: null, failed: null, lastSeen: null, lastDisconnect: null, parkedReason: null, escalations: service === BRAIN ? s.escalations.length : 0,
  });
  const brainNote = s.brain.pm2 !== 'online' ? '-' : s.brain.healthy === false ? 'no /health' : 'serving';
  const rows = [make(BRAIN, s.brain, brainNote)];
  if (s.monitor) rows.push(make(MONITOR, s.monitor, s.monitor.pm2 !== 'online' ? '-' : s.monitorApi ? 'no API' : 'watching'));
  return rows;
}

export function sortRows(rows: readonly TenantRow[]): TenantRow[] {
  return [...rows].sort((a, b) => severity(b) - severity(a) || a.id.localeCompare(b.id));
}

export function filterRows(rows: readonly TenantRow[], filter: string): TenantRow[] {
  const f = filter.trim().toLowerCase();
  if (!f) return [...rows];
  return rows.filter((r) => [r.id, r.name, r.pm2, r.wa ?? '', r.transport].some((v) => v.toLowerCase().includes(f)));
}

/** The slice of rows that fits `height`, keeping `selected` visible: only these are rendered. */
export function windowRows<T>(rows: readonly T[], selected: number, height: number): { start: number; visible: T[] } {
  const h = Math.max(1, height);
  const start = Math.min(Math.max(0, selected - Math.floor(h / 2)), Math.max(0, rows.length - h));
  return { start, visible: rows.slice(start, start + h) };
}

export interface Failure {
  severity: number;
  what: string;
  next: string;
  /** The PM2 process the item is about: enter opens its log, R and S act on it. */
  process?: string;
  /** enter opens the escalations list instead of a log. */
  escalations?: true;
}

/** Everything failing, worst first, each with what to do about it. */
export function failures(s: Snapshot): Failure[] {
  const out: Failure[] = [];
  if (s.pm2 === 'down') out.push({ severity: 200, what: 'PM2 is not running: nothing is', next: 'wr-console start' });
  if (s.pm2 === 'stale') out.push({ severity: 190, what: 'PM2 does not answer: what is shown may be old', next: 'wait a few seconds; if it stays, pm2 ping, or wr-console start' });
  if (s.pm2 === 'connected' && s.brain.pm2 !== 'online') out.push({ severity: 150, what: `brain is ${s.brain.pm2}: no tenant gets answers`, next: 'S to start it, R to restart it; enter for its log', process: BRAIN });
  else if (s.pm2 === 'connected' && s.brain.healthy === false) out.push({ severity: 140, what: 'brain is online but /health does not answer', next: 'R to restart it; enter for its log', process: BRAIN });
  const unknown = s.monitorApi ? '; incidents unknown' : '';
  if (s.monitor && s.monitor.pm2 !== 'online') out.push({ severity: 120, what: `monitor is ${s.monitor.pm2}: no alerts will be sent${unknown}`, next: 'S to start it, R to restart it; enter for its log', process: MONITOR });
  else if (s.pm2 === 'connected' && s.monitorApi) out.push({ severity: 110, what: `${s.monitorApi}; incidents unknown`, next: 'enter for its log; R to restart it', process: MONITOR });
  const alerted = s.alertsConfigured ? 'the monitor alerted the operator' : 'alerts: not configured, so nobody was told';
  for (const i of s.incidents) {
    out.push({ severity: 95, what: `incident since ${i.openedAt.slice(11, 16)} UTC: [${i.target}] ${i.title}`, next: `${alerted}; it resolves by itself once fixed`, process: processOfTarget(i.target) });
  }
  const recent = s.at - 10 * 60_000;
  for (const [name, exit] of Object.entries(s.crashes)) {
    if (exit.at < recent) continue;
    const how = describeExit(exit);
    out.push({ severity: 75, what: `${name} ${how} at ${new Date(exit.at).toTimeString().slice(0, 8)}; PM2 restarted it${exit.lastError ? ` — ${exit.lastError}` : ''}`, next: 'enter for its log', process: name });
  }
  for (const r of s.rows) {
    const who = `${r.id} (${neutralise(r.name)})`;
    const process = gatewayName(r.id);
    const lastError = s.lastErrors[process] ? ` — ${s.lastErrors[process]}` : '';
    if (r.pm2 === 'errored' || r.pm2 === 'waiting restart') out.push({ severity: 100, what: `${who}: gateway crash-looping (${r.restarts} restarts)${lastError}`, next: `enter for its log; fix, then R to restart`, process });
    else if (r.pm2 === 'stopped' || r.pm2 === 'absent') out.push({ severity: 70, what: `${who}: gateway not running`, next: `S to start it`, process });
    if (r.wa === 'logged_out') out.push({ severity: 90, what: `${who}: WhatsApp logged out`, next: 'R for a new QR, then p on the table to show it and scan with the business phone', process });
    if (r.wa === 'parked') out.push({ severity: 85, what: `${who}: parked — ${parkedWhy(r)}`, next: 'no QR comes while parked: fix the cause, then R to restart the session', process });
    if (r.wa === 'disconnected') out.push({ severity: 60, what: `${who}: WhatsApp disconnected${r.lastDisconnect ? ` (${r.lastDisconnect.code ?? '?'} ${r.lastDisconnect.reason})` : ''}`, next: 'it retries by itself; R to retry now', process });
    if (r.wa === 'unreachable' && r.pm2 === 'online') out.push({ severity: 65, what: `${who}: gateway does not answer on port ${r.port}${lastError}`, next: 'enter for its log; R to restart', process });
    if ((r.failed ?? 0) > 0) out.push({ severity: 50, what: `${who}: ${r.failed} message(s) the brain refused`, next: 'enter for the brain log; the messages stay in gateway.db', process: BRAIN });
    if (r.escalations > 0) out.push({ severity: 45, what: `${who}: ${r.escalations} customer(s) waiting for a person`, next: 'enter (or E) for who and what they asked; reply from the business phone, then r to resolve', escalations: true });
  }
  return out.sort((a, b) => b.severity - a.severity);
}

export type Command =
  | { kind: 'tenant'; id: string }
  | { kind: 'handoff'; id: string; on: boolean }
  | { kind: 'restart'; target: string }
  | { kind: 'quit' }
  | { kind: 'error'; message: string };

export const COMMAND_HELP = [':tenant <id>  select a tenant', ':handoff <id> on|off', ':restart <id>|brain|monitor', ':q  quit'];

export function parseCommandLine(line: string): Command {
  const [verb, ...args] = line.trim().split(/\s+/);
  switch (verb) {
    case 'q':
    case 'quit':
      return { kind: 'quit' };
    case 'tenant':
      return args.length === 1 ? { kind: 'tenant', id: args[0]! } : { kind: 'error', message: 'usage: :tenant <id>' };
    case 'handoff':
      return args.length === 2 && (args[1] === 'on' || args[1] === 'off') ? { kind: 'handoff', id: args[0]!, on: args[1] === 'on' } : { kind: 'error', message: 'usage: :handoff <id> on|off' };
    case 'restart':
      return args.length === 1 ? { kind: 'restart', target: args[0]! } : { kind: 'error', message: 'usage: :restart <id>|brain|monitor' };
    default:
      return { kind: 'error', message: `unknown command ":${verb ?? ''}" (${COMMAND_HELP.join(', ')})` };
  }
}

export function formatAge(since: number | string | null, now: number): string {
  if (since === null) return '-';
  const ms = now - (typeof since === 'string' ? Date.parse(since) : since);
  if (!Number.isFinite(ms) || ms < 0) return '-';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/** The PM2 process an incident's target names (a tenant id, "brain" or "monitor"). */
function processOfTarget(target: string): string | undefined {
  if (target === 'brain') return BRAIN;
  if (target === 'monitor') return MONITOR;
  return /^[a-z0-9-]{1,32}$/.test(target) ? gatewayName(target) : undefined;
}

/** Why a gateway stopped retrying: its own reason, else the disconnect that led there. */
export function parkedWhy(r: TenantRow): string {
  return r.parkedReason ?? (r.lastDisconnect ? `stopped retrying after ${r.lastDisconnect.code ?? '?'} ${r.lastDisconnect.reason}` : 'stopped retrying');
}

const VERBS = ['tenant', 'handoff', 'restart', 'quit'];

/**
 * Tab completion after ':': the verb, then a tenant id (brain and monitor for :restart), then on/off
 * for :handoff. One candidate completes with a space; several complete their common prefix.
 */
export function completeCommand(text: string, tenants: readonly string[]): string {
  const words = text.split(' ');
  const last = words.at(-1) ?? '';
  const candidates =
    words.length === 1 ? VERBS : words.length === 2 ? (words[0] === 'restart' ? [...tenants, 'brain', 'monitor'] : words[0] === 'tenant' || words[0] === 'handoff' ? [...tenants] : []) : words.length === 3 && words[0] === 'handoff' ? ['on', 'off'] : [];
  const matches = candidates.filter((c) => c.startsWith(last));
  if (matches.length === 0) return text;
  const head = words.slice(0, -1).concat('').join(' ');
  if (matches.length === 1) return `${head}${matches[0]} `;
  let prefix = matches[0]!;
  for (const m of matches) while (!m.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return `${head}${prefix}`;
}

/**
 * Where this console and PM2's processes disagree: a shell that exports another WR_HOME watches
 * one installation while the processes run another. (A shell setting that differs from wr.env,
 * BRAIN_PORT say, is refused before the console starts: see operatorConfig.)
 */
export function configWarnings(o: { consoleHome: string; processHomes: (string | undefined)[] }): string[] {
  const homes = [...new Set(o.processHomes.filter((h): h is string => !!h && h !== o.consoleHome))];
  return homes.length ? [`the processes use WR_HOME=${homes.join(', ')} but this console reads ${o.consoleHome}: run it with the same WR_HOME`] : [];
}
