import { gatewayName } from '../core/apps.js';
import type { WaStatus } from '../core/contracts.js';

/**
 * What the monitor concludes from what it sees, as pure functions: per-target watch state and the
 * incidents that should be open now. The monitor opens what appears here, resolves what
 * disappears, and reminds about what stays.
 */
import type { LlmHealth } from '../core/status.js';


export interface Observation {
  target: string;
  kind: 'gateway' | 'brain';
  /** /health answered. */
  reachable: boolean;
  wa?: WaStatus;
  parkedReason?: string | null;
  lastDisconnect?: { code: number | null; reason: string } | null;
  backlog?: number;
  /** The gateway cannot store incoming messages (disk full…). */
  storeError?: string | null;
  /** Of those, how many did not fit in the spill file either: a crash loses them. */
  heldInMemory?: number;
  /** The brain refuses the gateway's key or tenant. */
  authError?: string | null;
  /** Messages WhatsApp delivered that could not be decrypted, in the last hour. */
  undecryptable?: number;
  /** PM2's view, when PM2 runs. */
  pm2?: { status: string; restarts: number };
  /** The brain's LLM engine, when one is configured. */
  llm?: LlmHealth;
}

export interface WatchState {
  failures: number;
  lastSeen: number | null;
  wa: WaStatus | null;
  waSince: number;
  restarts: number | null;
  /** When the restart count went up, recently. */
  restartTimes: number[];
}

export interface DesiredIncident {
  key: string;
  kind: 'gateway_unreachable' | 'whatsapp_down' | 'logged_out' | 'crash_loop' | 'brain_down' | 'backlog' | 'store_failing' | 'key_refused' | 'undecryptable' | 'llm_refused' | 'llm_budget' | 'alert_config';
  target: string;
  title: string;
  next: string;
  /**
   * Higher is worse: an open incident whose severity rises is alerted again (🔺). Kinds that can
   * get worse while open say how: a session that parks, PM2 giving up on a crash loop, messages
   * that cannot be stored no longer fitting in the spill file, a queue or
   * a count of undecryptable messages ten times larger, more tenants out of LLM tokens. The rest
   * (down, logged out, refused) have one level.
   */
  severity?: number;
}

/** How many times over its threshold a count is, in powers of ten: up to 10× is 0, 10× is 1, 100× is 2. */
export const tenfold = (n: number, threshold: number): number => Math.max(0, Math.floor(Math.log10(n / Math.max(1, threshold))));

export interface Thresholds {
  unreachableChecks: number;
  downForMs: number;
  backlog: number;
  crashRestarts: number;
  crashWindowMs: number;
  /** Undecryptable messages in an hour that mean the session's encryption is broken. */
  undecryptable: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { unreachableChecks: 3, downForMs: 2 * 60_000, backlog: 50, crashRestarts: 3, crashWindowMs: 10 * 60_000, undecryptable: 5 };

const isDown = (wa: WaStatus | null) => wa === 'disconnected' || wa === 'parked';

export function observe(prev: WatchState | undefined, obs: Observation, now: number, t: Thresholds = DEFAULT_THRESHOLDS): WatchState {
  const wa = obs.reachable ? (obs.wa ?? null) : (prev?.wa ?? null);
  const restarts = obs.pm2?.restarts ?? prev?.restarts ?? null;
  const grew = prev?.restarts !== null && prev?.restarts !== undefined && restarts !== null && restarts > prev.restarts;
  return {
    failures: obs.reachable ? 0 : (prev?.failures ?? 0) + 1,
    lastSeen: obs.reachable ? now : (prev?.lastSeen ?? null),
    wa,
    // Disconnected then parked is one outage getting worse: its clock (and its incident) carry on.
    waSince: prev && (prev.wa === wa || (isDown(prev.wa) && isDown(wa))) ? prev.waSince : now,
    restarts,
    restartTimes: [...(prev?.restartTimes ?? []).filter((x) => now - x < t.crashWindowMs), ...(grew ? Array(restarts! - prev!.restarts!).fill(now) : [])],
  };
}

export function desiredIncidents(obs: Observation, s: WatchState, now: number, t: Thresholds = DEFAULT_THRESHOLDS): DesiredIncident[] {
  const out: DesiredIncident[] = [];
  const add = (kind: DesiredIncident['kind'], title: string, next: string, severity = 0) => out.push({ key: `${kind}:${obs.target}`, kind, target: obs.target, title, next, severity });
  if (obs.kind === 'brain') {
    if (s.failures >= t.unreachableChecks) add('brain_down', 'the brain does not answer: no tenant gets replies', 'wr-console restart brain; read its log');
    if (obs.reachable && obs.llm?.state === 'refused') add('llm_refused', `the LLM cannot be used, the rule engine answers everyone: ${obs.llm.reason ?? ''}`, 'fix LLM_MODEL or LLM_BASE_URL in wr.env, then wr-console restart brain (the brain also tries the model again every 10 minutes)');
    if (obs.reachable && obs.llm?.overBudget.length) add('llm_budget', `daily LLM token budget used up for ${obs.llm.overBudget.join(', ')}: the rule engine answers them until midnight`, 'raise LLM_DAILY_TOKENS in wr.env and restart the brain, or wait', obs.llm.overBudget.length - 1);
    return out;
  }
  const crashing = obs.pm2 && (obs.pm2.status === 'errored' || obs.pm2.status === 'waiting restart');
  if (crashing || s.restartTimes.length >= t.crashRestarts) {
    // Errored is worse than restarting: PM2 has given up and will not start it again.
    add('crash_loop', `gateway crash-looping (PM2 ${obs.pm2?.status ?? '?'}, ${s.restartTimes.length} restarts in ${t.crashWindowMs / 60_000} min)`, `read its log: pm2 logs ${gatewayName(obs.target)}`, obs.pm2?.status === 'errored' ? 1 : 0);
  }
  const stopped = obs.pm2 && obs.pm2.status === 'stopped';
  if (!crashing && !stopped && s.failures >= t.unreachableChecks) add('gateway_unreachable', `gateway does not answer (${s.failures} checks in a row)`, `wr-console restart ${obs.target}`);
  if (obs.reachable && s.wa === 'logged_out') add('logged_out', 'WhatsApp logged out: a new QR is needed', `wr-console restart ${obs.target}, then wr-console qr ${obs.target} and scan it`);
  if (obs.reachable && isDown(s.wa) && now - s.waSince >= t.downForMs) {
    const why = s.wa === 'parked' ? `parked: ${obs.parkedReason ?? 'stopped retrying'}` : `disconnected${obs.lastDisconnect ? ` (${obs.lastDisconnect.code ?? '?'} ${obs.lastDisconnect.reason})` : ''}`;
    // Parked is worse than disconnected: it no longer retries by itself.
    add('whatsapp_down', `WhatsApp ${why} for ${Math.round((now - s.waSince) / 60_000)} min`, s.wa === 'parked' ? `fix the cause, then wr-console restart ${obs.target}` : 'it retries by itself; wr-console restart to retry now', s.wa === 'parked' ? 1 : 0);
  }
  if (obs.reachable && obs.storeError) {
    const inMemory = obs.heldInMemory ?? 0;
    const title = `the gateway cannot store incoming messages: ${obs.storeError.slice(0, 200)}${inMemory > 0 ? `; ${inMemory} held in memory only, lost if it stops` : ''}`;
    add('store_failing', title, `free disk space under WR_HOME${inMemory > 0 ? ' now, and do not restart the gateway before' : ''}; held messages are stored as soon as it works`, inMemory > 0 ? 1 : 0);
  }
  if (obs.reachable && obs.authError) {
    add('key_refused', `the brain refuses this gateway's key, messages wait: ${obs.authError.slice(0, 200)}`, `wr-console tenant key ${obs.target} --rotate, then wr-console restart ${obs.target}`);
  }
  if (obs.reachable && (obs.undecryptable ?? 0) >= t.undecryptable) {
    // The usual cause of "connected but receiving nothing": customers see their messages delivered, the bot sees none.
    add('undecryptable', `connected but ${obs.undecryptable} messages in the last hour could not be decrypted`, `the session's keys are out of step: wr-console restart ${obs.target}; if it goes on, log out on the phone and pair again`, tenfold(obs.undecryptable!, t.undecryptable));
  }
  if (obs.reachable && (obs.backlog ?? 0) > t.backlog) add('backlog', `${obs.backlog} messages waiting in the gateway's queue`, 'is the brain up? wr-console status', tenfold(obs.backlog!, t.backlog));
  return out;
}

/** Bad alert settings: the monitor runs without those channels and says so, until wr.env is fixed. */
export function configIncident(alertProblems: string[]): DesiredIncident | null {
  if (alertProblems.length === 0) return null;
  return {
    key: 'alert_config:monitor',
    kind: 'alert_config',
    target: 'monitor',
    title: `alert settings are invalid, so those channels are off: ${alertProblems.join('; ').slice(0, 500)}`,
    next: 'fix them in wr.env (wr-console alert test checks them), then wr-console restart monitor',
  };
}
