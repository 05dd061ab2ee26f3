import { describe, expect, it } from 'vitest';
import { CODES, initialConnection, onClose, onOpen, onQr, onRestart, PARKED_RETRY_MS, RECONNECT_CAP_MS, STORM_LIMIT, type ConnectionState } from '../../gateway/connection.js';
import { Governor } from '../../gateway/governor.js';

const T0 = Date.parse('2026-03-16T10:00:00Z');
const connected = () => onOpen(initialConnection(), T0);

describe('connection state machine', () => {
  it('reconnects at once after 515 restartRequired (normal right after a scan)', () => {
    const { state, decision } = onClose(connected(), CODES.restartRequired, 'restart required', T0, () => 0.9);
    expect(decision).toEqual({ kind: 'reconnect', delayMs: 0 });
    expect(state).toMatchObject({ status: 'connecting', attempt: 1, lastDisconnect: { code: 515, reason: 'restart required' } });
  });

  it('brakes a server that repeats 515: backoff from the second one in a row, and the storm brake parks it', () => {
    let s = connected();
    const delays: number[] = [];
    let last;
    for (let i = 0; i < STORM_LIMIT; i++) {
      last = onClose(s, CODES.restartRequired, 'restart required', T0 + i * 1000, () => 0.999999);
      if (last.decision.kind === 'reconnect') delays.push(last.decision.delayMs);
      s = last.state;
    }
    expect(delays.slice(0, 3)).toEqual([0, 3999, 7999]);
    expect(last!.decision).toMatchObject({ kind: 'park', retryMs: PARKED_RETRY_MS });
  });

  it('411 is retried with the session kept: only 401 is final', () => {
    const { state, decision } = onClose(connected(), CODES.multideviceMismatch, 'multidevice mismatch', T0, () => 0.5);
    expect(decision.kind).toBe('reconnect');
    expect(state.status).toBe('disconnected');
  });

  it('a 15-minute outage of 408s (and 428, 500, 503) never parks: transient codes do not count toward the brake', () => {
    let s: ConnectionState = connected();
    let t = T0;
    let closes = 0;
    const codes = [CODES.connectionLost, CODES.connectionClosed, CODES.badSession, CODES.unavailableService, null];
    while (t < T0 + 15 * 60_000) {
      const r = onClose(s, codes[closes % codes.length]!, 'Connection was lost', t, () => 0.01);
      expect(r.decision.kind).toBe('reconnect');
      s = r.state;
      closes++;
      t += 10_000; // each reconnect attempt fails again 10 s later
    }
    expect(closes).toBeGreaterThan(STORM_LIMIT * 5);
    expect(s.status).toBe('disconnected');
    // The outage ends: connected again, nothing left to clear.
    expect(onOpen(s, t).status).toBe('connected');
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
    const expired = onClose(waiting, CODES.connectionLost, 'QR refs attempts ended', T0);
    expect(expired.state).toMatchObject({ status: 'parked', parkedReason: 'QR expired: nobody scanned it' });
    // Only a person can scan: no slow retry that would show QR codes to nobody.
    expect(expired.decision).toMatchObject({ kind: 'park', retryMs: null });
    expect(onClose(connected(), CODES.connectionLost, 'lost', T0).decision.kind).toBe('reconnect');
    // The keep-alive's 408 while a QR is shown is a lost connection, not an expired QR.
    expect(onClose(waiting, CODES.connectionLost, 'Connection was lost', T0).decision.kind).toBe('reconnect');
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

  it('parks after too many failures in the window, retries slowly by itself, and POST /restart leaves parked', () => {
    let s = connected();
    let last;
    for (let i = 0; i < STORM_LIMIT; i++) {
      last = onClose(s, 418, 'unknown failure', T0 + i * 1000, () => 0.5);
      s = last.state;
    }
    expect(last!.decision).toMatchObject({ kind: 'park', retryMs: PARKED_RETRY_MS });
    expect(s.status).toBe('parked');
    const restarted = onRestart(s);
    expect(restarted).toMatchObject({ status: 'connecting', attempt: 0, recentFailures: [], parkedReason: null });
  });

  it('resets the backoff once connected again', () => {
    const after = onClose(connected(), CODES.connectionClosed, 'closed', T0, () => 0.5).state;
    expect(after.recentFailures).toEqual([]);
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
