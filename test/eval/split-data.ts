import fs from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { parseProfileYaml, type Profile } from '../../core/profile.js';
import { INTENTS, type Intent } from '../../brain/receptionist/engine.js';

/**
 * Reads and validates the test split's files (format in test/eval/test/README.md). Every
 * problem is reported as `file:line: what is wrong`, all at once, so a bad line cannot silently
 * shrink the measurement.
 */

export type Lang = 'en' | 'es';
export const LANGS: readonly Lang[] = ['en', 'es'];

export interface Labelled {
  lang: Lang;
  business: string;
  intent: Intent;
  text: string;
}

export interface BookingState {
  serviceId: string;
  start: string;
  status: 'confirmed' | 'cancelled';
}

export interface SplitDialogue {
  name: string;
  lang: Lang;
  business: string;
  /** The first message's instant (ISO 8601); each next message is sent a minute later. */
  now: string;
  /** Bookings that exist before the dialogue; `mine` ones belong to the dialogue's customer. */
  setup?: { serviceId: string; start: string; mine?: boolean }[];
  steps: string[];
  /** Every booking of the dialogue's customer at the end, by local start. */
  expect: BookingState[];
}

export class SplitFormatError extends Error {
  constructor(readonly problems: string[]) {
    super(`the evaluation data has ${problems.length} problem(s):\n${problems.join('\n')}`);
    this.name = 'SplitFormatError';
  }
}

const LOCAL = "yyyy-MM-dd'T'HH:mm";

function localTime(s: string | undefined, zone: string): DateTime | undefined {
  if (!s || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(s)) return undefined;
  const t = DateTime.fromFormat(s, LOCAL, { zone });
  return t.isValid && t.toFormat(LOCAL) === s ? t : undefined;
}

/** `<business> | <intent> | <text>` lines. */
export function parseIntentLines(text: string, file: string, lang: Lang, businesses: ReadonlySet<string>, problems: string[]): Labelled[] {
  const out: Labelled[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const where = `${file}:${i + 1}`;
    const [business, intent, ...rest] = line.split('|').map((p) => p.trim());
    const message = rest.join('|').trim();
    if (!businesses.has(business!)) problems.push(`${where}: unknown business "${business}" (expected one of ${[...businesses].join(', ')})`);
    else if (!(INTENTS as readonly string[]).includes(intent ?? '')) problems.push(`${where}: unknown intent "${intent}" (expected one of ${INTENTS.join(', ')})`);
    else if (!message) problems.push(`${where}: no message after "<business> | <intent> |"`);
    else out.push({ lang, business: business!, intent: intent as Intent, text: message });
  });
  return out;
}

/** `## name` blocks with business/now/setup/`>` turns/expect lines. */
export function parseDialogueBlocks(text: string, file: string, lang: Lang, profiles: ReadonlyMap<string, Profile>, problems: string[]): SplitDialogue[] {
  const out: SplitDialogue[] = [];
  let current: { d: SplitDialogue; line: number; expectNone: boolean; problemsBefore: number } | undefined;
  const finish = () => {
    if (!current) return;
    const { d, line, expectNone, problemsBefore } = current;
    const where = `${file}:${line}`;
    // A block whose lines were already reported needs no second complaint about what they failed to give.
    const linesWereFine = problems.length === problemsBefore;
    if (!profiles.has(d.business)) problems.push(`${where}: dialogue "${d.name}" needs "business: <one of ${[...profiles.keys()].join(', ')}>"`);
    if (!d.now || !DateTime.fromISO(d.now, { setZone: true }).isValid || !/(Z|[+-]\d{2}:\d{2})$/.test(d.now)) problems.push(`${where}: dialogue "${d.name}" needs "now: <ISO 8601 instant with a zone, like 2026-04-14T09:00:00Z>"`);
    if (d.steps.length === 0) problems.push(`${where}: dialogue "${d.name}" has no "> message" turns`);
    if (d.expect.length === 0 && !expectNone && linesWereFine) problems.push(`${where}: dialogue "${d.name}" needs "expect: <service> <local time>" or "expect: none"`);
    if (d.expect.length > 0 && expectNone) problems.push(`${where}: dialogue "${d.name}" has both "expect: none" and expected bookings`);
    if (problems.length === problemsBefore) out.push(d);
    current = undefined;
  };
  const booking = (value: string, where: string, business: string, kind: 'setup' | 'expect'): { serviceId: string; start: string; rest: string | undefined } | undefined => {
    const [serviceId, start, rest, extra] = value.split(/\s+/);
    const profile = profiles.get(business);
    if (!profile) return void problems.push(`${where}: "${kind}" before "business:"`);
    if (!profile.services.some((s) => s.id === serviceId)) return void problems.push(`${where}: ${business} has no service "${serviceId}"`);
    if (!localTime(start, profile.timezone)) return void problems.push(`${where}: "${start}" is not a local time like 2026-04-15T16:30 in ${profile.timezone}`);
    if (extra !== undefined) return void problems.push(`${where}: too many words after "${kind}:"`);
    return { serviceId: serviceId!, start: start!, rest };
  };
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    const where = `${file}:${i + 1}`;
    if (!line || line.startsWith('# ') || line === '#') return;
    if (line.startsWith('## ')) {
      finish();
      current = { d: { name: line.slice(3).trim(), lang, business: '', now: '', steps: [], expect: [] }, line: i + 1, expectNone: false, problemsBefore: problems.length };
      return;
    }
    if (!current) return void problems.push(`${where}: text before the first "## <name>" line`);
    const { d } = current;
    if (line.startsWith('>')) {
      const step = line.slice(1).trim();
      if (!step) problems.push(`${where}: empty customer turn`);
      else d.steps.push(step);
      return;
    }
    const m = /^(business|now|setup|expect):\s*(.*)$/.exec(line);
    if (!m) return void problems.push(`${where}: expected "business:", "now:", "setup:", "> message" or "expect:", got "${line}"`);
    const [, key, value] = m as unknown as [string, string, string];
    if (key === 'business') d.business = value;
    else if (key === 'now') d.now = value;
    else if (key === 'setup') {
      const b = booking(value, where, d.business, 'setup');
      if (b && b.rest !== undefined && b.rest !== 'mine') problems.push(`${where}: setup ends with "mine" or nothing, got "${b.rest}"`);
      else if (b) (d.setup ??= []).push({ serviceId: b.serviceId, start: b.start, ...(b.rest === 'mine' ? { mine: true } : {}) });
    } else if (value === 'none') current.expectNone = true;
    else {
      const b = booking(value, where, d.business, 'expect');
      const status = b?.rest ?? 'confirmed';
      if (status === 'confirmed' || status === 'cancelled') {
        if (b) d.expect.push({ serviceId: b.serviceId, start: b.start, status });
      } else problems.push(`${where}: expected status "confirmed" or "cancelled", got "${status}"`);
    }
  });
  finish();
  const names = new Set<string>();
  for (const d of out) {
    if (names.has(d.name)) problems.push(`${file}: two dialogues are named "${d.name}"`);
    names.add(d.name);
    // Bookings of the dialogue's customer come back ordered by start: expect them in that order.
    d.expect.sort((a, b) => a.start.localeCompare(b.start));
  }
  return out;
}

export interface SplitData {
  /** Business id → its profile file, each run as tenants `<id>-en` and `<id>-es`. */
  businesses: Map<string, { file: string; profile: Profile }>;
  messages: Labelled[];
  dialogues: SplitDialogue[];
}

/** Loads a split folder laid out like test/eval/test/; throws SplitFormatError listing every problem. */
export function loadSplitFolder(dir: string): SplitData {
  const problems: string[] = [];
  const rel = (f: string) => path.relative(process.cwd(), path.join(dir, f));
  const businesses = new Map<string, { file: string; profile: Profile }>();
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.yaml')).sort()) {
    const id = f.slice(0, -'.yaml'.length);
    try {
      businesses.set(id, { file: path.join(dir, f), profile: parseProfileYaml(fs.readFileSync(path.join(dir, f), 'utf8'), rel(f)) });
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  const profiles = new Map([...businesses].map(([id, b]) => [id, b.profile]));
  const messages: Labelled[] = [];
  const dialogues: SplitDialogue[] = [];
  for (const lang of LANGS) {
    const intents = `intents.${lang}.txt`;
    const dials = `dialogues.${lang}.txt`;
    if (fs.existsSync(path.join(dir, intents))) messages.push(...parseIntentLines(fs.readFileSync(path.join(dir, intents), 'utf8'), rel(intents), lang, new Set(businesses.keys()), problems));
    if (fs.existsSync(path.join(dir, dials))) dialogues.push(...parseDialogueBlocks(fs.readFileSync(path.join(dir, dials), 'utf8'), rel(dials), lang, profiles, problems));
  }
  if (problems.length) throw new SplitFormatError(problems);
  return { businesses, messages, dialogues };
}

/**
 * A folder split's `split.json`: what it is for, its clock, and the size it was written to. A folder
 * under test/eval with this file is a split; nothing else needs to name it.
 */
const SplitManifestSchema = z.strictObject({
  /** held-out: written blind, measured, never tuned on; tunable: read its misses and fix by class; seen: held-out lines whose misses were read. */
  role: z.enum(['held-out', 'tunable', 'seen']),
  /** Intent messages are read at this instant, so "today" and "tomorrow" mean the same every run; pick a time all its businesses are open. */
  intentNow: z.iso.datetime({ offset: true }),
  /** The size it was written to: checked, so a bad edit cannot shrink the measurement. */
  minimum: z.strictObject({ messagesPerLanguage: z.int().min(0), dialoguesPerLanguage: z.int().min(0), businesses: z.int().min(1) }).optional(),
  /** Tuned on until it passed: from then on it gates like train (≥ 95 % intents, every dialogue). */
  gate: z.boolean().optional(),
});
export type SplitManifest = z.infer<typeof SplitManifestSchema>;

export function readSplitManifest(file: string): SplitManifest {
  const parsed = SplitManifestSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) throw new SplitFormatError(parsed.error.issues.map((i) => `${path.relative(process.cwd(), file)}: ${i.path.join('.') || '(top)'}: ${i.message}`));
  return parsed.data;
}
