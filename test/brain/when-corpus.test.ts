import fs from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parseProfileYaml, type Language } from '../../core/profile.js';
import { parseWhen, resolveMeridiem } from '../../brain/receptionist/when.js';
import { zoneOf } from '../../brain/domain/zone.js';

const here = path.dirname(new URL(import.meta.url).pathname);

/** The opening hours generate.mjs reads bare hours against (HOURS there). */
const PROFILES = {
  en: parseProfileYaml(
    'name: Salon\ntimezone: Europe/London\nlanguage: en\nhours:\n  mon: []\n  tue: ["09:00-13:00", "14:00-20:00"]\n  wed: ["09:00-13:00", "14:00-20:00"]\n  thu: ["09:00-13:00", "14:00-20:00"]\n  fri: ["09:00-13:00", "14:00-20:00"]\n  sat: ["09:00-17:00"]\n  sun: ["10:00-16:00"]\n',
  ),
  es: parseProfileYaml(
    'name: Fisio\ntimezone: Europe/Madrid\nlanguage: es\nhours:\n  mon: ["08:00-14:00", "16:00-21:00"]\n  tue: ["08:00-14:00", "16:00-21:00"]\n  wed: ["08:00-14:00", "16:00-21:00"]\n  thu: ["08:00-14:00", "16:00-21:00"]\n  fri: ["08:00-14:00", "16:00-21:00"]\n  sat: ["09:00-14:00"]\n  sun: []\n',
  ),
};

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** What the receptionist reads, in the corpus's notation: date and time, a date, a time, or ask. */
function reading(text: string, language: Language, ref: string): string {
  const profile = PROFILES[language];
  const zone = zoneOf(profile);
  const now = DateTime.fromISO(ref).setZone(zone);
  const w = parseWhen(text, language, now);
  if (w.unclear || w.impossible) return 'ask';
  if (w.time === undefined) return w.date ?? 'none';
  const minutes = resolveMeridiem(profile, w.date ?? now.toISODate()!, w.time, w.ambiguousMeridiem, zone);
  if (minutes === 'ask') return 'ask';
  return w.date ? `${w.date}T${hhmm(minutes)}` : `T${hhmm(minutes)}`;
}

describe.each(['en', 'es'] as const)('date and time corpus (%s)', (language) => {
  // generate.mjs writes <lang>.txt; <lang>.written.txt holds phrasings written by hand for issue 13's classes;
  // <lang>.blind.txt was written by someone who never read when.ts (its header lists the labels changed since).
  const cases = [`${language}.txt`, `${language}.written.txt`, `${language}.blind.txt`]
    .map((f) => fs.readFileSync(path.join(here, 'when-corpus', f), 'utf8'))
    .join('\n')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.split(' | ').map((p) => p.trim()) as [string, string, string, string]);

  it('has at least 300 cases, every one in the profile zone', () => {
    expect(cases.length).toBeGreaterThanOrEqual(300);
    expect(new Set(cases.map((c) => c[1]))).toEqual(new Set([PROFILES[language].timezone]));
  });

  it('reads every message to the minute, or asks', () => {
    const wrong = cases.flatMap(([ref, , text, expected]) => {
      const got = reading(text, language, ref);
      return got === expected ? [] : [`${ref} | ${text} | expected ${expected}, got ${got}`];
    });
    expect(wrong).toEqual([]);
  });
});
