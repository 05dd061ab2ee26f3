import type { Booking } from '../domain/bookings.js';
import type { Escalation } from '../domain/escalations.js';
import type { TenantDb } from '../db/tenant-db.js';

/** Read-side queries behind GET /api/conversations, /api/bookings and /api/escalations. */

const MESSAGES_PER_CONVERSATION = 20;

export function listConversations(db: TenantDb, opts: { limit: number; sender?: string }) {
  return db.conversations.list({ ...opts, messages: MESSAGES_PER_CONVERSATION });
}

export function listBookings(db: TenantDb, opts: { from?: Date; to?: Date; status?: Booking['status'] }): Promise<Booking[]> {
  return db.bookings.list(opts);
}

export function listEscalations(db: TenantDb, opts: { status?: Escalation['status'] }): Promise<Escalation[]> {
  return db.escalations.list(opts);
}
