import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvalWorld, devSplit, evaluateSplit, folderManifests, folderSplit, formatReport, heldOutNames, loadSplits, selectedSplits, splitNames, trainSplit, type SplitName, type SplitReport } from './harness.js';
import { LANGS, SplitFormatError, loadSplitFolder, parseDialogueBlocks, parseIntentLines, readSplitManifest } from './split-data.js';
import { WEEKDAYS, parseProfileYaml } from '../../core/profile.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { exampleProfile } from '../helpers/home.js';

const here = path.dirname(new URL(import.meta.url).pathname);

/** EVAL_SPLITS=train,train2,dev runs only those splits' checks (tuning never reads a held-out split). */
const selected = selectedSplits(process.env.EVAL_SPLITS);
const forSplit = (name: SplitName) => it.runIf(selected.includes(name));
/** A check that reads the held-out splits runs only when they are selected. */
const withHeldOut = it.runIf(heldOutNames().every((n) => selected.includes(n)));

describe('evaluation data', () => {
  // Every folder split was written blind for issue 13 over businesses of its own; its split.json gives the size it was written to.
  const manifests = folderManifests();
  for (const [name, manifest] of [...manifests].filter(([, m]) => m.minimum)) {
    const { messagesPerLanguage: perLang, dialoguesPerLanguage: dialoguesPerLang, businesses: businessCount } = manifest.minimum!;
    withHeldOut(`the ${name} split is well-formed, in both languages, over its own ${businessCount} businesses`, () => {
      const split = folderSplit(name); // throws SplitFormatError listing every bad line
      expect(split.businesses.size).toBe(businessCount);
      for (const other of [trainSplit(), devSplit(), ...[...manifests.keys()].filter((n) => n !== name).map(folderSplit)]) {
        for (const b of split.businesses.keys()) expect(other.businesses.has(b), `${b} also in ${other.name}`).toBe(false);
      }
      for (const lang of LANGS) {
        const messages = split.messages.filter((m) => m.lang === lang);
        expect(messages.length, lang).toBeGreaterThanOrEqual(perLang);
        for (const b of split.businesses.keys()) expect(messages.some((m) => m.business === b), `${lang} ${b}`).toBe(true);
        expect(split.dialogues.filter((d) => d.lang === lang).length, lang).toBeGreaterThanOrEqual(dialoguesPerLang);
      }
      // An expectation the business could never honour would count a right answer as a miss.
      const folder = loadSplitFolder(path.join(here, name));
      const unbookable = split.dialogues.flatMap((d) => {
        const profile = folder.businesses.get(d.business)!.profile;
        const now = DateTime.fromISO(d.now).setZone(profile.timezone);
        return d.expect.flatMap((e) => {
          const start = DateTime.fromISO(e.start, { zone: profile.timezone });
          const minute = start.hour * 60 + start.minute;
          const duration = profile.services.find((s) => s.id === e.serviceId)!.duration;
          const exception = profile.exceptions.find((x) => x.date === start.toISODate());
          const ranges = exception ? (exception.hours ?? []) : profile.hours[WEEKDAYS[start.weekday - 1]!];
          const fits = ranges.some((r) => minute >= r.open && minute + duration <= r.close) && minute % profile.booking.slotMinutes === 0;
          const notice = e.status === 'cancelled' || start.diff(now, 'minutes').minutes >= profile.booking.minNoticeMinutes;
          return fits && notice && start.diff(now, 'days').days <= profile.booking.maxDaysAhead ? [] : [`${d.lang} ${d.name}: ${e.serviceId} ${e.start}`];
        });
      });
      expect(unbookable).toEqual([]);
    });
  }

  it('the dev split is as large as before', () => {
    const dev = devSplit();
    expect(dev.messages.length).toBeGreaterThanOrEqual(150);
    expect(dev.outOfScope.length).toBeGreaterThanOrEqual(30);
    expect(dev.dialogues.length).toBeGreaterThanOrEqual(20);
  });

  it('reports every bad line of a split, with its file and line', () => {
    const profiles = new Map([['shop', parseProfileYaml(fs.readFileSync(exampleProfile, 'utf8'))]]);
    const problems: string[] = [];
    const ok = parseIntentLines('# comment\nshop | book | can I come in?\nshop | booking | typo intent\nshopp | faq | wrong business\nshop | faq |\n', 'i.txt', 'en', new Set(['shop']), problems);
    expect(ok).toEqual([{ lang: 'en', business: 'shop', intent: 'book', text: 'can I come in?' }]);
    expect(problems).toEqual([
      'i.txt:3: unknown intent "booking" (expected one of greeting, hours, location, services, book, cancel, reschedule, my_bookings, faq, human, opt_out, thanks, smalltalk, unknown)',
      'i.txt:4: unknown business "shopp" (expected one of shop)',
      'i.txt:5: no message after "<business> | <intent> |"',
    ]);
    problems.length = 0;
    const dialogues = parseDialogueBlocks(
      [
        '## good',
        'business: shop',
        'now: 2026-04-14T09:00:00Z',
        'setup: cleaning 2026-04-15T10:00 mine',
        '> cancel it',
        '> yes',
        'expect: cleaning 2026-04-15T10:00 cancelled',
        '## bad',
        'business: shop',
        'now: tomorrow',
        '> hi',
        'expect: massage 2026-04-15T10:00',
        'expect: cleaning 2026-02-30T10:00',
        'when: later',
        '## no expectation',
        'business: shop',
        'now: 2026-04-14T09:00:00Z',
        '> hi',
      ].join('\n'),
      'd.txt',
      'en',
      profiles,
      problems,
    );
    expect(dialogues.map((d) => [d.name, d.setup, d.expect])).toEqual([
      ['good', [{ serviceId: 'cleaning', start: '2026-04-15T10:00', mine: true }], [{ serviceId: 'cleaning', start: '2026-04-15T10:00', status: 'cancelled' }]],
    ]);
    expect(problems).toEqual([
      'd.txt:12: shop has no service "massage"',
      'd.txt:13: "2026-02-30T10:00" is not a local time like 2026-04-15T16:30 in Europe/Madrid',
      'd.txt:14: expected "business:", "now:", "setup:", "> message" or "expect:", got "when: later"',
      'd.txt:8: dialogue "bad" needs "now: <ISO 8601 instant with a zone, like 2026-04-14T09:00:00Z>"',
      'd.txt:15: dialogue "no expectation" needs "expect: <service> <local time>" or "expect: none"',
    ]);
    expect(new SplitFormatError(problems).message).toContain('5 problem(s)');
  });

  it('finds every folder split by its split.json and orders them train, tunable, dev, seen, held out', () => {
    const names = splitNames();
    expect(names.slice(0, 3)).toEqual(['train', 'train2', 'train3']);
    expect(names.indexOf('train9')).toBeLessThan(names.indexOf('train10') === -1 ? Infinity : names.indexOf('train10'));
    expect(names.indexOf('dev')).toBeGreaterThan(names.indexOf('train9'));
    expect(names.slice(names.indexOf('dev') + 1, names.indexOf('dev') + 3)).toEqual(['seen', 'test']);
    expect(heldOutNames().slice(0, 7)).toEqual(['test', 'test2', 'test3', 'test4', 'test5', 'test6', 'test7']);
    expect(names.slice(-heldOutNames().length)).toEqual(heldOutNames());
  });

  it('EVAL_SPLITS selects the splits to read, in report order, and rejects unknown names', () => {
    expect(selectedSplits(undefined)).toEqual(splitNames());
    expect(selectedSplits('train3,train2')).toEqual(['train2', 'train3']);
    expect(selectedSplits('train4,dev,train3')).toEqual(['train3', 'train4', 'dev']);
    expect(selectedSplits(' dev, train2,train ')).toEqual(['train', 'train2', 'dev']);
    expect(loadSplits(['train', 'train2', 'dev']).map((s) => s.name)).toEqual(['train', 'train2', 'dev']);
    expect(() => selectedSplits('train,tset')).toThrow(`EVAL_SPLITS: unknown split(s) tset (expected a comma-separated list of ${splitNames().join(', ')})`);
  });

  it('rejects a split.json that does not say what the split is for', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wr-split-'));
    fs.writeFileSync(path.join(dir, 'split.json'), JSON.stringify({ role: 'tuneable', intentNow: 'friday', minimum: { messagesPerLanguage: 10 } }));
    expect(() => readSplitManifest(path.join(dir, 'split.json'))).toThrow(/role[^\n]*\n[^\n]*intentNow[^\n]*\n[^\n]*minimum\.dialoguesPerLanguage/);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('receptionist evaluation (rule engine, offline)', () => {
  let world: EvalWorld;
  let reports: SplitReport[];
  const report = (name: string) => reports.find((r) => r.split.name === name)!;

  beforeAll(async () => {
    const splits = loadSplits();
    world = await EvalWorld.create(splits);
    reports = [];
    for (const split of splits) reports.push(await evaluateSplit(world, split));
    if (process.env.EVAL_REPORT) console.log(formatReport(reports));
  }, 900_000);
  afterAll(() => world?.close());

  // The dev split guards against regressions: it is what the engine was tuned on.
  forSplit('dev')('dev: classifies ≥ 90% of English and ≥ 85% of Spanish messages correctly', () => {
    const { intents } = report('dev');
    expect(intents.accuracy.en, formatReport(reports)).toBeGreaterThanOrEqual(0.9);
    expect(intents.accuracy.es, formatReport(reports)).toBeGreaterThanOrEqual(0.85);
  });

  forSplit('dev')('dev: is ≥ 98% precise on opt_out, human and cancel', () => {
    for (const intent of ['opt_out', 'human', 'cancel']) expect(report('dev').intents.perIntent[intent]!.precision, intent).toBeGreaterThanOrEqual(0.98);
  });

  forSplit('dev')('dev: completes every scripted dialogue with the expected bookings', () => {
    expect(report('dev').dialogues.filter((d) => !d.ok).map((d) => d.name), formatReport(reports)).toEqual([]);
  });

  // train is what the engine learns from and what issue 13's work was tuned on; a tunable split that
  // passed once (split.json "gate") guards like it. The others are measurements (`npm run eval`
  // prints them), not gates: held-out ones are never tuned on, tunable ones until their misses are
  // fixed (their README.md has the first measure), and seen keeps the held-out lines once leaked.
  for (const name of selected.filter((n) => n !== 'dev')) {
    const gates = name === 'train' || folderManifests().get(name)?.gate === true;
    if (gates) {
      it(`${name}: classifies ≥ 95% of messages and completes every scripted dialogue`, () => {
        const { intents, dialogues } = report(name);
        expect(intents.accuracy.en, formatReport(reports)).toBeGreaterThanOrEqual(0.95);
        expect(intents.accuracy.es, formatReport(reports)).toBeGreaterThanOrEqual(0.95);
        expect(dialogues.filter((d) => !d.ok).map((d) => d.name), formatReport(reports)).toEqual([]);
      });
      continue;
    }
    it(`${name}: measures every message and dialogue in both languages`, () => {
      const { split, intents, dialogues } = report(name);
      for (const lang of LANGS) if (split.messages.some((m) => m.lang === lang)) expect(intents.accuracy[lang], lang).toBeTypeOf('number');
      expect(Object.values(intents.perIntent).reduce((n, m) => n + m.support, 0)).toBe(split.messages.length);
      expect(dialogues.length).toBe(split.dialogues.length);
    });
  }
});
