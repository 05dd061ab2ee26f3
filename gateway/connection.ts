import { fullJitter } from '../core/backoff.js';

/**
 * The WhatsApp connection state machine, as pure functions: what Baileys reported in, what to do
 * next out. It exists to break the loops gateways fall into: QR codes that never stop, reconnects
 * that fight another session until the number is banned, and retry storms.
 */

export const STATUSES = ['connecting', 'qr', 'connected', 'disconnected', 'logged_out', 'parked'] as const;
export type WaStatus = (typeof STATUSES)[number];

export interface Disconnect {
  code: number | null;
  reason: string;
  at: string;
}

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
  /** `retryMs`: try again by itself after this long; null when only a person can help. */
  | { kind: 'park'; reason: string; retryMs: number | null }
  | { kind: 'logged_out' };

export const RECONNECT_BASE_MS = 2_000;
export const RECONNECT_CAP_MS = 5 * 60_000;
export const STORM_WINDOW_MS = 15 * 60_000;
export const STORM_LIMIT = 10;
/** A session parked by the storm brake tries again by itself after this long. */
export const PARKED_RETRY_MS = 15 * 60_000;
/** A session parked by WhatsApp (another session, forbidden) tries again far more rarely: a ping-pong gets numbers banned. */
export const PARKED_BY_WHATSAPP_RETRY_MS = 60 * 60_000;
/** Baileys ends an unscanned QR with 408 and this text; the keep-alive's 408 is an ordinary lost connection. */
export const QR_ENDED = /QR refs attempts ended/i;

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

/** The operator asked for a fresh start (POST /restart), or a parked session's slow retry came: leaves parked and logged_out. */
export function onRestart(s: ConnectionState): ConnectionState {
  return { ...s, status: 'connecting', attempt: 0, recentFailures: [], parkedReason: null };
}

/**
 * Codes an ordinary outage produces (network lost, keep-alive timeout, WhatsApp restarting its
 * servers). They back off but never count toward the storm brake: a 15-minute outage must not
 * park every tenant for good.
 */
const TRANSIENT = new Set<number | null>([null, CODES.connectionLost, CODES.connectionClosed, CODES.badSession, CODES.unavailableService]);

export function onClose(s: ConnectionState, code: number | null, reason: string, now: number, random: () => number = Math.random): { state: ConnectionState; decision: Decision } {
  const lastDisconnect = { code, reason, at: new Date(now).toISOString() };
  const base = { ...s, lastDisconnect, connectedSince: null };

  const park = (why: string, retryMs: number | null) => ({ state: { ...base, status: 'parked' as const, parkedReason: why }, decision: { kind: 'park' as const, reason: why, retryMs } });

  // Only 401 is final: 411 (multi-device mismatch) is retried with the credentials kept.
  if (code === CODES.loggedOut) {
    return { state: { ...base, status: 'logged_out', parkedReason: 'logged out: the phone removed this device; a new QR is needed' }, decision: { kind: 'logged_out' } };
  }
  if (code === CODES.connectionReplaced) return park('connection replaced: another session uses this number; reconnecting would fight it', PARKED_BY_WHATSAPP_RETRY_MS);
  if (code === CODES.forbidden) return park('forbidden by WhatsApp (403): check the number on the phone before retrying', PARKED_BY_WHATSAPP_RETRY_MS);
  if (code === CODES.connectionLost && s.status === 'qr' && QR_ENDED.test(reason)) return park('QR expired: nobody scanned it', null);

  const transient = TRANSIENT.has(code);
  const recentFailures = transient ? s.recentFailures : [...s.recentFailures.filter((t) => now - t < STORM_WINDOW_MS), now];
  if (recentFailures.length >= STORM_LIMIT) {
    const parked = park(`${recentFailures.length} failures in ${STORM_WINDOW_MS / 60_000} minutes: stopped retrying; trying again in ${PARKED_RETRY_MS / 60_000} minutes`, PARKED_RETRY_MS);
    return { ...parked, state: { ...parked.state, recentFailures } };
  }
  // 515 is normal right after a scan: the first one reconnects at once; a server repeating it is
  // braked like any other failure (backoff, and it counts toward the storm brake).
  if (code === CODES.restartRequired && s.attempt === 0) {
    return { state: { ...base, status: 'connecting', attempt: 1, reconnects: s.reconnects + 1, recentFailures }, decision: { kind: 'reconnect', delayMs: 0 } };
  }
  const delayMs = fullJitter(s.attempt, RECONNECT_BASE_MS, RECONNECT_CAP_MS, random);
  return {
    state: { ...base, status: 'disconnected', attempt: s.attempt + 1, reconnects: s.reconnects + 1, recentFailures },
    decision: { kind: 'reconnect', delayMs },
  };
}
