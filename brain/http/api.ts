import { Router, type Request } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { parseProfile, profileToInput, ProfileError } from '../../core/profile.js';
import { ChatRequestSchema, NOTICE_STATUSES, SenderSchema, SettleNoticeSchema, type EscalationNotices } from '../../core/contracts.js';
import { resolveEscalation, type ChatService } from '../services/chat.js';
import { listBookings, listConversations, listEscalations } from '../services/records.js';
import { zoneOf } from '../domain/zone.js';
import { callerOf, requireAdmin } from './auth.js';
import { HttpError, parseOrThrow } from '../../core/http-errors.js';
import type { Config } from '../../core/config.js';
import { RegistryError } from '../../core/registry.js';
import { saveProfileNamed } from '../../core/shared-registry.js';

export type RegistryConfig = Pick<Config, 'paths' | 'WR_DATABASE_URL' | 'WR_HOST'>;

const when = z
  .string()
  .refine((s) => DateTime.fromISO(s, { setZone: true }).isValid, { error: 'expected an ISO 8601 date or date-time' });

const ConversationsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  sender: SenderSchema.optional(),
});
const BookingsQuery = z.object({
  from: when.optional(),
  to: when.optional(),
  status: z.enum(['confirmed', 'cancelled', 'all']).default('confirmed'),
});
const EscalationsQuery = z.object({ status: z.enum(['pending', 'resolved', 'all']).default('all') });
const NoticesQuery = z.object({ status: z.enum(NOTICE_STATUSES).default('pending') });
const NoticeId = z.object({ id: z.coerce.number().int().positive() });
const UsageQuery = z.object({ days: z.coerce.number().int().min(1).max(366).default(7) });

function query(req: Request): Record<string, unknown> {
  // Repeated parameters arrive as arrays; the last one wins, as most servers do.
  return Object.fromEntries(Object.entries(req.query).map(([k, v]) => [k, Array.isArray(v) ? v.at(-1) : v]));
}

/** Dates without a zone are read in the tenant's timezone: "from=2026-03-20" means that local day. */
function toDate(value: string | undefined, zone: string): Date | undefined {
  return value === undefined ? undefined : DateTime.fromISO(value, { zone }).toJSDate();
}

/** Every /api route; `authenticate` has already resolved the caller and the tenant. */
export function apiRouter(chat: ChatService, registry: RegistryConfig): Router {
  const api = Router();

  api.post('/chat', async (req, res) => {
    const body = parseOrThrow(ChatRequestSchema, req.body, 'chat request');
    res.json(await chat.handle(callerOf(res).tenant, body));
  });

  api.get('/profile', (_req, res) => {
    res.json(profileToInput(callerOf(res).tenant.profile));
  });

  api.put('/profile', requireAdmin, async (req, res) => {
    const { tenant } = callerOf(res);
    let profile;
    try {
      profile = parseProfile(req.body, 'profile');
    } catch (err) {
      if (err instanceof ProfileError) throw new HttpError(400, 'invalid profile', err.issues.map(({ path, message }) => ({ path, message })));
      throw err;
    }
    try {
      await saveProfileNamed(registry, tenant.tenant.id, profile.name, () => tenant.profiles.replace(profile));
    } catch (err) {
      // The registry was locked or unreachable before anything was written, or could not take the new
      // name and the profile was put back (or, failing that, the message says the two disagree):
      // either way the same PUT again is the fix.
      if (err instanceof RegistryError) throw new HttpError(503, err.message, undefined, { 'Retry-After': '2' });
      throw err;
    }
    res.json(profileToInput(profile));
  });

  api.get('/conversations', async (req, res) => {
    const q = parseOrThrow(ConversationsQuery, query(req), 'query');
    res.json({ conversations: await listConversations(callerOf(res).tenant.db, q) });
  });

  api.get('/bookings', async (req, res) => {
    const q = parseOrThrow(BookingsQuery, query(req), 'query');
    const { db, profile } = callerOf(res).tenant;
    const bookings = await listBookings(db, {
      from: toDate(q.from, profile.timezone),
      to: toDate(q.to, profile.timezone),
      status: q.status === 'all' ? undefined : q.status,
    });
    res.json({ bookings });
  });

  api.get('/usage', async (req, res) => {
    const q = parseOrThrow(UsageQuery, query(req), 'query');
    const { db, profile } = callerOf(res).tenant;
    // Today in the tenant's timezone, the day LLM_DAILY_TOKENS counts, even with nothing spent yet.
    const today = DateTime.now().setZone(zoneOf(profile)).toISODate()!;
    res.json({ usage: await db.usage.recent(q.days), today: await db.usage.on(today) });
  });

  api.get('/escalations', async (req, res) => {
    const q = parseOrThrow(EscalationsQuery, query(req), 'query');
    res.json({ escalations: await listEscalations(callerOf(res).tenant.db, { status: q.status === 'all' ? undefined : q.status }) });
  });

  // The monitor takes the notices for the business's escalation contacts here, and reports back.
  api.get('/escalations/notices', requireAdmin, async (req, res) => {
    const q = parseOrThrow(NoticesQuery, query(req), 'query');
    const { db, profile } = callerOf(res).tenant;
    const contacts = profile.escalation.contacts.map((c) => ({ name: c.name, phone: c.phone ?? null, telegramChatId: c.telegramChatId ?? null }));
    res.json({ notices: await db.escalations.notices(q.status), contacts } satisfies EscalationNotices);
  });

  api.post('/escalations/notices/:id', requireAdmin, async (req, res) => {
    const { id } = parseOrThrow(NoticeId, req.params, 'notice id');
    const settle = parseOrThrow(SettleNoticeSchema, req.body, 'notice report');
    if (!(await callerOf(res).tenant.db.escalations.settleNotice(id, settle, new Date()))) throw new HttpError(404, `no escalation notice ${id}`);
    res.json({ id, status: settle.status });
  });

  api.post('/escalations/:id/resolve', async (req, res) => {
    const { id } = parseOrThrow(z.object({ id: z.coerce.number().int().positive() }), req.params, 'escalation id');
    if (!(await resolveEscalation(callerOf(res).tenant, id))) throw new HttpError(404, `no escalation ${id}`);
    res.json({ id, status: 'resolved' });
  });

  return api;
}
