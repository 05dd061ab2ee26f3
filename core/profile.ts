import { DateTime, IANAZone } from 'luxon';
import { LineCounter, parseDocument, stringify, isMap, isNode, isScalar, type Node } from 'yaml';
import { z } from 'zod';
import { formatPath } from './issue-path.js';
import { LANGUAGES } from './language.js';
import { MEDIA_DEFAULTS, MediaPolicySchema } from './media-policy.js';
import { invisibleIn, invisibleNameError, stripControlDeep, stripInvisible } from './text.js';

/**
 * The business profile: one declarative document per tenant (profile.yaml, or the body of
 * PUT /api/profile). Everything the receptionist says about a business comes from here.
 */

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export { LANGUAGES, type Language } from './language.js';

const E164 = /^\+[1-9]\d{6,14}$/;
const RANGE = /^(\d{2}):(\d{2})\s*-\s*(\d{2}):(\d{2})$/;

/** Minutes after midnight; a range that closes at or before it opens runs past midnight. */
export interface TimeRange {
  open: number;
  close: number;
}

const timeRange = z.string({ error: 'expected a time range like "09:00-13:00"' }).transform((s, ctx): TimeRange => {
  const m = RANGE.exec(s.trim());
  const [oh, om, ch, cm] = m ? m.slice(1).map(Number) : [];
  const valid = (h?: number, min?: number, allow24 = false) =>
    h !== undefined && min !== undefined && min < 60 && (h < 24 || (allow24 && h === 24 && min === 0));
  if (!m || !valid(oh, om) || !valid(ch, cm, true)) {
    ctx.addIssue({ code: 'custom', message: `"${s}" is not a time range like "09:00-13:00" (24-hour clock)` });
    return z.NEVER;
  }
  const open = oh! * 60 + om!;
  const close = ch! * 60 + cm!;
  if (open === close) {
    ctx.addIssue({ code: 'custom', message: `"${s}" opens and closes at the same time; use "00:00-24:00" for all day` });
    return z.NEVER;
  }
  return { open, close };
});

/** Length of a range in minutes, overnight ranges included. */
export function rangeMinutes(r: TimeRange): number {
  return r.close > r.open ? r.close - r.open : 24 * 60 - r.open + r.close;
}

const dayRanges = z.array(timeRange).superRefine((ranges, ctx) => {
  const sorted = [...ranges].sort((a, b) => a.open - b.open);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    if (prev.close > prev.open ? prev.close > sorted[i]!.open : true) {
      ctx.addIssue({ code: 'custom', message: 'time ranges overlap (only the last range of a day may run past midnight)' });
      return;
    }
  }
});

const isoDate = z.string({ error: 'expected a date like 2026-12-25' }).refine((s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && DateTime.fromISO(s).isValid, {
  error: (issue) => `${JSON.stringify(issue.input)} is not a real date like 2026-12-25`,
});

const exception = z
  .object({
    date: isoDate,
    closed: z.boolean().optional(),
    hours: dayRanges.optional(),
    note: z.string().max(200).optional(),
  })
  .strict()
  .refine((e) => (e.closed === true) !== (e.hours !== undefined), {
    error: 'give either "closed: true" or "hours", not both and not neither',
  });

const service = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,40}$/, 'expected a short id of lowercase letters, digits, - or _'),
    name: z.string().min(1).max(100),
    aliases: z.array(z.string().min(1).max(100)).max(20).default([]),
    duration: z.number({ error: 'expected the duration in minutes' }).int().min(5, 'at least 5 minutes').max(720, 'at most 720 minutes'),
    price: z.number().min(0, 'a price cannot be negative').optional(),
    currency: z.string().regex(/^[A-Z]{3}$/, 'expected a 3-letter currency code like EUR').optional(),
    description: z.string().max(500).optional(),
  })
  .strict()
  .refine((s) => s.price === undefined || s.currency !== undefined, { error: 'a service with a price needs a currency', path: ['currency'] });

const phone = z
  .string({ error: 'expected a phone number in quotes, like "+34600111222"' })
  .regex(E164, 'expected an E.164 phone number like "+34600111222"');

const contact = z
  .object({
    name: z.string().min(1).max(100),
    phone: phone.optional(),
    telegramChatId: z.union([z.string(), z.number()]).transform(String).pipe(z.string().regex(/^-?\d+$/, 'expected a numeric Telegram chat id')).optional(),
  })
  .strict()
  .refine((c) => c.phone !== undefined || c.telegramChatId !== undefined, { error: 'a contact needs a phone or a telegramChatId' });

const message = z.string().min(1).max(1000);


/** A profile is a small business's description: anything past these is a mistake or an attack. */
export const LIMITS = { bytes: 64 * 1024, services: 200, faq: 300, exceptions: 400 } as const;

export const ProfileSchema = z
  .object({
    name: z
      .string({ error: (issue) => (issue.input === undefined ? 'the business name is required' : 'expected the business name as text') })
      .trim()
      .min(1, 'the business name is empty')
      .max(100, 'the business name is at most 100 characters')
      .refine((s) => !/[\t\n]/.test(s), 'the business name is one line of text')
      .superRefine((s, ctx) => {
        const code = invisibleIn(s);
        if (code) ctx.addIssue({ code: 'custom', message: invisibleNameError(code) });
      }),
    timezone: z.string({ error: 'an IANA timezone like Europe/Madrid is required' }).refine((tz) => IANAZone.isValidZone(tz), {
      error: (issue) => `${JSON.stringify(issue.input)} is not an IANA timezone like Europe/Madrid`,
    }),
    language: z.enum(LANGUAGES, { error: `expected one of: ${LANGUAGES.join(', ')}` }).default('en'),
    address: z.string().max(300).optional(),
    phone: phone.optional(),
    // Only web links: the console and replies show it to people, so javascript: or file: never pass.
    mapUrl: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).optional(),
    hours: z
      .object(Object.fromEntries(WEEKDAYS.map((d) => [d, dayRanges.default([])])) as Record<Weekday, z.ZodDefault<typeof dayRanges>>)
      .strict()
      .default(Object.fromEntries(WEEKDAYS.map((d) => [d, []])) as unknown as Record<Weekday, TimeRange[]>),
    exceptions: z
      .array(exception)
      .max(LIMITS.exceptions)
      .default([])
      .superRefine((list, ctx) => {
        const seen = new Set<string>();
        list.forEach((e, i) => {
          if (seen.has(e.date)) ctx.addIssue({ code: 'custom', path: [i, 'date'], message: `${e.date} is listed twice` });
          seen.add(e.date);
        });
      }),
    services: z
      .array(service)
      .max(LIMITS.services, `at most ${LIMITS.services} services`)
      .default([])
      .superRefine((list, ctx) => {
        const seen = new Set<string>();
        list.forEach((s, i) => {
          if (seen.has(s.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `service id "${s.id}" is used twice` });
          seen.add(s.id);
        });
      }),
    faq: z
      .array(z.object({ question: z.string().min(1).max(500), answer: z.string().min(1).max(2000), keywords: z.array(z.string().max(100)).max(50).default([]) }).strict())
      .max(LIMITS.faq, `at most ${LIMITS.faq} FAQ entries`)
      .default([]),
    booking: z
      .object({
        slotMinutes: z.number().int().min(5).max(240).default(30),
        capacityPerSlot: z.number().int().min(1).max(100).default(1),
        minNoticeMinutes: z.number().int().min(0).max(60 * 24 * 30).default(60),
        maxDaysAhead: z.number().int().min(1).max(365).default(60),
        bufferMinutes: z.number().int().min(0).max(240).default(0),
      })
      .strict()
      .default({ slotMinutes: 30, capacityPerSlot: 1, minNoticeMinutes: 60, maxDaysAhead: 60, bufferMinutes: 0 }),
    escalation: z.object({ contacts: z.array(contact).max(20).default([]) }).strict().default({ contacts: [] }),
    /** Where the business is, sent as a WhatsApp location pin when a customer asks where it is. */
    location: z
      .object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) })
      .strict()
      .optional(),
    media: MediaPolicySchema.default(MEDIA_DEFAULTS),
    messages: z
      .object({
        greeting: message.optional(), afterHours: message.optional(), handoff: message.optional(), fallback: message.optional(),
        voiceNote: message.optional(), call: message.optional(), mediaReceived: message.optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

export type Profile = z.output<typeof ProfileSchema>;
/** What a profile file or PUT body holds: hours as "HH:MM-HH:MM" strings. */
export type ProfileInput = z.input<typeof ProfileSchema>;

export interface ProfileIssue {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

export class ProfileError extends Error {
  constructor(
    readonly source: string,
    readonly issues: ProfileIssue[],
  ) {
    // Bounded, as it goes to logs and terminals: never the whole profile back, however broken.
    const lines = issues.slice(0, MAX_ISSUES).map((i) => `${source}${i.line ? `:${i.line}:${i.column}` : ''}: ${i.path ? `${i.path}: ` : ''}${i.message}`);
    if (issues.length > MAX_ISSUES) lines.push(`${source}: … and ${issues.length - MAX_ISSUES} more problems`);
    super(lines.join('\n'));
    this.name = 'ProfileError';
  }
}

const MAX_ISSUES = 20;
const MAX_ISSUE_CHARS = 200;

function describeIssue(issue: z.core.$ZodIssue): ProfileIssue {
  const message =
    issue.code === 'unrecognized_keys' ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue.message;
  // Messages quote the bad value: a long one is cut.
  return { path: formatPath(issue.path).slice(0, MAX_ISSUE_CHARS), message: message.length > MAX_ISSUE_CHARS ? `${message.slice(0, MAX_ISSUE_CHARS)}…` : message };
}

/** Validates an already-parsed profile (a JSON body); issues carry field paths. */
export function parseProfile(input: unknown, source = 'profile'): Profile {
  const parsed = ProfileSchema.safeParse(stripControlDeep(input));
  if (!parsed.success) throw new ProfileError(source, parsed.error.issues.map(describeIssue));
  return parsed.data;
}

/** Validates profile YAML; every issue names the field path and the line it is on. */
export function parseProfileYaml(text: string, source = 'profile.yaml'): Profile {
  if (Buffer.byteLength(text) > LIMITS.bytes) {
    throw new ProfileError(source, [{ path: '', message: `the profile is ${Buffer.byteLength(text)} bytes; at most ${LIMITS.bytes} are accepted` }]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ProfileError(
      source,
      doc.errors.map((e) => ({ path: '', message: `not valid YAML: ${e.message.split('\n')[0]}`, line: e.linePos?.[0].line, column: e.linePos?.[0].col })),
    );
  }
  let data: unknown;
  try {
    // Aliases are capped: a "billion laughs" file expands to gigabytes from a few hundred bytes.
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new ProfileError(source, [{ path: '', message: `not a usable profile: ${(err as Error).message.split('\n')[0]}` }]);
  }
  // Control characters (NUL, escape codes) are removed from every text: they break inserts and terminals.
  const parsed = ProfileSchema.safeParse(stripControlDeep(data ?? {}));
  if (parsed.success) return parsed.data;
  throw new ProfileError(
    source,
    parsed.error.issues.map((issue) => {
      // The deepest node that exists on the issue's path: the field itself, or its parent when missing.
      let node: unknown;
      for (let depth = issue.path.length; depth >= 0 && !isNode(node); depth--) {
        node = depth === 0 ? doc.contents : doc.getIn(issue.path.slice(0, depth) as (string | number)[], true);
      }
      const offset = isNode(node) ? (node as Node).range?.[0] : undefined;
      const pos = offset !== undefined ? lineCounter.linePos(offset) : undefined;
      return { ...describeIssue(issue), line: pos?.line, column: pos?.col };
    }),
  );
}

/** "HH:MM" for minutes after midnight (1440 prints as 24:00). */
export function formatClock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

function formatRange(r: TimeRange): string {
  return `${formatClock(r.open)}-${formatClock(r.close)}`;
}

/** The profile in its file form (hours back to "HH:MM-HH:MM"): the shape GET /api/profile returns. */
export function profileToInput(p: Profile): ProfileInput {
  return {
    ...p,
    hours: Object.fromEntries(WEEKDAYS.map((d) => [d, p.hours[d].map(formatRange)])) as Record<Weekday, string[]>,
    exceptions: p.exceptions.map((e) => ({ ...e, hours: e.hours?.map(formatRange) })),
  };
}

export function profileToYaml(p: Profile): string {
  return stringify(profileToInput(p));
}

/**
 * The profile YAML with `name` set to `name`, its comments and layout kept; the text as it is when
 * the name is already that, or when it is not a YAML mapping (its validation reports that, not this).
 */
export function renameProfileYaml(text: string, name: string): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0 || !isMap(doc.contents) || doc.get('name') === name) return text;
  const node = doc.contents.get('name', true);
  // Only the value's own characters change: a re-serialised file would lose its folding and spacing.
  // Never folded (a continuation line at column 0 would end the mapping); kept only when the edited
  // text reads back as that name, which a plain `a, b` inside a `{…}` mapping does not.
  if (isScalar(node) && node.range && node.type !== 'BLOCK_FOLDED' && node.type !== 'BLOCK_LITERAL') {
    const edited = `${text.slice(0, node.range[0])}${stringify(name, { lineWidth: 0 }).trimEnd()}${text.slice(node.range[1])}`;
    const check = parseDocument(edited);
    if (check.errors.length === 0 && check.get('name') === name) return edited;
  }
  doc.set('name', name);
  return doc.toString();
}

/** The profile a tenant starts with when none is given: its name, the host's timezone, always closed. */
export function minimalProfile(name: string): Profile {
  // The brain builds one for every tenant it opens, from the registry's name, which a hand edit or an
  // older wr may have left blank or with a tab: that must not make the tenant unservable.
  const usable = stripInvisible(name).replace(/[\t\n]+/g, ' ').trim().slice(0, 100) || 'unnamed business';
  return ProfileSchema.parse({ name: usable, timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC' });
}
