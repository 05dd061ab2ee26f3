import { DateTime } from 'luxon';
import { WEEKDAYS, type Profile, type TimeRange } from '../../core/profile.js';
import { cached } from '../../core/memo.js';

/**
 * Opening hours and slot availability as pure functions of the profile, the clock and the
 * bookings: no I/O, so every rule can be tested with a fixed "now".
 */

export interface Interval {
  start: DateTime;
  end: DateTime;
}

export interface BusyPeriod {
  startAt: Date;
  endAt: Date;
}

/** The opening ranges that apply on a local date: an exception for that date, or the weekday's. */
export function rangesFor(profile: Profile, day: DateTime): TimeRange[] {
  const iso = day.toISODate()!;
  const exception = profile.exceptions.find((e) => e.date === iso);
  if (exception) return exception.closed ? [] : (exception.hours ?? []);
  return profile.hours[WEEKDAYS[day.weekday - 1]!];
}

export function exceptionFor(profile: Profile, day: DateTime) {
  return profile.exceptions.find((e) => e.date === day.toISODate());
}

/**
 * The wall-clock time `minutes` after the start of a local day. Set, not added: on the day the
 * clocks change, midnight plus 600 minutes is 11:00, not 10:00.
 */
export function atLocalMinutes(day: DateTime, minutes: number): DateTime {
  const m = ((minutes % 1440) + 1440) % 1440;
  return day.startOf('day').plus({ days: Math.floor(minutes / 1440) }).set({ hour: Math.floor(m / 60), minute: m % 60 });
}


/**
 * Intervals that start on a local date (overnight ones end the next day). Remembered per profile
 * and date: building them costs luxon a time-zone lookup per boundary, and every message asks
 * for a few days of them.
 */
export function intervalsStarting(profile: Profile, day: DateTime): readonly Interval[] {
  const byDate = cached(intervalCache, profile, () => new Map<string, readonly Interval[]>());
  if (byDate.size >= INTERVAL_CACHE_DATES) byDate.clear();
  return cached(byDate, day.toISODate()!, () =>
    rangesFor(profile, day)
      .map((r) => ({ start: atLocalMinutes(day, r.open), end: r.close > r.open ? atLocalMinutes(day, r.close) : atLocalMinutes(day.plus({ days: 1 }), r.close) }))
      .sort((a, b) => a.start.toMillis() - b.start.toMillis()),
  );
}

const intervalCache = new WeakMap<Profile, Map<string, readonly Interval[]>>();
const INTERVAL_CACHE_DATES = 1_000;

/** The interval containing `t`, if the business is open then. */
export function openIntervalAt(profile: Profile, t: DateTime): Interval | undefined {
  for (const day of [t.minus({ days: 1 }), t]) {
    const hit = intervalsStarting(profile, day).find((i) => i.start <= t && t < i.end);
    if (hit) return hit;
  }
  return undefined;
}

/** The next time the business opens after `t` (within `horizonDays`). */
export function nextOpening(profile: Profile, t: DateTime, horizonDays = 14): DateTime | undefined {
  for (let d = 0; d <= horizonDays; d++) {
    const next = intervalsStarting(profile, t.plus({ days: d })).find((i) => i.start > t);
    if (next) return next.start;
  }
  return undefined;
}

export interface BookingRules {
  durationMinutes: number;
  now: DateTime;
  busy: readonly BusyPeriod[];
}

export type SlotVerdict =
  | { ok: true }
  | { ok: false; reason: 'past' | 'too_soon' | 'too_far' | 'closed' | 'off_grid' | 'full' };

/** Slot starts on a date: every slotMinutes from each opening, where the whole service fits. */
export function gridOn(profile: Profile, day: DateTime, durationMinutes: number): DateTime[] {
  const step = profile.booking.slotMinutes;
  const starts: DateTime[] = [];
  for (const i of intervalsStarting(profile, day)) {
    for (let s = i.start; s.plus({ minutes: durationMinutes }) <= i.end; s = s.plus({ minutes: step })) starts.push(s);
  }
  return starts;
}

function overlapping(busy: readonly BusyPeriod[], start: DateTime, end: DateTime, bufferMinutes: number): number {
  const s = start.toMillis();
  const e = end.toMillis();
  const pad = bufferMinutes * 60_000;
  return busy.filter((b) => b.startAt.getTime() - pad < e && s < b.endAt.getTime() + pad).length;
}

/** Whether a service can start at `start`: opening hours, grid, notice, horizon and capacity. */
export function checkSlot(profile: Profile, start: DateTime, rules: BookingRules): SlotVerdict {
  const policy = profile.booking;
  const end = start.plus({ minutes: rules.durationMinutes });
  if (start <= rules.now) return { ok: false, reason: 'past' };
  if (start < rules.now.plus({ minutes: policy.minNoticeMinutes })) return { ok: false, reason: 'too_soon' };
  if (start > rules.now.plus({ days: policy.maxDaysAhead })) return { ok: false, reason: 'too_far' };
  const interval = openIntervalAt(profile, start);
  if (!interval || end > interval.end) return { ok: false, reason: 'closed' };
  const onGrid = gridOn(profile, interval.start, rules.durationMinutes).some((s) => s.equals(start));
  if (!onGrid) return { ok: false, reason: 'off_grid' };
  if (overlapping(rules.busy, start, end, policy.bufferMinutes) >= policy.capacityPerSlot) return { ok: false, reason: 'full' };
  return { ok: true };
}

/** Free slot starts on one local date. */
export function freeSlotsOn(profile: Profile, day: DateTime, rules: BookingRules): DateTime[] {
  return gridOn(profile, day, rules.durationMinutes).filter((s) => checkSlot(profile, s, rules).ok);
}

/**
 * Up to `count` free slots near the requested time: the closest ones that day first, then the
 * earliest ones on the following days.
 */
export function suggestSlots(profile: Profile, wanted: DateTime, rules: BookingRules, count = 3, horizonDays = 14): DateTime[] {
  const sameDay = freeSlotsOn(profile, wanted, rules).sort(
    (a, b) => Math.abs(a.diff(wanted).toMillis()) - Math.abs(b.diff(wanted).toMillis()),
  );
  const picks = sameDay.slice(0, count);
  for (let d = 1; picks.length < count && d <= horizonDays; d++) {
    picks.push(...freeSlotsOn(profile, wanted.plus({ days: d }), rules).slice(0, count - picks.length));
  }
  return picks.sort((a, b) => a.toMillis() - b.toMillis());
}
