import { describe, expect, it } from 'vitest';
import { CODES, initialConnection, onClose, onOpen, onQr, onRestart, RECONNECT_CAP_MS, STORM_LIMIT } from '../../gateway/connection.js';
import { Governor } from '../../gateway/governor.js';

const T0 = Date.parse('2026-03-16T10:00:00Z');
const connected = () => onOpen(initialConnection(), T0);

describe('connection state machine', () => {
  it('reconnects at once after 515 restartRequired (normal right after a scan)', () => {
    const { state, decision } = onClose(connected(), CODES.restartRequired, 'restart required', T0, () => 0.9);
    expect(decision).toEqual({ kind: 'reconnect', delayMs: 0 });
    expect(state).toMatchObject({ status: 'connecting', attempt: 0, lastDisconnect: { code: 515, reason: 'restart required' } });
  });

  it('goes to logged_out on 401 and never reconnects by itself', () => {
    const { state, decision } = onClose(connected(), CODES.loggedOut, 'logged out', T0);
    expect(decision).toEqual({ kind: 'logged_out' });
    expect(state.status).toBe('logged_out');
  });

  it('parks on 440 connectionReplaced instead of fighting the other session', () => {
    const { state, decision } = onClose(connected(), CODES.connectionReplaced, 'replaced', T0);
    expect(decision.kind).toBe('park');
    expect(state).toMatchObject({ status: 'parked', parkedReason: expect.stringContaining('another session') });
  });

  it('parks with "QR expired" on 408 while waiting for a scan, but backs off on 408 when connected', () => {
    const waiting = onQr(initialConnection());
    expect(onClose(waiting, CODES.connectionLost, 'QR refs attempts ended', T0).state).toMatchObject({ status: 'parked', parkedReason: 'QR expired: nobody scanned it' });
    expect(onClose(connected(), CODES.connectionLost, 'lost', T0).decision.kind).toBe('reconnect');
  });

  it.each([CODES.connectionClosed, CODES.badSession, CODES.unavailableService, null])('backs off exponentially with full jitter, capped at 5 minutes, on %s', (code) => {
    let s = connected();
    const ceilings: number[] = [];
    for (let i = 0; i < 9; i++) {
      const r = onClose(s, code, 'x', T0 + i * 20 * 60_000, () => 0.999999);
      expect(r.decision.kind).toBe('reconnect');
      ceilings.push((r.decision as { delayMs: number }).delayMs);
      s = r.state;
    }
    expect(ceilings.slice(0, 4)).toEqual([1999, 3999, 7999, 15999]);
    expect(Math.max(...ceilings)).toBeLessThanOrEqual(RECONNECT_CAP_MS);
    expect(ceilings.at(-1)).toBe(RECONNECT_CAP_MS - 1);
    const zero = onClose(s, code, 'x', T0, () => 0);
    expect(zero.decision).toEqual({ kind: 'reconnect', delayMs: 0 });
  });

  it('parks after too many failures in the window, and POST /restart leaves parked', () => {
    let s = connected();
    let last;
    for (let i = 0; i < STORM_LIMIT; i++) {
      last = onClose(s, CODES.connectionClosed, 'closed', T0 + i * 1000, () => 0.5);
      s = last.state;
    }
    expect(last!.decision.kind).toBe('park');
    expect(s.status).toBe('parked');
    const restarted = onRestart(s);
    expect(restarted).toMatchObject({ status: 'connecting', attempt: 0, recentFailures: [], parkedReason: null });
  });

  it('resets the backoff once connected again', () => {
    const after = onClose(connected(), CODES.connectionClosed, 'closed', T0, () => 0.5).state;
    expect(after.attempt).toBe(1);
    expect(onOpen(after, T0 + 5000)).toMatchObject({ status: 'connected', attempt: 0, connectedSince: new Date(T0 + 5000).toISOString() });
  });
});

describe('outbound governor', () => {
  it('lets a burst through, then paces to the configured rate with jitter', () => {
    let now = 0;
    const g = new Governor({ perMinute: 60, burst: 3, jitterMs: 100 }, () => now, () => 0.5);
    expect([g.take(), g.take(), g.take()]).toEqual([50, 50, 50]);
    expect(g.take()).toBe(1000 + 50);
    now = 1000;
    expect(g.take()).toBe(1000 + 50);
    now = 60_000;
    expect(g.take()).toBe(50);
  });
});
