import fs from 'node:fs';
import type { Config } from './config.js';
import { readRegistry } from './registry.js';
import { RawDb } from './sqlite/raw.js';

/**
 * The original spec's CONNECTION STATUS SUMMARY, for `wr-console status` and
 * `node dist/monitor/main.js --status`: each gateway asked directly, failure counts and
 * last-seen times from the monitor's watch state.
 */

export interface TenantStatus {
  id: string;
  name: string;
  port: number;
  connected: boolean;
  status: string;
  handoffMode: boolean | null;
  lastSeen: string | null;
  failures: number;
  queue: { pending: number; failed: number } | null;
  /** Why the gateway cannot store messages, or why the brain refuses its key; null when neither. */
  problem: string | null;
}

export interface StatusReport {
  tenants: TenantStatus[];
  brain: { up: boolean; url: string };
  monitor: { running: boolean; lastCheck: string | null; openIncidents: number | null };
}

async function getJson(url: string): Promise<Record<string, any> | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    // A gateway that cannot store messages answers 503 with its health: up, and sick.
    if (res.ok || (res.status === 503 && res.headers.get('content-type')?.includes('json'))) return (await res.json()) as Record<string, any>;
    return null;
  } catch {
    return null;
  }
}

async function monitorState(config: Config): Promise<{ watch: Map<string, { failures: number; lastSeen: number | null }>; heartbeat: string | null; open: number | null }> {
  const watch = new Map<string, { failures: number; lastSeen: number | null }>();
  if (!fs.existsSync(config.paths.monitorDb)) return { watch, heartbeat: null, open: null };
  const db = await RawDb.open(config.paths.monitorDb, true);
  try {
    for (const row of await db.all<{ target: string; state: string }>('SELECT target, state FROM watch')) watch.set(row.target, JSON.parse(row.state));
    const heartbeat = (await db.all<{ value: string }>("SELECT value FROM settings WHERE key = 'heartbeat'"))[0]?.value ?? null;
    const open = (await db.all<{ n: number }>("SELECT count(*) AS n FROM incidents WHERE status = 'open'"))[0]?.n ?? 0;
    return { watch, heartbeat, open };
  } finally {
    await db.close();
  }
}

export async function statusReport(config: Config, now = Date.now()): Promise<StatusReport> {
  const { watch, heartbeat, open } = await monitorState(config);
  const tenants = await Promise.all(
    readRegistry(config.paths).map(async (t): Promise<TenantStatus> => {
      const h = await getJson(`http://127.0.0.1:${t.port}/health`);
      const w = watch.get(t.id);
      const lastSeen = (h?.lastSeen as string | null) ?? (w?.lastSeen ? new Date(w.lastSeen).toISOString() : null);
      return {
        id: t.id, name: t.name, port: t.port, connected: h?.status === 'connected', status: (h?.status as string) ?? 'unreachable',
        handoffMode: (h?.handoffMode as boolean) ?? null, lastSeen, failures: w?.failures ?? 0, queue: (h?.queue as TenantStatus['queue']) ?? null,
        problem: h?.storeError ? `cannot store messages: ${h.storeError}` : h?.authError ? `the brain refuses its key: ${h.authError}` : null,
      };
    }),
  );
  const brain = await getJson(`${config.brainUrl}/health`);
  const running = heartbeat !== null && now - Date.parse(heartbeat) < 60_000;
  return { tenants, brain: { up: brain !== null, url: config.brainUrl }, monitor: { running, lastCheck: heartbeat, openIncidents: open } };
}

export function formatStatus(r: StatusReport): string {
  const when = (iso: string | null) => (iso ? new Date(iso).toISOString().replace('T', ' ').slice(0, 19) : 'never');
  const lines = ['='.repeat(50), 'CONNECTION STATUS SUMMARY', '='.repeat(50)];
  if (r.tenants.length === 0) lines.push('', 'no tenants: wr-console tenant add <id> --name <name>');
  for (const t of r.tenants) {
    lines.push('', `${t.connected ? '✅' : '❌'} ${t.id}: ${t.status === 'connected' ? 'CONNECTED' : t.status.toUpperCase()}${t.handoffMode ? ' (HANDOFF)' : ''}`);
    lines.push(`   Last seen: ${when(t.lastSeen)}`, `   Failures: ${t.failures}`);
    if (t.queue && (t.queue.pending || t.queue.failed)) lines.push(`   Queue: ${t.queue.pending} pending, ${t.queue.failed} failed`);
    if (t.problem) lines.push(`   Problem: ${t.problem}`);
  }
  lines.push('', `${r.brain.up ? '✅' : '❌'} brain: ${r.brain.up ? 'UP' : 'DOWN'} (${r.brain.url})`);
  lines.push(`${r.monitor.running ? '✅' : '❌'} monitor: ${r.monitor.running ? 'RUNNING' : 'NOT RUNNING'} (last check ${when(r.monitor.lastCheck)}${r.monitor.openIncidents ? `, ${r.monitor.openIncidents} open incident(s)` : ''})`);
  return lines.join('\n');
}
