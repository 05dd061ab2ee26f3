import fs from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { createLogger } from '../../core/logger.js';
import { RegistryView } from '../../core/registry.js';
import { RuleEngine } from '../../brain/receptionist/rule-engine.js';
import { INTENTS, type Engine, type Intent } from '../../brain/receptionist/engine.js';
import { ChatService } from '../../brain/services/chat.js';
import { Tenants, type TenantContext } from '../../brain/tenants.js';
import { cli, exampleProfile, makeHome, type TestHome } from '../helpers/home.js';
import { corpus } from '../../brain/receptionist/utterances.js';
import { normalize } from '../../brain/receptionist/text.js';
import { DIALOGUES, NOW } from './dialogues.js';
import { LANGS, loadSplitFolder, type BookingState, type Labelled, type Lang, type SplitDialogue } from './split-data.js';

const here = path.dirname(new URL(import.meta.url).pathname);

export type SplitName = 'train' | 'train2' | 'train3' | 'train4' | 'train5' | 'train6' | 'train7' | 'train8' | 'train9' | 'dev' | 'seen' | 'test' | 'test2' | 'test3' | 'test4' | 'test5' | 'test6' | 'test7';

/**
 * One evaluation set. `dev` is the original test/eval data (the demo clinic): look at it and tune
 * on it. `test` (test/eval/test/), `test2` (test/eval/test2/), `test3` (test/eval/test3/), `test4`
 * (test/eval/test4/), `test5` (test/eval/test5/), `test6` (test/eval/test6/) and `test7` (test/eval/test7/) were written blind, by people who had not read the engine: measure on them, never tune on them. `train`
 * is what the engine learns from (see trainSplit); `train2` (test/eval/train2/), `train3`
 * (test/eval/train3/) `train4` (test/eval/train4/), `train5` (test/eval/train5/), `train6` (test/eval/train6/), `train7` (test/eval/train7/), `train8` (test/eval/train8/) and `train9` (test/eval/train9/) were written blind like test2 and may be tuned on.
 * `seen` holds the test and test2 lines whose misses were read while tuning (see seenSplit).
 */
export interface Split {
  name: SplitName;
  /** Business id → profile file; each runs as tenants `<id>-en` and `<id>-es`. */
  businesses: Map<string, string>;
  messages: Labelled[];
  /** Messages that must come back `unknown`, reported on their own (dev only). */
  outOfScope: Labelled[];
  dialogues: SplitDialogue[];
  /** Whether the report may print this split's individual misses and transcripts. */
  showMisses: boolean;
}

function readDevLabelled(file: string, lang: Lang): Labelled[] {
  return fs
    .readFileSync(path.join(here, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => {
      const [intent, ...rest] = l.split('|');
      return { lang, business: 'clinic', intent: intent!.trim() as Intent, text: rest.join('|').trim() };
    });
}

export function devSplit(): Split {
  const outOfScope = fs
    .readFileSync(path.join(here, 'out-of-scope.txt'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l): Labelled => {
      const [lang, ...rest] = l.split('|');
      return { lang: lang!.trim() as Lang, business: 'clinic', intent: 'unknown', text: rest.join('|').trim() };
    });
  return {
    name: 'dev',
    businesses: new Map([['clinic', exampleProfile]]),
    messages: [...readDevLabelled('intents.en.txt', 'en'), ...readDevLabelled('intents.es.txt', 'es')],
    outOfScope,
    dialogues: DIALOGUES.map((d) => ({ ...d, business: 'clinic', now: NOW })),
    showMisses: true,
  };
}

/** A split that is exactly its folder's files; throws SplitFormatError naming every bad line. */
function folderSplit(name: 'test' | 'test2' | 'test3' | 'test4' | 'test5' | 'test6' | 'test7' | 'train2' | 'train3' | 'train4' | 'train5' | 'train6' | 'train7' | 'train8' | 'train9' | 'seen', showMisses: boolean): Split {
  const data = loadSplitFolder(path.join(here, name));
  const businesses = new Map([...data.businesses].map(([id, b]) => [id, b.file]));
  return { name, businesses, messages: data.messages, outOfScope: [], dialogues: data.dialogues, showMisses };
}

/** The held-out splits hide their misses unless asked: reading them invites tuning on them. */
export const testSplit = (): Split => folderSplit('test', process.env.EVAL_TEST_MISSES === '1');
export const test2Split = (): Split => folderSplit('test2', process.env.EVAL_TEST_MISSES === '1');
export const test3Split = (): Split => folderSplit('test3', process.env.EVAL_TEST_MISSES === '1');
/** Four businesses (test/eval/test4/README.md), written blind like test3. */
export const test4Split = (): Split => folderSplit('test4', process.env.EVAL_TEST_MISSES === '1');
/** Three businesses (test/eval/test5/README.md), written blind like test3. */
export const test5Split = (): Split => folderSplit('test5', process.env.EVAL_TEST_MISSES === '1');
/** Three businesses (test/eval/test6/README.md), written blind like test3. */
export const test6Split = (): Split => folderSplit('test6', process.env.EVAL_TEST_MISSES === '1');
/** Three businesses (test/eval/test7/README.md), written blind like test3. */
export const test7Split = (): Split => folderSplit('test7', process.env.EVAL_TEST_MISSES === '1');
/** A second training split, written blind for three more businesses: tune on it freely. */
export const train2Split = (): Split => folderSplit('train2', true);
/** A third training split, written blind for three more businesses (test/eval/train3/README.md): tune on it freely. */
export const train3Split = (): Split => folderSplit('train3', true);
/** A fourth training split, mostly booking dialogues, written blind for three more businesses (test/eval/train4/README.md): tune on it freely. */
export const train4Split = (): Split => folderSplit('train4', true);
/** A fifth training split, mostly booking dialogues, written blind for three more businesses (test/eval/train5/README.md): tune on it freely. */
export const train5Split = (): Split => folderSplit('train5', true);
/** A sixth training split, mostly booking dialogues, written blind for three more businesses (test/eval/train6/README.md): tune on it freely. */
export const train6Split = (): Split => folderSplit('train6', true);
/** A seventh training split, intent messages on the hard boundaries and booking dialogues, written blind for three more businesses (test/eval/train7/README.md): tune on it freely. */
export const train7Split = (): Split => folderSplit('train7', true);
/** An eighth training split, mostly booking dialogues, written blind for three more businesses (test/eval/train8/README.md): tune on it freely. */
export const train8Split = (): Split => folderSplit('train8', true);
/** A ninth training split, mostly intent messages on the hard boundaries, written blind for three more businesses (test/eval/train9/README.md): tune on it freely. */
export const train9Split = (): Split => folderSplit('train9', true);
/**
 * Held-out lines whose misses were read and described in a tuning brief (test/eval/seen/README.md):
 * no longer held out, so reported like dev, never counted in test or test2.
 */
export const seenSplit = (): Split => folderSplit('seen', true);

/**
 * The train split: what the engine learns from and what it may be tuned on. Its messages are the
 * classifier's curated base corpus (brain/receptionist/corpus/base.*.txt; the blind-written files
 * beside it are learnt from but not gated: their authors label the odd line differently), asked of the businesses
 * written for issue 13 (test/eval/train/), plus the phrasings and dialogues in that folder.
 */
export function trainSplit(): Split | undefined {
  const data = loadSplitFolder(path.join(here, 'train'));
  const businesses = [...data.businesses.keys()];
  const learned = LANGS.flatMap((lang) =>
    corpus()
      [lang].filter((u) => u.file.startsWith('base.'))
      .map(({ intent, text }, i): Labelled => ({ lang, business: businesses[i % businesses.length]!, intent, text })),
  );
  return { name: 'train', businesses: new Map([...data.businesses].map(([id, b]) => [id, b.file])), messages: [...learned, ...data.messages], outOfScope: [], dialogues: data.dialogues, showMisses: true };
}

/** Split names EVAL_SPLITS may list (comma-separated), in report order; unset means every split. */
const SPLIT_NAMES: readonly SplitName[] = ['train', 'train2', 'train3', 'train4', 'train5', 'train6', 'train7', 'train8', 'train9', 'dev', 'seen', 'test', 'test2', 'test3', 'test4', 'test5', 'test6', 'test7'];

/**
 * The splits EVAL_SPLITS asks for ("train,train2,dev" tunes without ever reading a held-out split);
 * every split when it is unset. An unknown name is an error, so a typo cannot silently skip one.
 */
export function selectedSplits(value: string | undefined): SplitName[] {
  if (!value?.trim()) return [...SPLIT_NAMES];
  const names = value.split(',').map((n) => n.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(SPLIT_NAMES as readonly string[]).includes(n));
  if (unknown.length) throw new Error(`EVAL_SPLITS: unknown split(s) ${unknown.join(', ')} (expected a comma-separated list of ${SPLIT_NAMES.join(', ')})`);
  return SPLIT_NAMES.filter((n) => names.includes(n));
}

/** The splits to report, in report order; train only once wired. Only the selected ones are read. */
export function loadSplits(names: readonly SplitName[] = selectedSplits(process.env.EVAL_SPLITS)): Split[] {
  const load: Record<SplitName, () => Split | undefined> = { train: trainSplit, train2: train2Split, train3: train3Split, train4: train4Split, train5: train5Split, train6: train6Split, train7: train7Split, train8: train8Split, train9: train9Split, dev: devSplit, seen: seenSplit, test: testSplit, test2: test2Split, test3: test3Split, test4: test4Split, test5: test5Split, test6: test6Split, test7: test7Split };
  return names.flatMap((n) => load[n]() ?? []);
}

/** Every business of the given splits as an English and a Spanish tenant, offline rule engine by default. */
export class EvalWorld {
  private senders = 0;

  private constructor(
    readonly home: TestHome,
    readonly tenants: Tenants,
    readonly chat: ChatService,
  ) {}

  static async create(splits: Split[], engine: Engine = new RuleEngine()): Promise<EvalWorld> {
    const home = makeHome();
    const businesses = new Map(splits.flatMap((s) => [...s.businesses]));
    for (const [id, file] of businesses) {
      const yaml = fs.readFileSync(file, 'utf8');
      if (!/^language: \w+$/m.test(yaml)) throw new Error(`${file}: needs a "language:" line so the evaluation can run it in both languages`);
      for (const lang of LANGS) {
        const profile = path.join(home.home, `${id}-${lang}.yaml`);
        fs.writeFileSync(profile, yaml.replace(/^language: \w+$/m, `language: ${lang}`));
        const r = await cli(home.env, 'tenant', 'add', `${id}-${lang}`, '--profile', profile, '--transport', 'simulator');
        if (r.code !== 0) throw new Error(`could not add the eval tenant ${id}-${lang}: ${r.stderr}`);
      }
    }
    const log = createLogger('eval', 'silent');
    const tenants = new Tenants(home.config.paths, new RegistryView(home.config.paths), log);
    return new EvalWorld(home, tenants, new ChatService(engine, log));
  }

  async tenant(business: string, lang: Lang): Promise<TenantContext> {
    return (await this.tenants.get(`${business}-${lang}`))!;
  }

  /** A sender no other message of this run used, so no conversation state leaks between cases. */
  nextSender(): string {
    return `+3460${String(this.senders++).padStart(7, '0')}`;
  }

  async close(): Promise<void> {
    await this.tenants.closeAll();
    this.home.cleanup();
  }
}

export interface IntentReport {
  perIntent: Record<string, { precision: number; recall: number; support: number }>;
  accuracy: Partial<Record<Lang, number>>;
  /**
   * Accuracy on the messages whose words are not, verbatim, a line of the classifier's training corpus
   * (brain/receptionist/corpus/): blind authors write "what time do you close" too, and a message
   * the classifier learnt is no measure of how it reads new phrasing.
   */
  unlearnt: Partial<Record<Lang, { accuracy: number; count: number }>>;
  /** Share of out-of-scope messages answered `unknown`; undefined when the split has none. */
  outOfScope?: number;
  misses: string[];
}

async function classify(world: EvalWorld, m: Labelled, now: string): Promise<Intent> {
  const r = await world.chat.handle(await world.tenant(m.business, m.lang), { message: m.text, sender: world.nextSender(), timestamp: now });
  return r.intent;
}

/** Intent messages are read at a fixed weekday clock per split, so "today" and "tomorrow" mean the same every run. */
const INTENT_NOW: Record<SplitName, string> = {
  train: '2026-03-24T10:00:00Z', train2: '2026-05-12T15:00:00Z', train3: '2026-06-16T15:00:00Z', train4: '2026-07-15T21:00:00Z', train5: '2026-10-21T16:00:00Z', train6: '2026-12-02T12:00:00Z', train7: '2027-03-11T15:30:00Z',
  // Friday 16 April 2027: 08:40 in Atlanta (EDT), 07:40 in Medellín, 20:40 in Manila: all three open.
  train8: '2027-04-16T12:40:00Z',
  // Wednesday 12 May 2027: 11:00 in Toronto (EDT), 10:00 in Cancún, 11:00 in Santiago (winter time): all three open.
  train9: '2027-05-12T15:00:00Z',
  dev: NOW, seen: '2026-03-10T11:00:00Z', test: '2026-04-14T09:00:00Z', test2: '2026-03-10T11:00:00Z', test3: '2026-06-09T14:00:00Z',
  // Tuesday 18 August 2026, 17:00 in Toronto and Santiago, 18:00 in Montevideo, Wednesday 09:00 in Auckland: all four open.
  test4: '2026-08-18T21:00:00Z',
  // Wednesday 14 October 2026, between 10:00 and 11:00 local time for its businesses: all open.
  test5: '2026-10-14T16:00:00Z',
  // Thursday 22 October 2026, between 11:00 and 15:00 local time for its businesses: all open.
  test6: '2026-10-22T14:00:00Z',
  // Friday 20 November 2026, between 11:00 and 18:00 local time for its businesses: all open.
  test7: '2026-11-20T18:00:00Z',
};

export async function evaluateIntents(world: EvalWorld, split: Split): Promise<IntentReport> {
  const { messages } = split;
  const predicted: Intent[] = [];
  for (const m of messages) predicted.push(await classify(world, m, INTENT_NOW[split.name]));
  const perIntent: IntentReport['perIntent'] = {};
  for (const intent of INTENTS) {
    const tp = messages.filter((m, i) => m.intent === intent && predicted[i] === intent).length;
    const fp = messages.filter((m, i) => m.intent !== intent && predicted[i] === intent).length;
    const support = messages.filter((m) => m.intent === intent).length;
    if (support === 0 && fp === 0) continue;
    perIntent[intent] = { precision: tp + fp ? tp / (tp + fp) : 1, recall: support ? tp / support : 1, support };
  }
  const accuracy: IntentReport['accuracy'] = {};
  const unlearnt: IntentReport['unlearnt'] = {};
  const learnt = corpusTexts();
  for (const lang of LANGS) {
    const idx = messages.flatMap((m, i) => (m.lang === lang ? [i] : []));
    const right = (of: number[]) => of.filter((i) => predicted[i] === messages[i]!.intent).length / of.length;
    if (idx.length) accuracy[lang] = right(idx);
    const fresh = idx.filter((i) => !learnt.has(corpusKey(messages[i]!.text)));
    if (fresh.length) unlearnt[lang] = { accuracy: right(fresh), count: fresh.length };
  }
  const misses = messages.flatMap((m, i) => (predicted[i] === m.intent ? [] : [`${m.lang} ${m.business} ${m.intent} → ${predicted[i]}: ${m.text}`]));
  let outOfScope: number | undefined;
  if (split.outOfScope.length) {
    let hits = 0;
    const answered: string[] = [];
    for (const m of split.outOfScope) {
      const got = await classify(world, m, INTENT_NOW[split.name]);
      if (got === 'unknown') hits++;
      else answered.push(`${m.lang} ${m.business} out of scope → ${got}: ${m.text}`);
    }
    outOfScope = hits / split.outOfScope.length;
    misses.push(...answered);
  }
  return { perIntent, accuracy, unlearnt, outOfScope, misses };
}

const corpusKey = (text: string) => normalize(text).replace(/[^\p{L}\p{N} ]/gu, '').replace(/\s+/g, ' ').trim();

/** Every text of the classifier's corpus (utterances.ts reads it), as corpusKey reads it. */
const corpusTexts = (): Set<string> => new Set(Object.values(corpus()).flat().map((u) => corpusKey(u.text)));

export interface DialogueResult {
  name: string;
  lang: Lang;
  ok: boolean;
  transcript: string[];
  got: BookingState[];
  expected: BookingState[];
  /** The customer's own bookings before the dialogue (`setup: … mine`): left as they were, they are no booking made. */
  before: { serviceId: string; start: string }[];
}

export async function runDialogue(world: EvalWorld, d: SplitDialogue): Promise<DialogueResult> {
  const tenant = await world.tenant(d.business, d.lang);
  const sender = world.nextSender();
  const zone = tenant.profile.timezone;
  const { bookings } = tenant.db;
  const earlier = await bookings.list({ status: 'confirmed' });
  await bookings.write(async (tx) => {
    // Each dialogue starts from its own setup: what earlier dialogues booked no longer takes a slot.
    for (const b of earlier) await tx.cancel(b.id, b.sender, new Date());
    for (const b of d.setup ?? []) {
      const start = DateTime.fromISO(b.start, { zone });
      const duration = tenant.profile.services.find((s) => s.id === b.serviceId)!.duration;
      await tx.insert({
        serviceId: b.serviceId, sender: b.mine ? sender : '+34699999999', customerName: 'Setup', startAt: start.toJSDate(), endAt: start.plus({ minutes: duration }).toJSDate(),
        status: 'confirmed', createdAt: new Date(), updatedAt: new Date(),
      });
    }
  });
  const transcript: string[] = [];
  let clock = DateTime.fromISO(d.now);
  for (const step of d.steps) {
    const r = await world.chat.handle(tenant, { message: step, sender, timestamp: clock.toISO()! });
    transcript.push(`> ${step}`, `< ${r.reply}`);
    clock = clock.plus({ minutes: 1 });
  }
  const rows = (await bookings.list({})).filter((b) => b.sender === sender);
  const got = rows.map((b) => ({ serviceId: b.serviceId, start: DateTime.fromJSDate(b.startAt, { zone }).toFormat("yyyy-MM-dd'T'HH:mm"), status: b.status as BookingState['status'] }));
  return { name: d.name, lang: d.lang, ok: JSON.stringify(got) === JSON.stringify(d.expect), transcript, got, expected: d.expect, before: (d.setup ?? []).filter((b) => b.mine) };
}

export async function evaluateDialogues(world: EvalWorld, split: Split): Promise<DialogueResult[]> {
  const results: DialogueResult[] = [];
  for (const d of split.dialogues) results.push(await runDialogue(world, d));
  return results;
}

export interface SplitReport {
  split: Split;
  intents: IntentReport;
  dialogues: DialogueResult[];
}

export async function evaluateSplit(world: EvalWorld, split: Split): Promise<SplitReport> {
  return { split, intents: await evaluateIntents(world, split), dialogues: await evaluateDialogues(world, split) };
}

const pct = (x: number | undefined) => (x === undefined ? '      -' : `${(x * 100).toFixed(1)}%`.padStart(7));

function dialogueScore(ds: DialogueResult[], lang?: Lang): string {
  const of = lang ? ds.filter((d) => d.lang === lang) : ds;
  return `${of.filter((d) => d.ok).length}/${of.length}`;
}

/** A dialogue that ends with a confirmed booking (service and minute) the customer did not ask for: worse than asking. */
const wrongBooking = (d: DialogueResult): boolean => d.got.some((b) => b.status === 'confirmed' && !d.before.some((o) => o.serviceId === b.serviceId && o.start === b.start) && !d.expected.some((e) => e.serviceId === b.serviceId && e.start === b.start && (e.status ?? 'confirmed') === 'confirmed'));

/** One summary line per split, then each split's detail; misses only where the split allows. */
export function formatReport(reports: SplitReport[]): string {
  const lines = ['split   messages  intent en  intent es  dialogues en  dialogues es  dialogues  unlearnt en  unlearnt es'];
  for (const { split, intents, dialogues } of reports) {
    lines.push(
      `${split.name.padEnd(6)}  ${String(split.messages.length).padStart(8)}  ${pct(intents.accuracy.en).padStart(9)}  ${pct(intents.accuracy.es).padStart(9)}  ${dialogueScore(dialogues, 'en').padStart(12)}  ${dialogueScore(dialogues, 'es').padStart(12)}  ${dialogueScore(dialogues).padStart(9)}  ${pct(intents.unlearnt.en?.accuracy).padStart(11)}  ${pct(intents.unlearnt.es?.accuracy).padStart(11)}`,
    );
  }
  lines.push('unlearnt: accuracy on the messages that are not verbatim a line of the classifier\'s training corpus.');
  if (!reports.some((r) => r.split.name === 'train')) lines.push('train  (not wired yet: see trainSplit() in test/eval/harness.ts)');
  lines.push('test, test2, test3, test4, test5, test6 and test7 are the honest splits: written blind, never tuned on (the lines once leaked are in seen).');
  for (const { split, intents, dialogues } of reports) {
    lines.push('', `== ${split.name} split: ${[...split.businesses.keys()].join(', ')}`, 'intent        precision  recall  support');
    for (const [intent, m] of Object.entries(intents.perIntent)) lines.push(`${intent.padEnd(13)} ${pct(m.precision)}  ${pct(m.recall)}  ${String(m.support).padStart(7)}`);
    const fresh = LANGS.flatMap((l) => (intents.unlearnt[l] ? [`${l} ${pct(intents.unlearnt[l]!.accuracy).trim()} of ${intents.unlearnt[l]!.count}`] : [])).join(', ');
    lines.push('', `accuracy: en ${pct(intents.accuracy.en)}, es ${pct(intents.accuracy.es)}; not in the training corpus: ${fresh || 'none'}${intents.outOfScope === undefined ? '' : `; out of scope answered "unknown": ${pct(intents.outOfScope)}`}`);
    lines.push(`dialogues: ${dialogueScore(dialogues)} succeeded`);
    if (!split.showMisses) {
      const failed = dialogues.filter((d) => !d.ok);
      lines.push(`(${intents.misses.length} misclassified, ${failed.length} failed dialogues not shown: EVAL_TEST_MISSES=1 prints them; read them to understand, never to tune)`);
      lines.push(`failed dialogues that end with a booking the customer did not ask for: ${failed.filter(wrongBooking).length} of ${failed.length}`);
      continue;
    }
    for (const d of dialogues.filter((x) => !x.ok)) lines.push(`  FAILED ${d.name}: got ${JSON.stringify(d.got)}`, ...d.transcript.map((t) => `    ${t}`));
    if (intents.misses.length) lines.push('', 'misclassified:', ...intents.misses.map((m) => `  ${m}`));
  }
  return lines.join('\n');
}
