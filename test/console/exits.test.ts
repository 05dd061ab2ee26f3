import { describe, expect, it } from 'vitest';
import { describeExit, exitFromDaemonLog, ExitTracker } from '../../console/tui/exits.js';

const exit = (name: string, status: string) => ({ event: 'exit', process: { name, status } });
const none = { code: null, signal: null };

describe('PM2 exits as failures', () => {
  it('records an unplanned exit, not the two exit events of a planned stop or restart, in either order', () => {
    const t = new ExitTracker();
    const crashed = t.apply({}, exit('wr-gw-a', 'stopped'), { code: null, signal: 'SIGKILL' }, 'boom', 1_000);
    expect(crashed).toEqual({ 'wr-gw-a': { at: 1_000, code: null, signal: 'SIGKILL', lastError: 'boom' } });

    // restart all: "stopping" first, then "stopped" once the process is gone.
    const planned = new ExitTracker();
    let exits = planned.apply({}, exit('wr-gw-b', 'stopping'), none, undefined, 5_000);
    exits = planned.apply(exits, exit('wr-gw-b', 'stopped'), none, undefined, 5_500);
    expect(exits).toEqual({});
    // Reversed: the "stopped" one first is withdrawn when "stopping" arrives.
    const reversed = new ExitTracker();
    exits = reversed.apply({}, exit('wr-gw-c', 'stopped'), none, undefined, 5_000);
    expect(Object.keys(exits)).toEqual(['wr-gw-c']);
    expect(reversed.apply(exits, exit('wr-gw-c', 'stopping'), none, undefined, 5_100)).toEqual({});
    // The planned stop's two events are used up: a kill right after it is a crash.
    expect(Object.keys(planned.apply({}, exit('wr-gw-b', 'stopped'), none, undefined, 6_000))).toEqual(['wr-gw-b']);
    // A planned stop whose second event never came does not hide a crash long after.
    const lost = new ExitTracker();
    lost.apply({}, exit('wr-gw-d', 'stopping'), none, undefined, 1_000);
    expect(Object.keys(lost.apply({}, exit('wr-gw-d', 'stopped'), none, undefined, 100_000))).toEqual(['wr-gw-d']);
    // Not an exit: nothing changes (the same object, so nothing re-renders).
    const same = {};
    expect(t.apply(same, { event: 'online', process: { name: 'x' } }, none, undefined)).toBe(same);
  });

  it('reads how a process ended from PM2 daemon log lines', () => {
    const log = [
      'PM2 | App [wr-gw-a:2] exited with code [1] via signal [SIGINT]',
      'PM2 | App [wr-gw-b:3] exited with code [0] via signal [SIGKILL]',
      'PM2 | App [wr-gw-a:2] exited with code [0] via signal [SIGINT]',
      'PM2 | App [wr-gw-c:4] exited with code [1] via signal [SIGINT]',
    ].join('\n');
    expect(exitFromDaemonLog(log, 'wr-gw-b')).toEqual({ code: null, signal: 'SIGKILL' });
    expect(exitFromDaemonLog(log, 'wr-gw-a')).toEqual({ code: 0, signal: null });
    expect(exitFromDaemonLog(log, 'wr-gw-c')).toEqual({ code: 1, signal: null });
    expect(exitFromDaemonLog(log, 'wr-gw-z')).toEqual(none);
    expect(describeExit({ code: null, signal: 'SIGKILL' })).toBe('killed by SIGKILL');
    expect(describeExit({ code: 3, signal: null })).toBe('exited with code 3');
  });
});
