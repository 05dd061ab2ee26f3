import { DateTime, type Zone } from 'luxon';
import { z } from 'zod';
import { profileToInput, type Profile } from '../../core/profile.js';
import type { BookingRow } from '../db/models.js';
import type { TenantDb } from '../db/tenant-db.js';
import { busyNear, upcomingFor } from './bookings.js';
import { checkSlot, exceptionFor, freeSlotsOn, nextOpening, openIntervalAt, suggestSlots, type SlotVerdict } from './calendar.js';
import { matchersFor } from './matchers.js';
import { samePending, type ConversationState, type PendingAction } from './state.js';
import { zoneOf } from './zone.js';

/**
 * The receptionist's tools: one registry, used by the rule engine directly and offered to the LLM
 * as JSON Schema. The tenant and the customer come from the request (ToolContext), never from a
 * tool's arguments. The three tools that change bookings only act on the customer's YES: the first
 * call records the change as pending and asks for confirmation; only a call on the next turn,
 * whose message the server itself recognised as a YES to that same change, carries it out.
 */

export interface ToolContext {
  db: TenantDb;
  profile: Profile;
  tenantName: string;
  sender: string;
  now: DateTime;
  state: ConversationState;
  /** Set by the chat service: this turn's message is a YES to `state.pending` as it stood before the turn. */
  confirmed: boolean;
  actions: Action[];
  /** Creates (or reuses) the pending escalation for this customer; provided by the chat service. */
  escalate(summary: string): Promise<number>;
}

export interface Action {
  tool: string;
  status: string;
  [detail: string]: unknown;
}

const LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;
const localDateTime = z.string().regex(LOCAL, 'expected a local date-time like 2026-03-20T15:00');
const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date like 2026-03-20');

export function toLocalIso(t: DateTime): string {
  return t.toFormat("yyyy-MM-dd'T'HH:mm");
}

function parseLocal(ctx: ToolContext, iso: string): DateTime {
  return DateTime.fromISO(iso, { zone: zoneOf(ctx.profile) });
}

function serviceById(ctx: ToolContext, id: string) {
  return ctx.profile.services.find((s) => s.id === id);
}

export function describeBooking(b: BookingRow, zone: Zone) {
  return { bookingId: b.id, serviceId: b.serviceId, start: toLocalIso(DateTime.fromJSDate(b.startAt, { zone })), name: b.customerName };
}

/** Records `pending` and reports that the customer must confirm, unless this turn is that confirmation. */
function gate(ctx: ToolContext, pending: PendingAction): boolean {
  if (ctx.confirmed && samePending(ctx.state.pending, pending)) return true;
  ctx.state.pending = pending;
  return false;
}

/** A quarter of an hour of slack, so a slot offered now is still bookable when the customer picks it. */
const OFFER_SLACK_MINUTES = 15;

/** Up to 3 free starts near the wanted one, moved inside the bookable window (notice, days ahead) first. */
async function alternatives(ctx: ToolContext, start: DateTime, duration: number, exclude?: number): Promise<string[]> {
  const { minNoticeMinutes, maxDaysAhead } = ctx.profile.booking;
  const now = ctx.now.plus({ minutes: OFFER_SLACK_MINUTES });
  const earliest = now.plus({ minutes: minNoticeMinutes });
  const latest = ctx.now.plus({ days: maxDaysAhead });
  const wanted = start < earliest ? earliest : start > latest ? latest : start;
  const busy = await busyNear(ctx.db, wanted, { exclude });
  return suggestSlots(ctx.profile, wanted, { durationMinutes: duration, now, busy }).map(toLocalIso);
}

async function verdictFor(ctx: ToolContext, start: DateTime, duration: number, exclude?: number): Promise<SlotVerdict> {
  return checkSlot(ctx.profile, start, { durationMinutes: duration, now: ctx.now, busy: await busyNear(ctx.db, start, { exclude }) });
}

async function ownUpcoming(ctx: ToolContext, bookingId: number): Promise<BookingRow | undefined> {
  return (await upcomingFor(ctx.db, ctx.sender, ctx.now)).find((b) => b.id === bookingId);
}

interface ToolDef<S extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  input: S;
  run(ctx: ToolContext, args: z.output<S>): Promise<Record<string, unknown>>;
}

const tool = <S extends z.ZodType>(def: ToolDef<S>): ToolDef => def as unknown as ToolDef;

export const TOOLS: ToolDef[] = [
  tool({
    name: 'get_business_profile',
    description: "The business's name, address, phone, map link and language.",
    input: z.object({}),
    async run(ctx) {
      const p = ctx.profile;
      return { name: p.name, address: p.address ?? null, phone: p.phone ?? null, mapUrl: p.mapUrl ?? null, language: p.language, timezone: p.timezone };
    },
  }),
  tool({
    name: 'get_opening_hours',
    description: 'Whether the business is open now, when it next opens, the weekly hours, and exceptions (holidays, special hours) in the next 30 days.',
    input: z.object({ date: localDate.optional().describe('a local date to report hours for') }),
    async run(ctx, { date }) {
      const p = ctx.profile;
      const open = openIntervalAt(p, ctx.now);
      const next = open ? undefined : nextOpening(p, ctx.now);
      const horizon = ctx.now.plus({ days: 30 }).toISODate()!;
      const today = ctx.now.toISODate()!;
      const day = date ? DateTime.fromISO(date, { zone: zoneOf(p) }) : undefined;
      return {
        openNow: Boolean(open),
        openUntil: open ? toLocalIso(open.end) : null,
        nextOpening: next ? toLocalIso(next) : null,
        weekly: profileToInput(p).hours,
        exceptions: p.exceptions.filter((e) => e.date >= today && e.date <= horizon).map((e) => ({ date: e.date, closed: e.closed ?? false, note: e.note ?? null })),
        ...(day?.isValid ? { date, exception: exceptionFor(p, day) ?? null } : {}),
      };
    },
  }),
  tool({
    name: 'search_services',
    description: 'Services matching a query (fuzzy on names and aliases), with duration in minutes and price. An empty query lists them all.',
    input: z.object({ query: z.string().max(200).default('') }),
    async run(ctx, { query }) {
      const found = query.trim() ? matchersFor(ctx.profile).services.find(query) : ctx.profile.services;
      return { services: found.map((s) => ({ id: s.id, name: s.name, durationMinutes: s.duration, price: s.price ?? null, currency: s.currency ?? null, description: s.description ?? null })) };
    },
  }),
  tool({
    name: 'search_faq',
    description: "The business's own answer to a frequently asked question, if it has one.",
    input: z.object({ query: z.string().min(1).max(500) }),
    async run(ctx, { query }) {
      const faq = matchersFor(ctx.profile).faqs.best(query);
      return faq ? { question: faq.question, answer: faq.answer } : { answer: null };
    },
  }),
  tool({
    name: 'check_availability',
    description: 'Free start times for a service on a local date; with a time, whether that exact start is free (and up to 3 alternatives when not).',
    input: z.object({ serviceId: z.string(), date: localDate, time: z.string().regex(/^\d{2}:\d{2}$/).optional() }),
    async run(ctx, { serviceId, date, time }) {
      const service = serviceById(ctx, serviceId);
      if (!service) return { error: `unknown service "${serviceId}"`, services: ctx.profile.services.map((s) => s.id) };
      const day = DateTime.fromISO(date, { zone: zoneOf(ctx.profile) });
      if (!day.isValid) return { error: `invalid date ${date}` };
      if (time) {
        const start = parseLocal(ctx, `${date}T${time}`);
        const verdict = await verdictFor(ctx, start, service.duration);
        return verdict.ok ? { available: true, start: toLocalIso(start) } : { available: false, reason: verdict.reason, alternatives: await alternatives(ctx, start, service.duration) };
      }
      const busy = await busyNear(ctx.db, day);
      return { date, slots: freeSlotsOn(ctx.profile, day, { durationMinutes: service.duration, now: ctx.now, busy }).map(toLocalIso) };
    },
  }),
  tool({
    name: 'create_booking',
    description: 'Proposes booking a service for the customer: answers needs_confirmation; ask the customer to reply YES. The server books it on their YES.',
    input: z.object({ serviceId: z.string(), start: localDateTime, name: z.string().min(1).max(80) }),
    async run(ctx, { serviceId, start: startIso, name }) {
      const service = serviceById(ctx, serviceId);
      if (!service) return { status: 'error', error: `unknown service "${serviceId}"` };
      const start = parseLocal(ctx, startIso);
      const pre = await verdictFor(ctx, start, service.duration);
      if (!pre.ok) {
        ctx.state.pending = undefined;
        return { status: 'unavailable', reason: pre.reason, alternatives: await alternatives(ctx, start, service.duration) };
      }
      if (!gate(ctx, { action: 'create_booking', serviceId, start: toLocalIso(start), name })) {
        return { status: 'needs_confirmation', serviceId, start: toLocalIso(start), name };
      }
      ctx.state.pending = undefined;
      const end = start.plus({ minutes: service.duration });
      const outcome = await ctx.db.write(async (transaction) => {
        const { Booking } = ctx.db.models;
        // A retried message (crash after this commit) finds its booking instead of making a second one.
        const same = await Booking.findOne({ where: { sender: ctx.sender, serviceId, startAt: start.toJSDate(), status: 'confirmed' }, transaction });
        if (same) return { booking: same.get({ plain: true }) as BookingRow, reason: undefined };
        // The last-slot race is settled here: availability is checked again inside the write transaction.
        const busy = await busyNear(ctx.db, start, { transaction });
        const verdict = checkSlot(ctx.profile, start, { durationMinutes: service.duration, now: ctx.now, busy });
        if (!verdict.ok) return { booking: undefined, reason: verdict.reason };
        const now = new Date();
        const row = await Booking.create(
          { serviceId, sender: ctx.sender, customerName: name, startAt: start.toJSDate(), endAt: end.toJSDate(), status: 'confirmed', createdAt: now, updatedAt: now },
          { transaction },
        );
        return { booking: row.get({ plain: true }) as BookingRow, reason: undefined };
      });
      if (!outcome.booking) return { status: 'unavailable', reason: outcome.reason, alternatives: await alternatives(ctx, start, service.duration) };
      ctx.state.customerName = name;
      return { status: 'booked', ...describeBooking(outcome.booking, zoneOf(ctx.profile)) };
    },
  }),
  tool({
    name: 'list_my_bookings',
    description: "The customer's upcoming bookings.",
    input: z.object({}),
    async run(ctx) {
      return { bookings: (await upcomingFor(ctx.db, ctx.sender, ctx.now)).map((b) => describeBooking(b, zoneOf(ctx.profile))) };
    },
  }),
  tool({
    name: 'reschedule_booking',
    description: "Proposes moving one of the customer's bookings to a new start; the server moves it on the customer's YES.",
    input: z.object({ bookingId: z.number().int().positive(), start: localDateTime }),
    async run(ctx, { bookingId, start: startIso }) {
      const booking = await ownUpcoming(ctx, bookingId);
      if (!booking) return { status: 'error', error: 'no such upcoming booking for this customer' };
      const service = serviceById(ctx, booking.serviceId);
      const duration = service?.duration ?? Math.round((booking.endAt.getTime() - booking.startAt.getTime()) / 60_000);
      const start = parseLocal(ctx, startIso);
      const pre = await verdictFor(ctx, start, duration, bookingId);
      if (!pre.ok) {
        ctx.state.pending = undefined;
        return { status: 'unavailable', reason: pre.reason, alternatives: await alternatives(ctx, start, duration, bookingId) };
      }
      if (!gate(ctx, { action: 'reschedule_booking', bookingId, start: toLocalIso(start) })) {
        return { status: 'needs_confirmation', bookingId, from: describeBooking(booking, zoneOf(ctx.profile)).start, start: toLocalIso(start) };
      }
      ctx.state.pending = undefined;
      const moved = await ctx.db.write(async (transaction) => {
        const busy = await busyNear(ctx.db, start, { exclude: bookingId, transaction });
        const verdict = checkSlot(ctx.profile, start, { durationMinutes: duration, now: ctx.now, busy });
        if (!verdict.ok) return false;
        const [count] = await ctx.db.models.Booking.update(
          { startAt: start.toJSDate(), endAt: start.plus({ minutes: duration }).toJSDate(), updatedAt: new Date() },
          { where: { id: bookingId, sender: ctx.sender, status: 'confirmed' }, transaction },
        );
        return count === 1;
      });
      if (!moved) return { status: 'unavailable', reason: 'full', alternatives: await alternatives(ctx, start, duration, bookingId) };
      return { status: 'rescheduled', bookingId, from: describeBooking(booking, zoneOf(ctx.profile)).start, start: toLocalIso(start) };
    },
  }),
  tool({
    name: 'cancel_booking',
    description: "Proposes cancelling one of the customer's bookings; the server cancels it on the customer's YES.",
    input: z.object({ bookingId: z.number().int().positive() }),
    async run(ctx, { bookingId }) {
      const booking = await ownUpcoming(ctx, bookingId);
      if (!booking) return { status: 'error', error: 'no such upcoming booking for this customer' };
      if (!gate(ctx, { action: 'cancel_booking', bookingId })) return { status: 'needs_confirmation', ...describeBooking(booking, zoneOf(ctx.profile)) };
      ctx.state.pending = undefined;
      await ctx.db.write((transaction) =>
        ctx.db.models.Booking.update({ status: 'cancelled', updatedAt: new Date() }, { where: { id: bookingId, sender: ctx.sender }, transaction }),
      );
      return { status: 'cancelled', ...describeBooking(booking, zoneOf(ctx.profile)) };
    },
  }),
  tool({
    name: 'escalate_to_human',
    description: 'Hands the conversation to a person at the business, with a one-line summary of what the customer needs. The bot then stays silent in this chat.',
    input: z.object({ summary: z.string().min(1).max(500) }),
    async run(ctx, { summary }) {
      return { status: 'escalated', escalationId: await ctx.escalate(summary) };
    },
  }),
];

const byName = new Map(TOOLS.map((t) => [t.name, t]));

export class ToolError extends Error {}

/** Validates arguments and runs a tool, recording the outcome in ctx.actions. */
export async function callTool(ctx: ToolContext, name: string, args: unknown): Promise<Record<string, unknown>> {
  const def = byName.get(name);
  if (!def) throw new ToolError(`unknown tool "${name}"`);
  const parsed = def.input.safeParse(args ?? {});
  if (!parsed.success) throw new ToolError(`invalid arguments for ${name}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'args'}: ${i.message}`).join('; ')}`);
  const result = await def.run(ctx, parsed.data);
  if (typeof result.status === 'string') ctx.actions.push({ tool: name, ...result, status: result.status });
  return result;
}

/** The registry as JSON Schema, for both LLM wire formats. */
export function toolSchemas(): { name: string; description: string; parameters: Record<string, unknown> }[] {
  return TOOLS.map((t) => {
    const { $schema: _drop, ...parameters } = z.toJSONSchema(t.input, { io: 'input' }) as Record<string, unknown>;
    return { name: t.name, description: t.description, parameters };
  });
}
