import type { ProcessExit } from './model.js';

/**
 * Which PM2 exits are failures, and how each ended. Pure: PM2's packets and its daemon log come in
 * as values, so every case is tested without a daemon.
 *
 * PM2 marks a process "stopping" before its own stop or restart kills it (`restart all`, S, R), and
 * its exit event then carries that status: those are planned, not failures. The same stop also
 * sends a second exit event once the process is gone ("stopped"), so a planned stop clears any exit
 * recorded for the process in the seconds around it. PM2's packet has no signal and reports a
 * signal death as exit code 0; its daemon log has both: `App [wr-gw-demo:2] exited with code [0]
 * via signal [SIGKILL]`.
 */

export interface ProcessEvent {
  event: string;
  process: { name: string; status?: string; exit_code?: number | null };
}

/** A planned stop's second exit event arrives within the app's kill_timeout (10 s) of its first. */
const PLANNED_WINDOW_MS = 30_000;

export class ExitTracker {
  /** Processes whose planned stop has sent its first exit event and owes its second. */
  private readonly planned = new Map<string, number>();

  /** The exits after `pkt`: unchanged when it is not an exit, a new failure when it is an unplanned one. */
  apply(exits: Record<string, ProcessExit>, pkt: ProcessEvent, how: Pick<ProcessExit, 'code' | 'signal'>, lastError: string | undefined, at = Date.now()): Record<string, ProcessExit> {
    const name = pkt?.process?.name;
    if (!name || (pkt.event !== 'exit' && pkt.event !== 'restart overlimit')) return exits;
    if (pkt.event === 'exit' && pkt.process.status === 'stopping') {
      const recorded = exits[name];
      // The "stopped" one came first and was taken for a crash: withdrawn; none is owed now.
      if (recorded && at - recorded.at <= PLANNED_WINDOW_MS) {
        const { [name]: _planned, ...rest } = exits;
        return rest;
      }
      this.planned.set(name, at);
      return exits;
    }
    if (pkt.event === 'exit') {
      const since = this.planned.get(name);
      this.planned.delete(name);
      if (since !== undefined && at - since < PLANNED_WINDOW_MS) return exits;
    }
    return { ...exits, [name]: { at, ...how, lastError } };
  }
}

const EXIT_LINE = /App \[(.+?):\d+\] exited with code \[(-?\d+)\] via signal \[(\w+)\]/g;

/**
 * How `name` last ended, from the tail of PM2's daemon log. PM2 writes SIGINT when a process ended
 * by itself with a code, so SIGINT with code 0 is told as code 0, and a non-zero code wins.
 */
export function exitFromDaemonLog(tail: string, name: string): Pick<ProcessExit, 'code' | 'signal'> {
  let found: Pick<ProcessExit, 'code' | 'signal'> = { code: null, signal: null };
  for (const m of tail.matchAll(EXIT_LINE)) {
    if (m[1] !== name) continue;
    const code = Number(m[2]);
    found = code !== 0 || m[3] === 'SIGINT' ? { code, signal: null } : { code: null, signal: m[3]! };
  }
  return found;
}

/** How an exit reads in the failures view. */
export function describeExit(e: Pick<ProcessExit, 'code' | 'signal'>): string {
  if (e.signal) return `killed by ${e.signal}`;
  if (e.code !== null) return `exited with code ${e.code}`;
  return 'exited';
}
