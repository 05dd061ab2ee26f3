import type { Config } from './config.js';
import type { Incident } from './contracts.js';
import { gatewayHealth } from './health.js';
import { loadOrCreateAdminKey } from './keys.js';
import { readMonitor } from './monitor-api.js';
import { readRegistry } from './registry.js';
import { neutralise } from './text.js';
import { z } from 'zod';

/**
 * The original spec's CONNECTION STATUS SUMMARY, for `wr-console status` and
 * `node dist/monitor/main.js --status`: each gateway asked directly, failure counts, last-seen
 * times and incidents from the monitor's HTTP API (never from its database).
 */

/** The brain's LLM engine in its GET /health (`llm`), read by the monitor and `status`. */
export const LlmHealthSchema = z.object({
  engine: z.string(),
  /** ok; open: the provider keeps failing and the rule engine answers for a while; refused: the model cannot be used at all. */
  state: z.enum(['ok', 'open', 'refused']),
  reason: z.string().optional(),
  /** Tenants whose daily token budget is used up (the rule engine answers them until midnight). */
  overBudget: z.array(z.string()),
  /** LLM_DAILY_TOKENS, when set: tokens per tenant per local day. */
  dailyTokens: z.number().optional(),
});
export type LlmHealth = z.infer<typeof LlmHealthSchema>;

/** The `llm` part of the brain's /health, if it is there and well-formed. */
export function llmHealthOf(health: unknown): LlmHealth | undefined {
  const parsed = z.object({ llm: LlmHealthSchema }).safeParse(health);
  return parsed.success ? parsed.data.llm : undefined;
}

export interface TenantStatus {
  id: string;
  name: string;
  port: number;
  connected: boolean;
  status: string;
  handoffMode: boolean | null;
  lastSeen: string | null;
  failures: number;
  /** Why it is not connected, when the gateway says (parked, a disconnect). */
  reason: string | null;
  queue: { pending: number; failed: number } | null;
  /** Why the gateway cannot store messages, or why the brain refuses its key; null when neither. */
  problem: string | null;
  /** LLM tokens on the tenant's local today, and the daily budget if any (from the brain), when an LLM engine is on. */
  llmUsage?: { day: string; tokens: number; calls: number; budget: number | null } | null;
}

export interface StatusReport {
  tenants: TenantStatus[];
  /** `llm` is the LLM engine's state from the brain's /health, when one is configured. */
  brain: { up: boolean; url: string; llm?: LlmHealth };
  /**
   * `running`: the monitor's API answered and its last check is recent. `problem` says why it
   * could not be read; then `openIncidents` is null and `incidents` empty (unknown, not none).
   */
  monitor: { running: boolean; lastCheck: string | null; openIncidents: number | null; incidents?: Incident[]; problem?: string };
}

const HEALTH_TIMEOUT_MS = 2_000;

async function getJson(url: string, headers: Record<string, string> = {}): Promise<Record<string, any> | null> {
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) });
    // A gateway that cannot store messages answers 503 with its health: up, and sick.
    if (res.ok || (res.status === 503 && res.headers.get('content-type')?.includes('json'))) return (await res.json()) as Record<string, any>;
    return null;
  } catch {
    return null;
  }
}

const UsageToday = z.object({ today: z.object({ day: z.string(), inputTokens: z.number(), outputTokens: z.number(), calls: z.number() }) });

/** A tenant's LLM tokens today, read with the operator's key as the console reads other brain data. */
async function usageToday(config: Config, tenant: string, budget: number | undefined): Promise<TenantStatus['llmUsage']> {
  const body = UsageToday.safeParse(await getJson(`${config.brainUrl}/api/usage?days=1`, { authorization: `Bearer ${loadOrCreateAdminKey(config.paths)}`, 'x-client-id': tenant }));
  if (!body.success) return null;
  const { day, inputTokens, outputTokens, calls } = body.data.today;
  return { day, tokens: inputTokens + outputTokens, calls, budget: budget ?? null };
}

export async function statusReport(config: Config, now = Date.now()): Promise<StatusReport> {
  const reading = await readMonitor(config, HEALTH_TIMEOUT_MS);
  const watch = new Map((reading.status?.watch ?? []).map((w) => [w.target, w]));
  const heartbeat = reading.status?.lastCheck ?? null;
  const brain = await getJson(`${config.brainUrl}/health`);
  const llm = llmHealthOf(brain);
  const tenants = await Promise.all(
    readRegistry(config.paths).map(async (t): Promise<TenantStatus> => {
      const { health: h, problem } = await gatewayHealth(t.port, HEALTH_TIMEOUT_MS);
      const w = watch.get(t.id);
      const lastSeen = h?.lastSeen ?? w?.lastSeen ?? null;
      const connected = h?.status === 'connected';
      const reason = connected ? null : (h?.parkedReason ?? h?.lastDisconnect?.reason ?? null);
      return {
        id: t.id, name: t.name, port: t.port, connected, status: h?.status ?? 'unreachable',
        // The monitor counts failed health checks; a parked gateway answers them, yet is failing now.
        handoffMode: h?.handoffMode ?? null, lastSeen, failures: Math.max(w?.failures ?? 0, connected ? 0 : 1), reason, queue: h?.queue ?? null,
        problem: h?.storeError ? `cannot store messages: ${h.storeError}` : h?.authError ? `the brain refuses its key: ${h.authError}` : (problem ?? null),
        ...(llm ? { llmUsage: await usageToday(config, t.id, llm.dailyTokens) } : {}),
      };
    }),
  );
  // A monitor that answers but has not finished a check for three rounds is stuck, not running.
  const running = heartbeat !== null && now - Date.parse(heartbeat) < Math.max(60_000, 3 * config.MONITOR_INTERVAL_MS);
  const incidents = reading.status?.incidents ?? [];
  const monitor = { running, lastCheck: heartbeat, openIncidents: reading.status ? incidents.length : null, incidents, ...(reading.problem ? { problem: reading.problem } : {}) };
  return { tenants, brain: { up: brain !== null, url: config.brainUrl, ...(llm ? { llm } : {}) }, monitor };
}

export function formatStatus(r: StatusReport): string {
  const when = (iso: string | null) => (iso ? new Date(iso).toISOString().replace('T', ' ').slice(0, 19) : 'never');
  const lines = ['='.repeat(50), 'CONNECTION STATUS SUMMARY', '='.repeat(50)];
  if (r.tenants.length === 0) lines.push('', 'no tenants: wr-console tenant add <id> --name <name>');
  for (const t of r.tenants) {
    lines.push('', `${t.connected ? '✅' : '❌'} ${t.id}: ${t.status === 'connected' ? 'CONNECTED' : t.status.toUpperCase()}${t.handoffMode ? ' (HANDOFF)' : ''}`);
    lines.push(`   Last seen: ${when(t.lastSeen)}`, `   Failures: ${t.failures}`);
    if (t.reason) lines.push(`   Reason: ${neutralise(t.reason)}`);
    if (t.queue && (t.queue.pending || t.queue.failed)) lines.push(`   Queue: ${t.queue.pending} pending, ${t.queue.failed} failed`);
    if (t.problem) lines.push(`   Problem: ${t.problem}`);
    if (t.llmUsage) lines.push(`   LLM today (${t.llmUsage.day}): ${t.llmUsage.tokens}${t.llmUsage.budget ? ` of ${t.llmUsage.budget}` : ''} tokens in ${t.llmUsage.calls} calls`);
  }
  lines.push('', `${r.brain.up ? '✅' : '❌'} brain: ${r.brain.up ? 'UP' : 'DOWN'} (${r.brain.url})`);
  const llm = r.brain.llm;
  if (llm) {
    const state = { ok: 'answering', open: 'failing: the rule engine answers for now', refused: `refused: ${llm.reason ?? ''}` }[llm.state];
    lines.push(`   ${llm.engine}: ${state}${llm.overBudget.length ? `; daily token budget used up: ${llm.overBudget.join(', ')}` : ''}`);
  }
  const m = r.monitor;
  lines.push(`${m.running ? '✅' : '❌'} monitor: ${m.running ? 'RUNNING' : 'NOT RUNNING'} (last check ${when(m.lastCheck)}${m.openIncidents ? `, ${m.openIncidents} open incident(s)` : ''})`);
  if (m.problem) lines.push(`   ${m.problem}; incidents unknown`);
  for (const i of m.incidents ?? []) lines.push(`   incident since ${when(i.openedAt)}: [${i.target}] ${neutralise(i.title)}`);
  return lines.join('\n');
}

/** What is not up, in one line, for an exit code scripts can test: undefined when everything is. */
export function statusProblem(r: StatusReport): string | undefined {
  const down = r.tenants.filter((t) => !t.connected).map((t) => t.id);
  const problems = [...(down.length ? [`not connected: ${down.join(', ')}`] : []), ...(r.brain.up ? [] : ['brain down']), ...(r.monitor.running ? [] : ['monitor not running'])];
  return problems.length ? `not everything is up: ${problems.join('; ')}` : undefined;
}
