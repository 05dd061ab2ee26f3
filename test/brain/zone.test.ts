import { DateTime, IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { zoneOf } from '../../brain/domain/zone.js';

describe('zoneOf', () => {
  it('gives the same offsets as luxon across two years of transitions, odd offsets included', () => {
    const names = ['Europe/Madrid', 'America/New_York', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/St_Johns', 'Europe/Dublin'];
    const from = Date.parse('2026-01-01T00:00:00Z');
    const to = Date.parse('2028-01-01T00:00:00Z');
    const hour = 3_600_000;
    for (const name of names) {
      const cached = zoneOf({ timezone: name });
      const plain = new IANAZone(name);
      // Every transition in the two years, found hour by hour, then each one's two hours around it
      // second by second in 61 s steps, which visit every phase of a quarter hour.
      const samples: number[] = [];
      for (let h = from; h < to; h += hour) {
        if (plain.offset(h) === plain.offset(h + hour)) continue;
        for (let ts = h - hour; ts < h + 2 * hour; ts += 61_000) samples.push(ts);
      }
      expect(samples.length, `${name} has transitions`).toBeGreaterThan(0);
      for (let ts = from; ts < from + 14 * 24 * hour; ts += 433_000) samples.push(ts);
      const wrong = samples.filter((ts) => cached.offset(ts) !== plain.offset(ts)).map((ts) => new Date(ts).toISOString());
      expect(wrong, name).toEqual([]);
    }
  });

  it('is a zone luxon treats as the IANA zone of that name', () => {
    const zone = zoneOf({ timezone: 'Europe/Madrid' });
    const dt = DateTime.fromISO('2026-03-29T01:30:00Z').setZone(zone);
    expect(dt.toISO()).toBe('2026-03-29T03:30:00.000+02:00');
    expect(dt.zoneName).toBe('Europe/Madrid');
    expect(dt.setLocale('es').toFormat('cccc d LLLL, HH:mm ZZZZ')).toBe('domingo 29 marzo, 03:30 CEST');
    expect(zone.equals(IANAZone.create('Europe/Madrid'))).toBe(true);
    expect(zoneOf({ timezone: 'Europe/Madrid' })).toBe(zone);
  });
});
