import { DateTime } from 'luxon';
import type { Turn } from '../engine.js';
import type { PendingAction } from '../../domain/state.js';
import { callTool } from '../tools.js';
import { zoneOf } from '../../domain/zone.js';

interface Listed {
  bookingId: number;
  serviceId: string;
  start: string;
}

/**
 * The server's own question for the change waiting for a YES. It is added to the model's reply, so
 * the customer always reads exactly what their YES will do, whatever the model wrote.
 */
export async function confirmationQuestion(turn: Turn, pending: PendingAction): Promise<string> {
  const r = turn.replies;
  const { profile } = turn.tools;
  const at = (iso: string) => r.when(DateTime.fromISO(iso, { zone: zoneOf(profile) }));
  const service = (id: string) => profile.services.find((s) => s.id === id)?.name ?? id;
  if (pending.action === 'create_booking') return r.t('confirmBook', { service: service(pending.serviceId), when: at(pending.start), name: pending.name });
  const { bookings } = (await callTool(turn.tools, 'list_my_bookings', {})) as { bookings: Listed[] };
  const booking = bookings.find((b) => b.bookingId === pending.bookingId);
  if (!booking) return '';
  const what = r.service(service(booking.serviceId));
  if (pending.action === 'cancel_booking') return r.t('confirmCancel', { service: what, when: at(booking.start) });
  return r.t('confirmReschedule', { service: what, from: at(booking.start), to: at(pending.start) });
}
