import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { minimalProfile, parseProfile, parseProfileYaml, profileToInput, profileToYaml, ProfileError, rangeMinutes, renameProfileYaml } from '../../core/profile.js';
import { exampleProfile } from '../helpers/home.js';

function problems(yaml: string): string[] {
  try {
    parseProfileYaml(yaml, 'p.yaml');
  } catch (err) {
    if (err instanceof ProfileError) return err.message.split('\n');
    throw err;
  }
  throw new Error('expected the profile to be rejected');
}

const base = 'name: Shop\ntimezone: Europe/Madrid\n';

describe('business profile', () => {
  it('refuses oversized profiles, alias bombs, non-web map links and says when a name is too long, each in one line', () => {
    const faq = Array.from({ length: 301 }, (_, i) => `  - {question: "q${i}?", answer: "a"}`).join('\n');
    expect(problems(`${base}faq:\n${faq}\n`)).toEqual([expect.stringMatching(/faq: at most 300 FAQ entries/)]);
    expect(problems(`${base}address: "${'x'.repeat(70_000)}"\n`)).toEqual([expect.stringMatching(/at most 65536 are accepted/)]);
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`)].join('\n');
    const bombProblems = problems(`${base}${bomb}\n`);
    expect(bombProblems).toHaveLength(1);
    expect(bombProblems[0]).toMatch(/not a usable profile: .*alias/i);
    expect(problems(`${base}mapUrl: "javascript:alert(1)"\n`)).toEqual([expect.stringMatching(/mapUrl: expected an http:\/\/ or https:\/\/ URL/)]);
    expect(problems(`${base}mapUrl: "file:///etc/passwd"\n`)).toEqual([expect.stringMatching(/mapUrl: expected an http/)]);
    expect(problems(`name: "${'n'.repeat(101)}"\ntimezone: Europe/Madrid\n`)).toEqual([expect.stringMatching(/name: the business name is at most 100 characters/)]);
    expect(problems('timezone: Europe/Madrid\n')).toEqual([expect.stringMatching(/the business name is required/)]);
  });


  it('removes NUL and control characters from every text, and wants the business name on one line', () => {
    const p = parseProfileYaml('name: "Shop\\e]0;pwned\\a\\0"\ntimezone: Europe/Madrid\naddress: "Calle\\x1b[2J 1"\nfaq:\n  - {question: "open\\0?", answer: "yes\\x9b\\nalways", keywords: ["\\x07bell"]}\n');
    expect(p.name).toBe('Shop]0;pwned');
    expect(p.address).toBe('Calle[2J 1');
    expect(p.faq[0]).toEqual({ question: 'open?', answer: 'yes\nalways', keywords: ['bell'] });
    const json = parseProfile({ name: 'Shop', timezone: 'Europe/Madrid', services: [{ id: 'cut', name: 'Cut\u0000\u001b[31m', duration: 30 }], messages: { greeting: 'Hi\u0000' } });
    expect(json.services[0]!.name).toBe('Cut[31m');
    expect(json.messages.greeting).toBe('Hi');
    expect(problems('name: "Shop\\nTwo"\ntimezone: Europe/Madrid\n')).toEqual([expect.stringMatching(/name: the business name is one line of text/)]);
    // Spaces alone are no name (PUT /api/profile would list the tenant blank); tenant add trims them too.
    expect(problems('name: "   "\ntimezone: Europe/Madrid\n')).toEqual([expect.stringMatching(/name: the business name is empty/)]);
    expect(parseProfile({ name: '  Shop ', timezone: 'Europe/Madrid' }).name).toBe('Shop');
  });

  it('refuses a business name with zero-width or bidi control characters, naming the character, and keeps emoji joined', () => {
    const message = (code: string) => `name: the business name has an invisible or text-direction character (${code}): type the name again as plain text`;
    for (const [name, code] of [['Salon\u200bB', 'U+200B'], ['Salon \u202eB nolaS', 'U+202E'], ['\u2066Salon\u2069', 'U+2066'], ['Salon\u200fB', 'U+200F'], ['Sal\ufeffon', 'U+FEFF'], ['Sal\u00adon', 'U+00AD']] as const) {
      expect(problems(`name: ${JSON.stringify(name)}\ntimezone: Europe/Madrid\n`)).toEqual([expect.stringContaining(message(code))]);
      expect(() => parseProfile({ name, timezone: 'Europe/Madrid' })).toThrow(message(code));
    }
    // A joiner between two emoji draws one emoji (a family): that name is visible as it is.
    expect(parseProfile({ name: 'Casa 👨\u200d👩\u200d👧', timezone: 'Europe/Madrid' }).name).toBe('Casa 👨\u200d👩\u200d👧');
    expect(() => parseProfile({ name: 'Casa\u200dB', timezone: 'Europe/Madrid' })).toThrow(message('U+200D'));
    // A registry name kept from before still starts a tenant, without the characters.
    expect(minimalProfile('Salon \u202eB').name).toBe('Salon B');
  });

  it('accepts the shipped demo clinic profile in full', () => {
    const p = parseProfileYaml(fs.readFileSync(exampleProfile, 'utf8'));
    expect(p.name).toBe('Sonrisa Dental Clinic');
    expect(p.hours.mon).toEqual([{ open: 540, close: 840 }, { open: 960, close: 1200 }]);
    expect(p.hours.sun).toEqual([]);
    expect(p.exceptions.find((e) => e.date === '2026-12-25')).toMatchObject({ closed: true });
    expect(p.services.map((s) => s.id)).toEqual(['checkup', 'cleaning', 'whitening', 'filling', 'extraction']);
    expect(p.faq.length).toBe(5);
    expect(p.booking).toEqual({ slotMinutes: 30, capacityPerSlot: 1, minNoticeMinutes: 120, maxDaysAhead: 60, bufferMinutes: 0 });
    expect(p.escalation.contacts[0]).toEqual({ name: 'Reception desk', phone: '+34600111222', telegramChatId: '100200300' });
  });

  it('round-trips through YAML and JSON unchanged', () => {
    const p = parseProfileYaml(fs.readFileSync(exampleProfile, 'utf8'));
    expect(parseProfileYaml(profileToYaml(p))).toEqual(p);
    expect(parseProfile(JSON.parse(JSON.stringify(profileToInput(p))))).toEqual(p);
  });

  it('fills defaults for a minimal profile', () => {
    const p = parseProfileYaml(base);
    expect(p.language).toBe('en');
    expect(p.hours.fri).toEqual([]);
    expect(p.booking.slotMinutes).toBe(30);
  });

  it("starts a tenant from any name the registry accepts: blank or with a tab (a hand edit, an older version) no longer throws, which made every request for the tenant a 500", () => {
    expect(minimalProfile('Shop').name).toBe('Shop');
    expect(minimalProfile('Tab\tShop').name).toBe('Tab Shop');
    expect(minimalProfile('   ').name).toBe('unnamed business');
  });

  it('allows overnight ranges and all-day ranges', () => {
    const p = parseProfileYaml(`${base}hours:\n  fri: ["18:00-23:00", "23:30-02:00"]\n  sat: ["00:00-24:00"]\n`);
    expect(p.hours.fri[1]).toEqual({ open: 1410, close: 120 });
    expect(rangeMinutes(p.hours.fri[1]!)).toBe(150);
    expect(rangeMinutes(p.hours.sat[0]!)).toBe(1440);
  });

  it.each([
    ['missing name', 'timezone: UTC\n', ['p.yaml:1:1: name: the business name is required']],
    ['bad timezone', 'name: X\ntimezone: Mars/Base\n', ['p.yaml:2:11: timezone: "Mars/Base" is not an IANA timezone like Europe/Madrid']],
    ['bad language', `${base}language: fr\n`, ['p.yaml:3:11: language: expected one of: en, es']],
    ['unknown field', `${base}opening: yes\n`, ['p.yaml:1:1: unknown field "opening"']],
    ['unknown weekday', `${base}hours:\n  monday: ["09:00-10:00"]\n`, ['p.yaml:4:3: hours: unknown field "monday"']],
    ['bad range', `${base}hours:\n  mon: ["9-5"]\n`, ['p.yaml:4:9: hours.mon[0]: "9-5" is not a time range like "09:00-13:00" (24-hour clock)']],
    ['impossible time', `${base}hours:\n  mon: ["09:00-25:00"]\n`, ['p.yaml:4:9: hours.mon[0]: "09:00-25:00" is not a time range like "09:00-13:00" (24-hour clock)']],
    ['empty range', `${base}hours:\n  mon: ["09:00-09:00"]\n`, ['p.yaml:4:9: hours.mon[0]: "09:00-09:00" opens and closes at the same time; use "00:00-24:00" for all day']],
    ['overlap', `${base}hours:\n  mon: ["09:00-13:00", "12:00-15:00"]\n`, ['p.yaml:4:8: hours.mon: time ranges overlap (only the last range of a day may run past midnight)']],
    ['impossible date', `${base}exceptions:\n  - date: 2026-02-30\n    closed: true\n`, ['p.yaml:4:11: exceptions[0].date: "2026-02-30" is not a real date like 2026-12-25']],
    ['closed and hours', `${base}exceptions:\n  - date: 2026-12-24\n    closed: true\n    hours: ["09:00-10:00"]\n`, ['p.yaml:4:5: exceptions[0]: give either "closed: true" or "hours", not both and not neither']],
    ['duplicate exception', `${base}exceptions:\n  - {date: 2026-12-24, closed: true}\n  - {date: 2026-12-24, closed: true}\n`, ['p.yaml:5:12: exceptions[1].date: 2026-12-24 is listed twice']],
    ['duration', `${base}services:\n  - {id: a, name: A, duration: 0}\n`, ['p.yaml:4:32: services[0].duration: at least 5 minutes']],
    ['price without currency', `${base}services:\n  - {id: a, name: A, duration: 30, price: 10}\n`, ['p.yaml:4:5: services[0].currency: a service with a price needs a currency']],
    ['duplicate service id', `${base}services:\n  - {id: a, name: A, duration: 30}\n  - {id: a, name: B, duration: 30}\n`, ['p.yaml:5:10: services[1].id: service id "a" is used twice']],
    ['unquoted phone', `${base}phone: +34600111222\n`, ['p.yaml:3:8: phone: expected a phone number in quotes, like "+34600111222"']],
    ['bad phone', `${base}phone: "600 111"\n`, ['p.yaml:3:8: phone: expected an E.164 phone number like "+34600111222"']],
    ['contact without channel', `${base}escalation:\n  contacts:\n    - name: Ana\n`, ['p.yaml:5:7: escalation.contacts[0]: a contact needs a phone or a telegramChatId']],
    ['booking policy', `${base}booking:\n  slotMinutes: 1\n`, ['p.yaml:4:16: booking.slotMinutes: Too small: expected number to be >=5']],
    ['bad url', `${base}mapUrl: not a url\n`, ['p.yaml:3:9: mapUrl: expected an http:// or https:// URL']],
    ['yaml syntax', `${base}services: [\n`, [expect.stringMatching(/^p\.yaml:4:1: not valid YAML: /)]],
  ])('rejects %s with the field path and line', (_name, yaml, expected) => {
    expect(problems(yaml)).toEqual(expected);
  });

  it('reports every problem at once', () => {
    expect(problems('name: ""\ntimezone: Nowhere\nlanguage: de\n')).toHaveLength(3);
  });

  it('validates JSON bodies with paths and no line numbers', () => {
    expect(() => parseProfile({ name: 'X', timezone: 'UTC', services: [{ id: 'Bad Id', name: 'x', duration: 30 }] })).toThrow(
      'profile: services[0].id: expected a short id of lowercase letters, digits, - or _',
    );
  });
});

describe('renameProfileYaml', () => {
  const base = '# kept comment\nname: "Old" # trailing comment\ntimezone: UTC\nfaq:\n  - question: Parking?\n    answer: Yes, a long answer that a serialiser would fold at eighty columns if it rewrote the whole file.\n';

  it.each(['Café: "Niño"', 'a #b', 'Plain', '- dash', 'yes', '123'])('sets the name %j and changes nothing else', (name) => {
    const out = renameProfileYaml(base, name);
    expect(parseProfileYaml(out).name).toBe(name);
    expect(out.split('\n').filter((l) => !l.startsWith('name:'))).toEqual(base.split('\n').filter((l) => !l.startsWith('name:')));
    expect(out).toContain('# trailing comment');
  });

  it('adds a missing name, leaves a block scalar name parseable, and returns text it cannot edit as it is', () => {
    expect(parseProfileYaml(renameProfileYaml('timezone: UTC\n', 'New')).name).toBe('New');
    expect(parseProfileYaml(renameProfileYaml('name: |\n  multi\n  line\ntimezone: UTC\n', 'New')).name).toBe('New');
    expect(renameProfileYaml('name: [unclosed\n', 'New')).toBe('name: [unclosed\n');
    expect(renameProfileYaml(base, 'Old')).toBe(base);
  });

  it('keeps a 100-character name on its one line and a name with a comma whole inside a flow mapping', () => {
    const long = `${'word '.repeat(19)}end`;
    const out = renameProfileYaml(base, long);
    expect(parseProfileYaml(out).name).toBe(long);
    expect(out.split('\n').filter((l) => !l.startsWith('name:'))).toEqual(base.split('\n').filter((l) => !l.startsWith('name:')));
    expect(parseProfileYaml(renameProfileYaml('{name: Old, timezone: UTC}\n', 'Salón, Madrid')).name).toBe('Salón, Madrid');
  });
});
