import type { Config } from './config.js';
import { MonitorStatusSchema, type MonitorStatus } from './contracts.js';
import { loadOrCreateAdminKey } from './keys.js';

/**
 * The monitor's HTTP API as the console and `status` read it (admin key). Never throws: an answer
 * that cannot be had is `{ status: null, problem }`, so no caller shows old incidents as live.
 */
export type MonitorReading = { status: MonitorStatus; problem?: undefined } | { status: null; problem: string };

export async function readMonitor(config: Config, timeoutMs = 2_000): Promise<MonitorReading> {
  const where = `127.0.0.1:${config.MONITOR_PORT}`;
  let res: Response;
  try {
    res = await fetch(`http://${where}/api/status`, { headers: { authorization: `Bearer ${loadOrCreateAdminKey(config.paths)}` }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const why = (err as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'nothing listens there';
    return { status: null, problem: `monitor not reachable on ${where} (${why}): wr-console start monitor` };
  }
  const body = (await res.json().catch(() => undefined)) as { error?: string } | undefined;
  if (!res.ok) return { status: null, problem: `monitor refused on ${where}: ${res.status} ${body?.error ?? ''}`.trim() };
  const parsed = MonitorStatusSchema.safeParse(body);
  if (!parsed.success) return { status: null, problem: `monitor on ${where} answered in an unexpected shape (a monitor of another version? restart it)` };
  return { status: parsed.data };
}
