import { DateTime, type Zone } from 'luxon';
import type { Profile } from '../../core/profile.js';
import { checkSlot, freeSlotsOn, suggestSlots, type BusyPeriod, type SlotVerdict } from './calendar.js';
import { samePending, type ConversationState, type PendingAction, type StateChange } from './state.js';
import { zoneOf } from './zone.js';

/**
 * Bookings as the receptionist's rules see them. The decisions (`decide*`) are pure functions of
 * the profile, the clock, the conversation's state and the bookings already made; the operations
 * around them load those bookings and write the outcome through a BookingRepository, and return
 * the state change instead of making it. No change is made without the customer's YES: the first
 * request proposes it (`pending`), and only a request on the next turn, which the chat service
 * recognised as a YES to that same proposal, carries it out.
 */

export interface Booking {
  id: number;
  serviceId: string;
  sender: string;
  customerName: string;
  startAt: Date;
  endAt: Date;
  status: 'confirmed' | 'cancelled';
  createdAt: Date;
  updatedAt: Date;
}

export type NewBooking = Omit<Booking, 'id'>;

/** A time range of bookings, in UTC. */
export interface Range {
  from: Date;
  to: Date;
}

/** What a write transaction may do with bookings; it sees its own writes. */
export interface BookingWrites {
  /** Confirmed bookings starting in the range, except `exclude`. */
  busy(range: Range, exclude?: number): Promise<BusyPeriod[]>;
  /** The customer's confirmed booking of this service at this start, if there is one. */
  findSame(sender: string, serviceId: string, startAt: Date): Promise<Booking | undefined>;
  insert(booking: NewBooking): Promise<Booking>;
  /** Moves a confirmed booking of `sender`; false when there is none. */
  move(id: number, sender: string, startAt: Date, endAt: Date, at: Date): Promise<boolean>;
  cancel(id: number, sender: string, at: Date): Promise<boolean>;
}

export interface BookingRepository {
  busy(range: Range, exclude?: number): Promise<BusyPeriod[]>;
  /** The customer's confirmed bookings starting after `after`, soonest first. */
  upcomingFor(sender: string, after: Date): Promise<Booking[]>;
  /** Bookings starting in [from, to), by start. */
  list(opts: { from?: Date; to?: Date; status?: Booking['status'] }): Promise<Booking[]>;
  /** Runs `work` in one write transaction, after every write queued before it. */
  write<T>(work: (tx: BookingWrites) => Promise<T>): Promise<T>;
}

/** Who is booking, where and when: what every booking operation of a turn shares. */
export interface BookingDesk {
  profile: Profile;
  sender: string;
  now: DateTime;
  bookings: BookingRepository;
}

/** The conversation as a booking decision needs it. */
export interface Consent {
  state: Readonly<Pick<ConversationState, 'pending'>>;
  /** This turn's message is a YES to `state.pending`. */
  confirmed: boolean;
}

/** A booking as told to the customer: its start in the tenant's local time. */
export interface BookingSummary {
  bookingId: number;
  serviceId: string;
  start: string;
  name: string;
}

export type UnavailableReason = Exclude<SlotVerdict, { ok: true }>['reason'];

export type Availability = { available: true; start: string } | { available: false; reason: UnavailableReason; alternatives: string[] };

export type Unavailable = { status: 'unavailable'; reason: UnavailableReason; alternatives: string[] };
export type NotFound = { status: 'error'; error: string };

export type CreateResult = NotFound | Unavailable | { status: 'needs_confirmation'; serviceId: string; start: string; name: string } | ({ status: 'booked' } & BookingSummary);
export type RescheduleResult = NotFound | Unavailable | { status: 'needs_confirmation' | 'rescheduled'; bookingId: number; from: string; start: string };
export type CancelResult = NotFound | ({ status: 'needs_confirmation' | 'cancelled' } & BookingSummary);

/** A result and what it changes in the conversation's state. */
export interface Outcome<R> {
  result: R;
  change: StateChange;
}

export function toLocalIso(t: DateTime): string {
  return t.toFormat("yyyy-MM-dd'T'HH:mm");
}

export function summarize(b: Booking, zone: Zone): BookingSummary {
  return { bookingId: b.id, serviceId: b.serviceId, start: toLocalIso(DateTime.fromJSDate(b.startAt, { zone })), name: b.customerName };
}

/** Bookings that could overlap anything starting on the same local days as `around`. */
export function busyWindow(around: DateTime): Range {
  return { from: around.minus({ days: 2 }).toJSDate(), to: around.plus({ days: 16 }).toJSDate() };
}

/** A quarter of an hour of slack, so a slot offered now is still bookable when the customer picks it. */
const OFFER_SLACK_MINUTES = 15;

/** The start to suggest alternatives around: the wanted one, moved inside the bookable window. */
export function alternativesAround(profile: Profile, now: DateTime, wanted: DateTime): { around: DateTime; offerNow: DateTime } {
  const { minNoticeMinutes, maxDaysAhead } = profile.booking;
  const offerNow = now.plus({ minutes: OFFER_SLACK_MINUTES });
  const earliest = offerNow.plus({ minutes: minNoticeMinutes });
  const latest = now.plus({ days: maxDaysAhead });
  return { around: wanted < earliest ? earliest : wanted > latest ? latest : wanted, offerNow };
}

/** Whether this turn carries out `proposal`: only a YES to that same proposal does. */
export function isConfirmed(consent: Consent, proposal: PendingAction): boolean {
  return consent.confirmed && samePending(consent.state.pending, proposal);
}

export function bookingProposal(req: { serviceId: string; start: DateTime; name: string }): PendingAction {
  return { action: 'create_booking', serviceId: req.serviceId, start: toLocalIso(req.start), name: req.name };
}

export type Decision<Go> = { kind: 'unavailable'; reason: UnavailableReason } | { kind: 'propose'; pending: PendingAction } | ({ kind: 'go' } & Go);

/** Whether a new booking can be made now, must be proposed first, or cannot be made. */
export function decideCreate(
  input: { profile: Profile; now: DateTime; busy: BusyPeriod[]; consent: Consent },
  req: { serviceId: string; start: DateTime; name: string; durationMinutes: number },
): Decision<{ startAt: Date; endAt: Date }> {
  const verdict = checkSlot(input.profile, req.start, { durationMinutes: req.durationMinutes, now: input.now, busy: input.busy });
  if (!verdict.ok) return { kind: 'unavailable', reason: verdict.reason };
  const pending = bookingProposal(req);
  if (!isConfirmed(input.consent, pending)) return { kind: 'propose', pending };
  return { kind: 'go', startAt: req.start.toJSDate(), endAt: req.start.plus({ minutes: req.durationMinutes }).toJSDate() };
}

/** Whether a booking can be moved to `start` now, must be proposed first, or cannot be. */
export function decideReschedule(
  input: { profile: Profile; now: DateTime; busy: BusyPeriod[]; consent: Consent },
  req: { bookingId: number; start: DateTime; durationMinutes: number },
): Decision<{ startAt: Date; endAt: Date }> {
  const verdict = checkSlot(input.profile, req.start, { durationMinutes: req.durationMinutes, now: input.now, busy: input.busy });
  if (!verdict.ok) return { kind: 'unavailable', reason: verdict.reason };
  const pending: PendingAction = { action: 'reschedule_booking', bookingId: req.bookingId, start: toLocalIso(req.start) };
  if (!isConfirmed(input.consent, pending)) return { kind: 'propose', pending };
  return { kind: 'go', startAt: req.start.toJSDate(), endAt: req.start.plus({ minutes: req.durationMinutes }).toJSDate() };
}

/** A booking's length: its service's, or its own when the service is gone from the profile. */
export function durationOf(profile: Profile, booking: Booking): number {
  return profile.services.find((s) => s.id === booking.serviceId)?.duration ?? Math.round((booking.endAt.getTime() - booking.startAt.getTime()) / 60_000);
}

async function busyNear(desk: BookingDesk, around: DateTime, exclude?: number): Promise<BusyPeriod[]> {
  return desk.bookings.busy(busyWindow(around), exclude);
}

/** Up to 3 free starts near the wanted one, in the bookable window. */
export async function alternatives(desk: BookingDesk, start: DateTime, durationMinutes: number, exclude?: number): Promise<string[]> {
  const { around, offerNow } = alternativesAround(desk.profile, desk.now, start);
  const busy = await busyNear(desk, around, exclude);
  return suggestSlots(desk.profile, around, { durationMinutes, now: offerNow, busy }).map(toLocalIso);
}

/** Whether `start` is free for `durationMinutes`, with alternatives when it is not. */
export async function checkStart(desk: BookingDesk, start: DateTime, durationMinutes: number, exclude?: number): Promise<Availability> {
  const verdict = checkSlot(desk.profile, start, { durationMinutes, now: desk.now, busy: await busyNear(desk, start, exclude) });
  if (verdict.ok) return { available: true, start: toLocalIso(start) };
  return { available: false, reason: verdict.reason, alternatives: await alternatives(desk, start, durationMinutes, exclude) };
}

/** Free starts on a local day. */
export async function freeStarts(desk: BookingDesk, day: DateTime, durationMinutes: number): Promise<string[]> {
  return freeSlotsOn(desk.profile, day, { durationMinutes, now: desk.now, busy: await busyNear(desk, day) }).map(toLocalIso);
}

/** The customer's upcoming confirmed bookings, soonest first. */
export async function upcoming(desk: BookingDesk): Promise<Booking[]> {
  return desk.bookings.upcomingFor(desk.sender, desk.now.toJSDate());
}

async function ownUpcoming(desk: BookingDesk, bookingId: number): Promise<Booking | undefined> {
  return (await upcoming(desk)).find((b) => b.id === bookingId);
}

const NO_SUCH_BOOKING: NotFound = { status: 'error', error: 'no such upcoming booking for this customer' };

async function unavailable(desk: BookingDesk, reason: UnavailableReason, start: DateTime, duration: number, exclude?: number): Promise<Unavailable> {
  return { status: 'unavailable', reason, alternatives: await alternatives(desk, start, duration, exclude) };
}

/** Proposes a booking, or makes it when this turn confirms that proposal. */
export async function requestBooking(desk: BookingDesk, consent: Consent, req: { serviceId: string; start: DateTime; name: string }): Promise<Outcome<CreateResult>> {
  const service = desk.profile.services.find((s) => s.id === req.serviceId);
  if (!service) return { result: { status: 'error', error: `unknown service "${req.serviceId}"` }, change: {} };
  const { profile, now } = desk;
  const ask = { ...req, durationMinutes: service.duration };
  if (!isConfirmed(consent, bookingProposal(req))) {
    const decision = decideCreate({ profile, now, busy: await busyNear(desk, req.start), consent }, ask);
    if (decision.kind === 'unavailable') return { result: await unavailable(desk, decision.reason, req.start, service.duration), change: { pending: null } };
    return { result: { status: 'needs_confirmation', serviceId: req.serviceId, start: toLocalIso(req.start), name: req.name }, change: { pending: bookingProposal(req) } };
  }
  const made = await desk.bookings.write(async (tx) => {
    // A retried message (crash after this commit, before the turn was recorded) finds its booking,
    // instead of making a second one or calling its own booking's slot taken.
    const same = await tx.findSame(desk.sender, req.serviceId, req.start.toJSDate());
    if (same) return same;
    // The last-slot race is settled here: availability is decided again inside the write transaction.
    const again = decideCreate({ profile, now, busy: await tx.busy(busyWindow(req.start)), consent }, ask);
    if (again.kind !== 'go') return again.kind === 'unavailable' ? again.reason : 'full';
    const at = new Date();
    return tx.insert({ serviceId: req.serviceId, sender: desk.sender, customerName: req.name, startAt: again.startAt, endAt: again.endAt, status: 'confirmed', createdAt: at, updatedAt: at });
  });
  if (typeof made === 'string') return { result: await unavailable(desk, made, req.start, service.duration), change: { pending: null } };
  return { result: { status: 'booked', ...summarize(made, zoneOf(profile)) }, change: { pending: null, customerName: req.name } };
}

/** Proposes moving one of the customer's bookings, or moves it when this turn confirms that proposal. */
export async function requestReschedule(desk: BookingDesk, consent: Consent, req: { bookingId: number; start: DateTime }): Promise<Outcome<RescheduleResult>> {
  const booking = await ownUpcoming(desk, req.bookingId);
  if (!booking) return { result: NO_SUCH_BOOKING, change: {} };
  const { profile, now } = desk;
  const ask = { ...req, durationMinutes: durationOf(profile, booking) };
  const from = summarize(booking, zoneOf(profile)).start;
  const decision = decideReschedule({ profile, now, busy: await busyNear(desk, req.start, req.bookingId), consent }, ask);
  if (decision.kind === 'unavailable') return { result: await unavailable(desk, decision.reason, req.start, ask.durationMinutes, req.bookingId), change: { pending: null } };
  if (decision.kind === 'propose') return { result: { status: 'needs_confirmation', bookingId: req.bookingId, from, start: toLocalIso(req.start) }, change: { pending: decision.pending } };
  const moved = await desk.bookings.write(async (tx) => {
    const again = decideReschedule({ profile, now, busy: await tx.busy(busyWindow(req.start), req.bookingId), consent }, ask);
    return again.kind === 'go' && tx.move(req.bookingId, desk.sender, again.startAt, again.endAt, new Date());
  });
  if (!moved) return { result: await unavailable(desk, 'full', req.start, ask.durationMinutes, req.bookingId), change: { pending: null } };
  return { result: { status: 'rescheduled', bookingId: req.bookingId, from, start: toLocalIso(req.start) }, change: { pending: null } };
}

/** Proposes cancelling one of the customer's bookings, or cancels it when this turn confirms that proposal. */
export async function requestCancel(desk: BookingDesk, consent: Consent, req: { bookingId: number }): Promise<Outcome<CancelResult>> {
  const booking = await ownUpcoming(desk, req.bookingId);
  if (!booking) return { result: NO_SUCH_BOOKING, change: {} };
  const summary = summarize(booking, zoneOf(desk.profile));
  const pending: PendingAction = { action: 'cancel_booking', bookingId: req.bookingId };
  if (!isConfirmed(consent, pending)) return { result: { status: 'needs_confirmation', ...summary }, change: { pending } };
  await desk.bookings.write((tx) => tx.cancel(req.bookingId, desk.sender, new Date()));
  return { result: { status: 'cancelled', ...summary }, change: { pending: null } };
}
