import { DateTime, IANAZone } from 'luxon';
import { localDateTime } from '../../brain/receptionist/when.js';
import { describe, expect, it } from 'vitest';
import { parseProfileYaml } from '../../core/profile.js';
import { checkSlot, freeSlotsOn, nextOpening, openIntervalAt, suggestSlots } from '../../brain/domain/calendar.js';

const profile = parseProfileYaml(`
name: Bar
timezone: Europe/Madrid
hours:
  mon: ["09:00-13:00", "16:00-20:00"]
  fri: ["18:00-02:00"]
  sat: ["10:00-12:00"]
exceptions:
  - { date: 2026-03-17, closed: true }
  - { date: 2026-03-18, hours: ["10:00-11:00"] }
booking: { slotMinutes: 30, capacityPerSlot: 2, minNoticeMinutes: 60, maxDaysAhead: 30, bufferMinutes: 15 }
`);
const zone = 'Europe/Madrid';
const at = (iso: string) => DateTime.fromISO(iso, { zone });

describe('opening hours', () => {
  it('reads opening hours and booked times as wall-clock times on the day the clocks change', () => {
    const salon = parseProfileYaml('name: Salon\ntimezone: Europe/London\nhours:\n  sun: ["10:00-16:00"]\n');
    const london = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/London' });
    // Sunday 29 March 2026: midnight plus 600 minutes is 11:00 BST, not 10:00.
    expect(openIntervalAt(salon, london('2026-03-29T10:15'))?.start.toFormat('HH:mm')).toBe('10:00');
    expect(openIntervalAt(salon, london('2026-03-29T16:15'))).toBeUndefined();
    expect(nextOpening(salon, london('2026-03-29T08:00'))?.toISO()).toBe(london('2026-03-29T10:00').toISO());
    expect(localDateTime('2026-03-29', 11 * 60, new IANAZone('Europe/London')).toFormat('HH:mm')).toBe('11:00');
    expect(localDateTime('2026-10-25', 11 * 60 + 30, new IANAZone('Europe/Madrid')).toFormat('HH:mm')).toBe('11:30');
  });

  it('knows when it is open, including overnight ranges that spill into the next day', () => {
    expect(openIntervalAt(profile, at('2026-03-16T10:00'))).toBeDefined();
    expect(openIntervalAt(profile, at('2026-03-16T14:00'))).toBeUndefined();
    expect(openIntervalAt(profile, at('2026-03-20T23:30'))).toBeDefined();
    expect(openIntervalAt(profile, at('2026-03-21T01:59'))?.end.toISO()).toBe(at('2026-03-21T02:00').toISO());
    expect(openIntervalAt(profile, at('2026-03-21T02:00'))).toBeUndefined();
  });

  it('finds the next opening across lunch breaks, exceptions and weekends', () => {
    expect(nextOpening(profile, at('2026-03-16T14:00'))?.toISO()).toBe(at('2026-03-16T16:00').toISO());
    // Tuesday 17 is closed by exception; Wednesday 18 opens at 10:00 by exception.
    expect(nextOpening(profile, at('2026-03-16T21:00'))?.toISO()).toBe(at('2026-03-18T10:00').toISO());
    expect(nextOpening(profile, at('2026-03-21T13:00'))?.toISO()).toBe(at('2026-03-23T09:00').toISO());
  });
});

describe('slots', () => {
  const now = at('2026-03-16T08:00');
  const rules = (busy: { startAt: Date; endAt: Date }[] = [], durationMinutes = 30) => ({ durationMinutes, now, busy });
  const busy = (start: string, minutes: number) => ({ startAt: at(start).toJSDate(), endAt: at(start).plus({ minutes }).toJSDate() });

  it('explains every refusal', () => {
    expect(checkSlot(profile, at('2026-03-16T07:00'), rules())).toEqual({ ok: false, reason: 'past' });
    expect(checkSlot(profile, at('2026-03-16T08:30'), rules())).toEqual({ ok: false, reason: 'too_soon' });
    expect(checkSlot(profile, at('2026-05-01T10:00'), rules())).toEqual({ ok: false, reason: 'too_far' });
    expect(checkSlot(profile, at('2026-03-16T14:00'), rules())).toEqual({ ok: false, reason: 'closed' });
    expect(checkSlot(profile, at('2026-03-16T12:15'), rules())).toEqual({ ok: false, reason: 'off_grid' });
    expect(checkSlot(profile, at('2026-03-16T12:30'), rules([], 60))).toEqual({ ok: false, reason: 'closed' });
    expect(checkSlot(profile, at('2026-03-16T10:00'), rules())).toEqual({ ok: true });
  });

  it('counts capacity with the buffer around existing bookings', () => {
    const one = [busy('2026-03-16T10:00', 30)];
    expect(checkSlot(profile, at('2026-03-16T10:00'), rules(one))).toEqual({ ok: true });
    const two = [...one, busy('2026-03-16T10:30', 30)];
    // 10:30 overlaps the second booking and, within the 15-minute buffer, the first: full.
    expect(checkSlot(profile, at('2026-03-16T10:30'), rules(two))).toEqual({ ok: false, reason: 'full' });
    expect(checkSlot(profile, at('2026-03-16T11:30'), rules(two))).toEqual({ ok: true });
  });

  it('lists free slots and suggests the nearest ones, then the following days', () => {
    expect(freeSlotsOn(profile, at('2026-03-18T00:00'), rules()).map((s) => s.toFormat('HH:mm'))).toEqual(['10:00', '10:30']);
    expect(freeSlotsOn(profile, at('2026-03-17T00:00'), rules())).toEqual([]);
    expect(suggestSlots(profile, at('2026-03-18T10:45'), rules([busy('2026-03-18T10:00', 30)])).map((s) => s.toFormat('ccc HH:mm'))).toEqual([
      'Wed 10:00',
      'Wed 10:30',
      'Fri 18:00',
    ]);
    // Two bookings at 10:00 fill it, and the 15-minute buffer after them fills 10:30 too.
    const full = [busy('2026-03-18T10:00', 30), busy('2026-03-18T10:00', 30)];
    expect(suggestSlots(profile, at('2026-03-18T10:45'), rules(full)).map((s) => s.toFormat('ccc HH:mm'))).toEqual(['Fri 18:00', 'Fri 18:30', 'Fri 19:00']);
  });
});
