import { DateTime } from 'luxon';
import { z } from 'zod';
import { profileToInput } from '../../core/profile.js';
import {
  checkStart, freeStarts, requestBooking, requestCancel, requestReschedule, summarize, toLocalIso, upcoming, type BookingDesk, type Outcome,
} from '../domain/bookings.js';
import { exceptionFor, nextOpening, openIntervalAt } from '../domain/calendar.js';
import { applyChange, type ConversationState } from '../domain/state.js';
import { zoneOf } from '../domain/zone.js';
import { matchersFor } from './matchers.js';

/**
 * The receptionist's tools, offered to the LLM as JSON Schema: a thin zod adapter over the
 * domain (brain/domain), which enforces the booking rules and the customer's confirmation. The
 * tenant and the customer come from the request (ToolContext), never from a tool's arguments.
 */

/** One turn as the domain sees it: the customer, the clock, the repositories, and the state so far. */
export interface ToolContext extends BookingDesk {
  tenantName: string;
  /** The conversation's state as this turn left it so far: replaced by each change, never altered in place. */
  state: ConversationState;
  /** Set by the chat service: this turn's message is a YES to `state.pending` as it stood before the turn. */
  confirmed: boolean;
  actions: Action[];
  /** Creates (or reuses) the pending escalation for this customer; provided by the chat service. */
  escalate(summary: string): Promise<number>;
}

export interface Action {
  tool: ToolName;
  status: string;
  [detail: string]: unknown;
}

export type ToolName =
  | 'get_business_profile' | 'get_opening_hours' | 'search_services' | 'search_faq' | 'check_availability'
  | 'create_booking' | 'list_my_bookings' | 'reschedule_booking' | 'cancel_booking' | 'escalate_to_human';

/** Takes an operation's state change into the turn, and records in ctx.actions what it did. */
export function settle<R extends object>(ctx: ToolContext, tool: ToolName, outcome: Outcome<R>): R {
  ctx.state = applyChange(ctx.state, outcome.change);
  const { status } = outcome.result as { status?: unknown };
  if (typeof status === 'string') ctx.actions.push({ tool, ...outcome.result, status });
  return outcome.result;
}

async function escalation(ctx: ToolContext, summary: string): Promise<Outcome<{ status: 'escalated'; escalationId: number }>> {
  return { result: { status: 'escalated', escalationId: await ctx.escalate(summary) }, change: {} };
}

/** Hands the conversation to a person and records it. */
export async function escalateToHuman(ctx: ToolContext, summary: string): Promise<void> {
  settle(ctx, 'escalate_to_human', await escalation(ctx, summary));
}

const LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;
// The model reads the format from the description (shorter than the pattern, which only the server checks).
const localDateTime = z.string().regex(LOCAL, 'expected a local date-time like 2026-03-20T15:00').describe('YYYY-MM-DDTHH:mm');
const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date like 2026-03-20').describe('YYYY-MM-DD');

function parseLocal(ctx: ToolContext, iso: string): DateTime {
  return DateTime.fromISO(iso, { zone: zoneOf(ctx.profile) });
}

/** A result that changes nothing in the conversation. */
function read<R extends object>(result: R): Outcome<R> {
  return { result, change: {} };
}

interface ToolDef<S extends z.ZodType = z.ZodType> {
  name: ToolName;
  description: string;
  input: S;
  run(ctx: ToolContext, args: z.output<S>): Promise<Outcome<object>>;
}

const tool = <S extends z.ZodType>(def: ToolDef<S>): ToolDef => def as unknown as ToolDef;

export const TOOLS: ToolDef[] = [
  tool({
    name: 'get_business_profile',
    description: 'Business name, address, phone, map link.',
    input: z.object({}),
    async run(ctx) {
      const p = ctx.profile;
      return read({ name: p.name, address: p.address ?? null, phone: p.phone ?? null, mapUrl: p.mapUrl ?? null, language: p.language, timezone: p.timezone });
    },
  }),
  tool({
    name: 'get_opening_hours',
    description: 'Open now?, next opening, weekly hours, holidays and special hours for 30 days; with date: that day too.',
    input: z.object({ date: localDate.optional() }),
    async run(ctx, { date }) {
      const p = ctx.profile;
      const open = openIntervalAt(p, ctx.now);
      const next = open ? undefined : nextOpening(p, ctx.now);
      const horizon = ctx.now.plus({ days: 30 }).toISODate()!;
      const today = ctx.now.toISODate()!;
      const day = date ? DateTime.fromISO(date, { zone: zoneOf(p) }) : undefined;
      return read({
        openNow: Boolean(open),
        openUntil: open ? toLocalIso(open.end) : null,
        nextOpening: next ? toLocalIso(next) : null,
        weekly: profileToInput(p).hours,
        exceptions: p.exceptions.filter((e) => e.date >= today && e.date <= horizon).map((e) => ({ date: e.date, closed: e.closed ?? false, note: e.note ?? null })),
        ...(day?.isValid ? { date, exception: exceptionFor(p, day) ?? null } : {}),
      });
    },
  }),
  tool({
    name: 'search_services',
    description: 'Services matching a query (empty: all), with minutes and price.',
    input: z.object({ query: z.string().max(200).default('') }),
    async run(ctx, { query }) {
      const found = query.trim() ? matchersFor(ctx.profile).services.find(query) : ctx.profile.services;
      return read({ services: found.map((s) => ({ id: s.id, name: s.name, durationMinutes: s.duration, price: s.price ?? null, currency: s.currency ?? null, description: s.description ?? null })) });
    },
  }),
  tool({
    name: 'search_faq',
    description: "The business's answer to a common question, if any.",
    input: z.object({ query: z.string().min(1).max(500) }),
    async run(ctx, { query }) {
      const faq = matchersFor(ctx.profile).faqs.best(query);
      return read(faq ? { question: faq.question, answer: faq.answer } : { answer: null });
    },
  }),
  tool({
    name: 'check_availability',
    description: 'Free starts for a service on a local date; with time: whether that start is free, else up to 3 others.',
    input: z.object({ serviceId: z.string(), date: localDate, time: z.string().regex(/^\d{2}:\d{2}$/, 'expected a time like 15:00').describe('HH:mm').optional() }),
    async run(ctx, { serviceId, date, time }) {
      const service = ctx.profile.services.find((s) => s.id === serviceId);
      if (!service) return read({ error: `unknown service "${serviceId}"`, services: ctx.profile.services.map((s) => s.id) });
      const day = DateTime.fromISO(date, { zone: zoneOf(ctx.profile) });
      if (!day.isValid) return read({ error: `invalid date ${date}` });
      if (time) return read(await checkStart(ctx, parseLocal(ctx, `${date}T${time}`), service.duration));
      return read({ date, slots: await freeStarts(ctx, day, service.duration) });
    },
  }),
  tool({
    name: 'create_booking',
    description: "Proposes a booking; the server asks for the customer's YES and books on it.",
    input: z.object({ serviceId: z.string(), start: localDateTime, name: z.string().min(1).max(80) }),
    run: (ctx, { serviceId, start, name }) => requestBooking(ctx, ctx, { serviceId, start: parseLocal(ctx, start), name }),
  }),
  tool({
    name: 'list_my_bookings',
    description: "The customer's upcoming bookings.",
    input: z.object({}),
    async run(ctx) {
      return read({ bookings: (await upcoming(ctx)).map((b) => summarize(b, zoneOf(ctx.profile))) });
    },
  }),
  tool({
    name: 'reschedule_booking',
    description: "Proposes moving a booking; the server moves it on the customer's YES.",
    input: z.object({ bookingId: z.number().int().positive(), start: localDateTime }),
    run: (ctx, { bookingId, start }) => requestReschedule(ctx, ctx, { bookingId, start: parseLocal(ctx, start) }),
  }),
  tool({
    name: 'cancel_booking',
    description: "Proposes cancelling a booking; the server cancels it on the customer's YES.",
    input: z.object({ bookingId: z.number().int().positive() }),
    run: (ctx, { bookingId }) => requestCancel(ctx, ctx, { bookingId }),
  }),
  tool({
    name: 'escalate_to_human',
    description: 'Hands the chat to a person, with a one-line summary; the bot then stays silent.',
    input: z.object({ summary: z.string().min(1).max(500) }),
    run: (ctx, { summary }) => escalation(ctx, summary),
  }),
];

const byName = new Map<string, ToolDef>(TOOLS.map((t) => [t.name, t]));

export class ToolError extends Error {}

/** Validates the model's arguments and runs a tool: its state change is taken into the turn and its outcome recorded. */
export async function callTool(ctx: ToolContext, name: string, args: unknown): Promise<Record<string, unknown>> {
  const def = byName.get(name);
  if (!def) throw new ToolError(`unknown tool "${name}"`);
  const parsed = def.input.safeParse(args ?? {});
  if (!parsed.success) throw new ToolError(`invalid arguments for ${name}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'args'}: ${i.message}`).join('; ')}`);
  return settle(ctx, def.name, await def.run(ctx, parsed.data)) as Record<string, unknown>;
}

/**
 * Bounds the model never needs to see: callTool checks them and the model reads any breach as a
 * tool error. Each call resends every schema, so they are left out; formats are in descriptions.
 */
const SERVER_CHECKED = new Set(['$schema', 'pattern', 'minLength', 'maxLength', 'exclusiveMinimum', 'minimum', 'maximum', 'default', 'additionalProperties']);

function terse(schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return schema;
  return Object.fromEntries(Object.entries(schema).filter(([k]) => !SERVER_CHECKED.has(k)).map(([k, v]) => [k, k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, terse(s)])) : terse(v)]));
}

/** The registry as JSON Schema, for both LLM wire formats. */
export function toolSchemas(): { name: string; description: string; parameters: Record<string, unknown> }[] {
  return TOOLS.map((t) => ({ name: t.name, description: t.description, parameters: terse(z.toJSONSchema(t.input, { io: 'input' })) as Record<string, unknown> }));
}
