import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parseProfileYaml } from '../../core/profile.js';
import { alternativesAround, decideCreate, decideReschedule, durationOf, summarize, type Booking } from '../../brain/domain/bookings.js';
import { afterEngine, gate, humanModeUntil, lastActivity, resume, UNHANDLED_LIMIT, type Conversation } from '../../brain/domain/conversations.js';
import { escalationNotice, followUpNotice, noticeMoves } from '../../brain/domain/escalations.js';
import { profileTables } from '../../brain/domain/profile.js';
import { applyChange, initialState, type ConversationState, type PendingAction } from '../../brain/domain/state.js';

/** The domain's rules as pure functions: no database, no server. */

const profile = parseProfileYaml(`
name: Clinic
timezone: Europe/Madrid
hours:
  mon: ["09:00-14:00"]
  tue: ["09:00-14:00"]
exceptions:
  - { date: 2026-03-24, closed: true, note: holiday }
  - { date: 2026-03-31, hours: ["10:00-12:00"] }
services:
  - { id: checkup, name: Check-up, duration: 30 }
booking: { slotMinutes: 30, capacityPerSlot: 1, minNoticeMinutes: 60, maxDaysAhead: 30, bufferMinutes: 0 }
escalation:
  contacts:
    - { name: Ana, phone: "+34600111222" }
`);
const zone = 'Europe/Madrid';
const at = (iso: string) => DateTime.fromISO(iso, { zone });
/** Monday 16 March 2026, 10:00 in Madrid. */
const now = at('2026-03-16T10:00');
const slot = at('2026-03-16T12:00');
const book = { serviceId: 'checkup', start: slot, name: 'Eve', durationMinutes: 30 };
const proposal: PendingAction = { action: 'create_booking', serviceId: 'checkup', start: '2026-03-16T12:00', name: 'Eve' };

describe('booking decisions', () => {
  it('propose first, and go only on a YES to that same proposal', () => {
    const fresh = decideCreate({ profile, now, busy: [], consent: { state: {}, confirmed: false } }, book);
    expect(fresh).toEqual({ kind: 'propose', pending: proposal });
    // A YES with nothing proposed, or to another proposal, only proposes this one.
    expect(decideCreate({ profile, now, busy: [], consent: { state: {}, confirmed: true } }, book).kind).toBe('propose');
    const other = { ...proposal, start: '2026-03-16T12:30' };
    expect(decideCreate({ profile, now, busy: [], consent: { state: { pending: other }, confirmed: true } }, book)).toEqual({ kind: 'propose', pending: proposal });
    // The same proposal without a YES stays a proposal.
    expect(decideCreate({ profile, now, busy: [], consent: { state: { pending: proposal }, confirmed: false } }, book).kind).toBe('propose');
    expect(decideCreate({ profile, now, busy: [], consent: { state: { pending: proposal }, confirmed: true } }, book)).toEqual({
      kind: 'go', startAt: slot.toJSDate(), endAt: slot.plus({ minutes: 30 }).toJSDate(),
    });
  });

  it('refuse a taken, too-soon, too-far or closed start whatever the consent', () => {
    const yes = { state: { pending: proposal }, confirmed: true };
    const taken = [{ startAt: slot.toJSDate(), endAt: slot.plus({ minutes: 30 }).toJSDate() }];
    expect(decideCreate({ profile, now, busy: taken, consent: yes }, book)).toEqual({ kind: 'unavailable', reason: 'full' });
    expect(decideCreate({ profile, now, busy: [], consent: yes }, { ...book, start: at('2026-03-16T10:30') })).toEqual({ kind: 'unavailable', reason: 'too_soon' });
    expect(decideCreate({ profile, now, busy: [], consent: yes }, { ...book, start: at('2026-05-04T10:00') })).toEqual({ kind: 'unavailable', reason: 'too_far' });
    expect(decideCreate({ profile, now, busy: [], consent: yes }, { ...book, start: at('2026-03-24T10:00') }).kind).toBe('unavailable');
  });

  it('reschedule by the same rules, proposing the move first', () => {
    const move = { bookingId: 7, start: slot, durationMinutes: 30 };
    const pending: PendingAction = { action: 'reschedule_booking', bookingId: 7, start: '2026-03-16T12:00' };
    expect(decideReschedule({ profile, now, busy: [], consent: { state: {}, confirmed: false } }, move)).toEqual({ kind: 'propose', pending });
    expect(decideReschedule({ profile, now, busy: [], consent: { state: { pending }, confirmed: true } }, move).kind).toBe('go');
    expect(decideReschedule({ profile, now, busy: [], consent: { state: { pending }, confirmed: true } }, { ...move, bookingId: 8 }).kind).toBe('propose');
  });

  it('move a wanted start outside the bookable window inside it before suggesting around it', () => {
    expect(alternativesAround(profile, now, at('2026-03-16T09:00')).around.toISO()).toBe(at('2026-03-16T11:15').toISO());
    expect(alternativesAround(profile, now, at('2026-06-01T10:00')).around.toISO()).toBe(now.plus({ days: 30 }).toISO());
    expect(alternativesAround(profile, now, slot).around).toBe(slot);
  });

  it('tell a booking in local time, and know its length when its service is gone', () => {
    const b: Booking = {
      id: 3, serviceId: 'gone', sender: '+34600000001', customerName: 'Eve', startAt: new Date('2026-03-16T11:00:00Z'), endAt: new Date('2026-03-16T11:45:00Z'),
      status: 'confirmed', createdAt: new Date(), updatedAt: new Date(),
    };
    expect(summarize(b, DateTime.now().setZone(zone).zone)).toEqual({ bookingId: 3, serviceId: 'gone', start: '2026-03-16T12:00', name: 'Eve' });
    expect(durationOf(profile, b)).toBe(45);
    expect(durationOf(profile, { ...b, serviceId: 'checkup' })).toBe(30);
  });
});

describe('conversation state', () => {
  it('changes by returning a new state, never altering the one it was given', () => {
    const before: ConversationState = { unhandled: 1, pending: proposal };
    const frozen = structuredClone(before);
    const cleared = applyChange(before, { pending: null, customerName: 'Eve' });
    expect(cleared).toEqual({ unhandled: 1, pending: undefined, customerName: 'Eve' });
    expect(applyChange(before, {})).toEqual(before);
    expect(applyChange(before, {})).not.toBe(before);
    expect(before).toEqual(frozen);
  });
});

describe('conversation turns', () => {
  const conversation = (over: Partial<Conversation> = {}): Conversation => ({
    id: 1, sender: '+34600000001', senderName: null, language: 'en', state: { unhandled: 0, flow: { kind: 'book', serviceId: 'checkup' } },
    optedOut: false, handoffUntil: null, timestamp: new Date('2026-03-16T09:00:00Z'), createdAt: new Date('2026-03-16T09:00:00Z'), ...over,
  });

  it('forget a half-finished booking after two hours of silence, and start a new session after four', () => {
    const soon = resume(conversation(), false, new Date('2026-03-16T10:30:00Z'));
    expect(soon.state.flow).toEqual({ kind: 'book', serviceId: 'checkup' });
    expect(soon.firstInSession).toBe(false);
    const later = resume(conversation(), false, new Date('2026-03-16T11:30:00Z'));
    expect(later.state.flow).toBeUndefined();
    expect(later.firstInSession).toBe(false);
    expect(resume(conversation(), false, new Date('2026-03-16T13:30:00Z')).firstInSession).toBe(true);
    expect(resume(conversation(), true, new Date('2026-03-16T09:01:00Z')).firstInSession).toBe(true);
    // A state stored by an older version gains the fields it lacks.
    expect(resume(conversation({ state: {} as ConversationState }), false, new Date('2026-03-16T09:01:00Z')).state).toEqual(initialState());
  });

  it('end human mode when its time is up', () => {
    const until = new Date('2026-03-16T12:00:00Z');
    expect(resume(conversation({ handoffUntil: until }), false, new Date('2026-03-16T11:59:00Z')).handoffUntil).toEqual(until);
    expect(resume(conversation({ handoffUntil: until }), false, new Date('2026-03-16T12:00:00Z')).handoffUntil).toBeNull();
    expect(humanModeUntil(new Date('2026-03-16T00:00:00Z'))).toEqual(new Date('2026-03-16T12:00:00Z'));
  });

  it('let the opt-out rules and a person answer before the engine', () => {
    const none = { optOut: false, optIn: false };
    expect(gate({ optedOut: false, handoffUntil: null, handoffRequested: false }, none)).toEqual({ kind: 'engine' });
    expect(gate({ optedOut: false, handoffUntil: null, handoffRequested: false }, { optOut: true, optIn: false })).toEqual({ kind: 'opt_out', announce: true });
    expect(gate({ optedOut: true, handoffUntil: null, handoffRequested: false }, { optOut: true, optIn: false })).toEqual({ kind: 'opt_out', announce: false });
    expect(gate({ optedOut: true, handoffUntil: null, handoffRequested: false }, none)).toEqual({ kind: 'silent' });
    expect(gate({ optedOut: true, handoffUntil: null, handoffRequested: false }, { optOut: false, optIn: true })).toEqual({ kind: 'opt_in' });
    expect(gate({ optedOut: false, handoffUntil: new Date(), handoffRequested: false }, none)).toEqual({ kind: 'silent' });
    expect(gate({ optedOut: false, handoffUntil: null, handoffRequested: true }, none)).toEqual({ kind: 'silent' });
  });

  it(`call a person after ${UNHANDLED_LIMIT} unhandled messages in a row, and count again after a handled one`, () => {
    let state = initialState();
    const seen: boolean[] = [];
    for (let i = 0; i < UNHANDLED_LIMIT; i++) {
      const next = afterEngine(state, false);
      seen.push(next.limitReached);
      state = next.state;
    }
    expect(seen).toEqual([false, false, true]);
    expect(afterEngine(state, true)).toEqual({ state: { ...state, unhandled: 0 }, limitReached: false });
  });

  it('never move the conversation back in time for a late message', () => {
    const c = conversation();
    expect(lastActivity(c, new Date('2026-03-16T08:00:00Z'))).toEqual(c.timestamp);
    expect(lastActivity(c, new Date('2026-03-16T10:00:00Z'))).toEqual(new Date('2026-03-16T10:00:00Z'));
  });
});

describe('escalations and the profile tables', () => {
  it('tell the contacts who needs a person, by name when known', () => {
    const base = { tenantId: 'clinic', tenantName: 'Clinic', language: 'en' as const, sender: '+34600000001', summary: 'wants a refund' };
    expect(escalationNotice({ ...base, senderName: 'Ana' })).toBe('[clinic] Clinic: Ana (+34600000001) needs a person. wants a refund');
    expect(escalationNotice({ ...base, senderName: null })).toBe('[clinic] Clinic: +34600000001 needs a person. wants a refund');
  });

  it("tell them in the business's language", () => {
    const base = { tenantId: 'clinica', tenantName: 'Clínica', language: 'es' as const, sender: '+34600000001', senderName: 'Ana', summary: 'quiere un reembolso' };
    expect(escalationNotice(base)).toBe('[clinica] Clínica: Ana (+34600000001) necesita que le atienda una persona. quiere un reembolso');
    expect(followUpNotice(base)).toBe('[clinica] Clínica: Ana (+34600000001) ha enviado algo más y sigue esperando a una persona. quiere un reembolso');
  });

  it('move a notice only forward: pending, queued, then delivered or dead', () => {
    expect(noticeMoves('pending', 'queued')).toBe(true);
    expect(noticeMoves('pending', 'dead')).toBe(true);
    expect(noticeMoves('queued', 'delivered')).toBe(true);
    expect(noticeMoves('queued', 'queued')).toBe(false);
    expect(noticeMoves('delivered', 'queued')).toBe(false);
    expect(noticeMoves('delivered', 'dead')).toBe(false);
    expect(noticeMoves('dead', 'delivered')).toBe(false);
  });

  it('project the profile into the tables the spec queries', () => {
    const t = profileTables(profile, 'hash', new Date('2026-03-16T00:00:00Z'));
    expect(t.business).toMatchObject({ name: 'Clinic', timezone: zone, sourceHash: 'hash' });
    expect(t.hours).toEqual([
      { day: 'mon', dayOfWeek: 1, opens: '09:00', closes: '14:00' },
      { day: 'tue', dayOfWeek: 2, opens: '09:00', closes: '14:00' },
    ]);
    expect(t.exceptions).toEqual([
      { date: '2026-03-24', closed: true, opens: null, closes: null, note: 'holiday' },
      { date: '2026-03-31', closed: false, opens: '10:00', closes: '12:00', note: null },
    ]);
    expect(t.services).toEqual([{ id: 'checkup', name: 'Check-up', aliases: [], durationMinutes: 30, price: null, currency: null, description: null, position: 0 }]);
    expect(t.contacts).toEqual([{ name: 'Ana', phone: '+34600111222', telegramChatId: null }]);
  });
});
