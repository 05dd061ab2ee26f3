import { fullJitter } from '../core/backoff.js';
import type { Disconnect, WaStatus } from '../core/contracts.js';

/**
 * The WhatsApp connection state machine, as pure functions: what Baileys reported in, what to do
 * next out. It exists to break the loops gateways fall into: QR codes that never stop, reconnects
 * that fight another session until the number is banned, and retry storms.
 */

export interface ConnectionState {
  status: WaStatus;
  lastDisconnect: Disconnect | null;
  connectedSince: string | null;
  reconnects: number;
  /** Consecutive failed attempts, for the backoff. */
  attempt: number;
  /** Times of recent failures, for the storm brake. */
  recentFailures: number[];
  parkedReason: string | null;
}

export type Decision =
  | { kind: 'reconnect'; delayMs: number }
  | { kind: 'park'; reason: string }
  | { kind: 'logged_out' };

export const RECONNECT_BASE_MS = 2_000;
export const RECONNECT_CAP_MS = 5 * 60_000;
export const STORM_WINDOW_MS = 15 * 60_000;
export const STORM_LIMIT = 10;

/** Baileys' DisconnectReason codes. */
export const CODES = {
  loggedOut: 401,
  forbidden: 403,
  connectionLost: 408,
  multideviceMismatch: 411,
  connectionClosed: 428,
  connectionReplaced: 440,
  badSession: 500,
  unavailableService: 503,
  restartRequired: 515,
} as const;

export function initialConnection(): ConnectionState {
  return { status: 'connecting', lastDisconnect: null, connectedSince: null, reconnects: 0, attempt: 0, recentFailures: [], parkedReason: null };
}

export function onQr(s: ConnectionState): ConnectionState {
  return { ...s, status: 'qr' };
}

export function onOpen(s: ConnectionState, now: number): ConnectionState {
  return { ...s, status: 'connected', connectedSince: new Date(now).toISOString(), attempt: 0, parkedReason: null };
}

/** The operator asked for a fresh start (POST /restart): leaves parked and logged_out. */
export function onRestart(s: ConnectionState): ConnectionState {
  return { ...s, status: 'connecting', attempt: 0, recentFailures: [], parkedReason: null };
}

export function onClose(s: ConnectionState, code: number | null, reason: string, now: number, random: () => number = Math.random): { state: ConnectionState; decision: Decision } {
  const lastDisconnect = { code, reason, at: new Date(now).toISOString() };
  const base = { ...s, lastDisconnect, connectedSince: null };
  const park = (why: string) => ({ state: { ...base, status: 'parked' as const, parkedReason: why }, decision: { kind: 'park' as const, reason: why } });

  if (code === CODES.restartRequired) {
    // Normal right after a scan: open a new socket at once; not a failure.
    return { state: { ...base, status: 'connecting', reconnects: s.reconnects + 1 }, decision: { kind: 'reconnect', delayMs: 0 } };
  }
  if (code === CODES.loggedOut || code === CODES.multideviceMismatch) {
    return { state: { ...base, status: 'logged_out', parkedReason: 'logged out: the phone removed this device; a new QR is needed' }, decision: { kind: 'logged_out' } };
  }
  if (code === CODES.connectionReplaced) return park('connection replaced: another session uses this number; reconnecting would fight it');
  if (code === CODES.forbidden) return park('forbidden by WhatsApp (403): check the number on the phone before retrying');
  if (code === CODES.connectionLost && s.status === 'qr') return park('QR expired: nobody scanned it');

  const recentFailures = [...s.recentFailures.filter((t) => now - t < STORM_WINDOW_MS), now];
  if (recentFailures.length >= STORM_LIMIT) {
    const parked = park(`${recentFailures.length} failures in ${STORM_WINDOW_MS / 60_000} minutes: stopped retrying`);
    return { ...parked, state: { ...parked.state, recentFailures } };
  }
  const delayMs = fullJitter(s.attempt, RECONNECT_BASE_MS, RECONNECT_CAP_MS, random);
  return {
    state: { ...base, status: 'disconnected', attempt: s.attempt + 1, reconnects: s.reconnects + 1, recentFailures },
    decision: { kind: 'reconnect', delayMs },
  };
}
