import { IANAZone } from 'luxon';
import type { Profile } from '../../core/profile.js';
import { cached } from '../../core/memo.js';

const QUARTER_HOUR_MS = 15 * 60_000;
const MAX_REMEMBERED = 20_000;

/**
 * An IANA zone that remembers its UTC offsets per quarter hour. luxon asks Intl for the offset
 * (formatToParts) every time a DateTime is built or moved, which was the largest cost left in a
 * chat turn. Offsets only change at transitions, and those fall on quarter hours; a quarter with
 * a transition inside it is never remembered, only computed.
 */
class CachedZone extends IANAZone {
  private readonly offsets = new Map<number, number>();

  override offset(ts: number): number {
    const quarter = Math.floor(ts / QUARTER_HOUR_MS);
    const known = this.offsets.get(quarter);
    if (known !== undefined) return known;
    const first = super.offset(quarter * QUARTER_HOUR_MS);
    if (first !== super.offset((quarter + 1) * QUARTER_HOUR_MS - 1)) return super.offset(ts);
    if (this.offsets.size >= MAX_REMEMBERED) this.offsets.clear();
    this.offsets.set(quarter, first);
    return first;
  }
}

const zones = new Map<string, CachedZone>();

/** The tenant's time zone, for every luxon call in the brain (a zone name string skips the cache). */
export function zoneOf(profile: Pick<Profile, 'timezone'>): IANAZone {
  return cached(zones, profile.timezone, () => new CachedZone(profile.timezone));
}
