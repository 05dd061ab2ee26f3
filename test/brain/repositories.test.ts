import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseProfileYaml } from '../../core/profile.js';
import { RawDb } from '../../core/sqlite/raw.js';
import { TenantDb } from '../../brain/db/tenant-db.js';
import { requestBooking, type BookingDesk, type NewBooking } from '../../brain/domain/bookings.js';
import { newConversation } from '../../brain/domain/conversations.js';
import { profileTables } from '../../brain/domain/profile.js';
import { initialState } from '../../brain/domain/state.js';
import { migrations } from '../../brain/db/migrations.js';
import { DatabaseUnavailable } from '../../core/sql/database.js';
import { PgServer, tenantSchema } from '../../core/sql/postgres.js';
import { freePort } from '../helpers/home.js';
import { usePostgres } from '../helpers/postgres.js';

/** The SQL repositories on a real tenant.db file and on a real PostgreSQL server, with the same tests. */

const cluster = usePostgres();

const profile = parseProfileYaml(`
name: Clinic
timezone: Europe/Madrid
hours:
  mon: ["09:00-14:00"]
services:
  - { id: checkup, name: Check-up, duration: 30 }
booking: { slotMinutes: 30, capacityPerSlot: 1, minNoticeMinutes: 0, maxDaysAhead: 30, bufferMinutes: 0 }
escalation:
  contacts:
    - { name: Ana, phone: "+34600111222", telegramChatId: "100" }
`);
const zone = 'Europe/Madrid';
const t = (iso: string) => new Date(iso);

let dir: string;
let file: string;
let db: TenantDb;

/** One engine under test: how to open the tenant's store, and how to look at it with plain SQL. */
interface Backend {
  open(): Promise<TenantDb>;
  sql<T = Record<string, unknown>>(query: string): Promise<T[]>;
  /** The confirmed bookings' UTC day and time, read by the engine's own SQL. */
  bookedAt: string;
  close(): Promise<void>;
}

async function sqliteBackend(): Promise<Backend> {
  return {
    open: () => TenantDb.open(file),
    async sql<T>(query: string) {
      const raw = await RawDb.open(file, true);
      try {
        return await raw.all<T>(query);
      } finally {
        await raw.close();
      }
    },
    bookedAt: "SELECT date(start_at) AS d, time(start_at) AS t FROM bookings WHERE status = 'confirmed'",
    close: async () => {},
  };
}

const servers: PgServer[] = [];
afterAll(() => Promise.all(servers.map((s) => s.close())));

/** A server connection pool of its own: what one brain instance holds. */
async function pgServer(url: string): Promise<PgServer> {
  const server = new PgServer(url);
  servers.push(server);
  return server;
}

async function postgresBackend(): Promise<Backend> {
  const server = await pgServer(await cluster.current.database());
  return {
    open: () => TenantDb.open({ server, tenant: 'clinic-1' }),
    sql: <T>(query: string) => server.with(tenantSchema('clinic-1'), async (c) => (await c.query(query)).rows as T[]),
    bookedAt: "SELECT to_char(start_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS d, to_char(start_at AT TIME ZONE 'UTC', 'HH24:MI:SS') AS t FROM bookings WHERE status = 'confirmed'",
    close: () => server.close(),
  };
}

let backend: Backend;
const sql = <T = Record<string, unknown>>(query: string) => backend.sql<T>(query);

describe.each([
  ['SQLite', sqliteBackend],
  ['PostgreSQL', postgresBackend],
] as const)('on %s', (_engine, makeBackend) => {
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wr-repo-'));
    file = path.join(dir, 'tenant.db');
    backend = await makeBackend();
    db = await backend.open();
  });
  afterEach(async () => {
    await db.close();
    await backend.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const booking = (over: Partial<NewBooking> = {}): NewBooking => ({
    serviceId: 'checkup', sender: '+34600000001', customerName: 'Eve', startAt: t('2026-03-16T11:00:00Z'), endAt: t('2026-03-16T11:30:00Z'),
    status: 'confirmed', createdAt: t('2026-03-15T10:00:00Z'), updatedAt: t('2026-03-15T10:00:00Z'), ...over,
  });

  describe('bookings', () => {
    it('store, find, move and cancel bookings, and survive a reopen', async () => {
      const a = await db.bookings.write((tx) => tx.insert(booking()));
      const b = await db.bookings.write((tx) => tx.insert(booking({ sender: '+34600000002', startAt: t('2026-03-16T12:00:00Z'), endAt: t('2026-03-16T12:30:00Z') })));
      expect(a.id).toBeLessThan(b.id);
      const day = { from: t('2026-03-16T00:00:00Z'), to: t('2026-03-17T00:00:00Z') };
      expect(await db.bookings.busy(day)).toEqual([
        { startAt: a.startAt, endAt: a.endAt },
        { startAt: b.startAt, endAt: b.endAt },
      ]);
      expect(await db.bookings.busy(day, a.id)).toEqual([{ startAt: b.startAt, endAt: b.endAt }]);
      expect(await db.bookings.busy({ from: t('2026-03-16T11:30:00Z'), to: day.to })).toHaveLength(1);
      expect(await db.bookings.upcomingFor('+34600000001', t('2026-03-16T10:00:00Z'))).toEqual([a]);
      expect(await db.bookings.upcomingFor('+34600000001', t('2026-03-16T11:00:00Z'))).toEqual([]);
      expect(await db.bookings.write((tx) => tx.findSame('+34600000001', 'checkup', a.startAt))).toEqual(a);
      expect(await db.bookings.write((tx) => tx.findSame('+34600000002', 'checkup', a.startAt))).toBeUndefined();

      // Only the owner moves or cancels a booking.
      const later = { startAt: t('2026-03-16T13:00:00Z'), endAt: t('2026-03-16T13:30:00Z') };
      expect(await db.bookings.write((tx) => tx.move(a.id, '+34600000002', later.startAt, later.endAt, new Date()))).toBe(false);
      expect(await db.bookings.write((tx) => tx.move(a.id, '+34600000001', later.startAt, later.endAt, new Date()))).toBe(true);
      expect(await db.bookings.write((tx) => tx.cancel(b.id, '+34600000001', new Date()))).toBe(false);
      expect(await db.bookings.write((tx) => tx.cancel(b.id, '+34600000002', new Date()))).toBe(true);

      await db.close();
      db = await backend.open();
      expect((await db.bookings.list({})).map((x) => [x.id, x.status, x.startAt.toISOString()])).toEqual([
        [b.id, 'cancelled', '2026-03-16T12:00:00.000Z'],
        [a.id, 'confirmed', '2026-03-16T13:00:00.000Z'],
      ]);
      expect(await db.bookings.list({ status: 'confirmed', from: t('2026-03-16T12:30:00Z'), to: t('2026-03-16T13:30:00Z') })).toHaveLength(1);
      // The rows read as the engine's own date functions expect (UTC text on SQLite, timestamptz on PostgreSQL).
      expect(await sql(backend.bookedAt)).toEqual([{ d: '2026-03-16', t: '13:00:00' }]);
    });

    it('give the last slot to one of two customers who confirm it at the same time', async () => {
      const start = DateTime.fromISO('2026-03-16T12:00', { zone });
      const now = DateTime.fromISO('2026-03-16T10:00', { zone });
      const confirm = (sender: string) => {
        const desk: BookingDesk = { profile, sender, now, bookings: db.bookings };
        const pending = { action: 'create_booking' as const, serviceId: 'checkup', start: '2026-03-16T12:00', name: sender };
        return requestBooking(desk, { state: { pending }, confirmed: true }, { serviceId: 'checkup', start, name: sender });
      };
      const outcomes = await Promise.all([confirm('+34600000001'), confirm('+34600000002')]);
      expect(outcomes.map((o) => o.result.status).sort()).toEqual(['booked', 'unavailable']);
      expect(outcomes.every((o) => o.change.pending === null)).toBe(true);
      expect(await sql("SELECT CAST(count(*) AS INTEGER) AS n FROM bookings WHERE status = 'confirmed'")).toEqual([{ n: 1 }]);
      // The winner's retried message finds its booking instead of making a second one.
      const winner = outcomes.find((o) => o.result.status === 'booked')!.result as { bookingId: number; name: string };
      const again = await confirm(winner.name);
      expect(again.result).toMatchObject({ status: 'booked', bookingId: winner.bookingId });
    });
  });

  describe('conversations', () => {
    it('open once per sender, record turns, and answer a repeated message id with the first answer', async () => {
      const now = t('2026-03-16T10:00:00Z');
      const first = await db.conversations.open(newConversation('+34600000001', 'Eve', 'en', now));
      expect(await db.conversations.open(newConversation('+34600000001', 'Other', 'es', now))).toEqual(first);
      expect(first).toMatchObject({ sender: '+34600000001', senderName: 'Eve', state: initialState(), optedOut: false, handoffUntil: null, timestamp: now });

      const turn = (messageId: string, reply: string | null, response: unknown) => ({
        conversationId: first.id, messageId, sender: first.sender, senderName: undefined, text: `hi ${messageId}`, reply, intent: 'greeting', at: now, response,
        update: { state: { unhandled: 1, customerName: 'Eve' }, language: 'es', optedOut: false, handoffUntil: t('2026-03-16T22:00:00Z'), timestamp: now },
      });
      expect(await db.conversations.record(turn('m1', 'hello', { reply: 'hello' }))).toEqual({ reply: 'hello' });
      expect(await db.conversations.record(turn('m1', 'changed', { reply: 'changed' }))).toEqual({ reply: 'hello' });
      expect(await db.conversations.record(turn('m2', null, { reply: null }))).toEqual({ reply: null });
      expect(await db.conversations.processed(first.sender, 'm1')).toEqual({ reply: 'hello' });
      expect(await db.conversations.processed('+34600000009', 'm1')).toBeUndefined();

      expect(await db.conversations.find(first.sender)).toMatchObject({ state: { unhandled: 1, customerName: 'Eve' }, language: 'es', handoffUntil: t('2026-03-16T22:00:00Z') });
      expect((await db.conversations.recent(first.id, 2)).map((m) => [m.direction, m.text, m.messageId])).toEqual([
        ['out', 'hello', null],
        ['in', 'hi m2', 'm2'],
      ]);
      const [listed] = await db.conversations.list({ limit: 10, sender: first.sender, messages: 20 });
      expect(listed!.messages.map((m) => m.text)).toEqual(['hi m1', 'hello', 'hi m2']);
      expect(await db.conversations.list({ limit: 10, sender: '+34600000009', messages: 20 })).toEqual([]);
    });
  });

  describe('escalations and the profile', () => {
    it('keep one pending escalation per customer with its notification, and end human mode on resolve', async () => {
      const now = t('2026-03-16T10:00:00Z');
      const c = await db.conversations.open({ ...newConversation('+34600000001', undefined, 'en', now), handoffUntil: t('2026-03-16T22:00:00Z') });
      const open = { conversationId: c.id, sender: c.sender, summary: 'needs help', notice: 'notice text', at: now };
      const id = await db.escalations.open(open);
      expect(await db.escalations.open({ ...open, summary: 'again' })).toBe(id);
      expect(await sql('SELECT escalation_id, text, status, attempts FROM escalation_outbox')).toEqual([{ escalation_id: id, text: 'notice text', status: 'pending', attempts: 0 }]);
      expect(await db.escalations.list({ status: 'pending' })).toEqual([{ id, conversationId: c.id, sender: c.sender, summary: 'needs help', status: 'pending', createdAt: now, resolvedAt: null }]);

      expect(await db.escalations.resolve(id + 1, now)).toBe(false);
      expect(await db.escalations.resolve(id, t('2026-03-16T11:00:00Z'))).toBe(true);
      expect(await db.escalations.list({ status: 'pending' })).toEqual([]);
      expect((await db.escalations.list({}))[0]).toMatchObject({ status: 'resolved', resolvedAt: t('2026-03-16T11:00:00Z') });
      expect((await db.conversations.find(c.sender))!.handoffUntil).toBeNull();
      // A new escalation after the first was resolved is a new one.
      expect(await db.escalations.open(open)).not.toBe(id);
    });

    it('add a follow-up to a pending escalation once (a retried message adds nothing), and none without one', async () => {
      const now = t('2026-03-16T10:00:00Z');
      const c = await db.conversations.open(newConversation('+34600000002', undefined, 'en', now));
      const more = { sender: c.sender, line: 'Sent [photo] (kept as b.jpg).', notice: 'more: b.jpg', at: t('2026-03-16T10:05:00Z') };
      expect(await db.escalations.followUp(more)).toBeNull();
      expect(await sql('SELECT id FROM escalation_outbox')).toEqual([]);
      const id = await db.escalations.open({ conversationId: c.id, sender: c.sender, summary: 'Sent [photo] (kept as a.jpg).', notice: 'first: a.jpg', at: now });
      expect(await db.escalations.followUp(more)).toBe(id);
      expect(await db.escalations.followUp(more)).toBe(id);
      expect(await db.escalations.followUp({ ...more, line: 'Sent [voice note 0:04].', notice: 'more: voice', at: t('2026-03-16T10:06:00Z') })).toBe(id);
      expect((await sql<{ text: string }>('SELECT text FROM escalation_outbox ORDER BY id')).map((r) => r.text)).toEqual(['first: a.jpg', 'more: b.jpg', 'more: voice']);
      expect((await db.escalations.list({ status: 'pending' }))[0]!.summary).toBe('Sent [photo] (kept as a.jpg).\nSent [photo] (kept as b.jpg).\nSent [voice note 0:04].');
    });

    it('replace the profile tables in one go and remember the source hash', async () => {
      expect(await db.profile.storedHash()).toBeUndefined();
      await db.profile.replace(profileTables(profile, 'h1', new Date()));
      await db.profile.replace(profileTables(profile, 'h2', new Date()));
      expect(await db.profile.storedHash()).toBe('h2');
      expect(await sql('SELECT name, timezone FROM business_profile')).toEqual([{ name: 'Clinic', timezone: zone }]);
      expect(await sql('SELECT day, opens, closes FROM operating_hours')).toEqual([{ day: 'mon', opens: '09:00', closes: '14:00' }]);
      expect(await sql("SELECT id, duration_minutes, CAST(aliases AS TEXT) AS aliases FROM services")).toEqual([{ id: 'checkup', duration_minutes: 30, aliases: '[]' }]);
      expect(await sql('SELECT name, phone, telegram_chat_id FROM escalation_contacts')).toEqual([{ name: 'Ana', phone: '+34600111222', telegram_chat_id: '100' }]);
    });
  });

  describe('llm usage', () => {
    it('adds each turn to its day and lists the newest days first', async () => {
      expect(await db.usage.on('2026-03-16')).toEqual({ day: '2026-03-16', inputTokens: 0, outputTokens: 0, calls: 0 });
      await db.usage.add('2026-03-16', { input: 100, output: 20 }, 2);
      await db.usage.add('2026-03-16', { input: 50, output: 5 }, 1);
      await db.usage.add('2026-03-17', { input: 7, output: 3 }, 1);
      expect(await db.usage.on('2026-03-16')).toEqual({ day: '2026-03-16', inputTokens: 150, outputTokens: 25, calls: 3 });
      expect((await db.usage.recent(5)).map((d) => d.day)).toEqual(['2026-03-17', '2026-03-16']);
      expect(await db.usage.recent(1)).toEqual([{ day: '2026-03-17', inputTokens: 7, outputTokens: 3, calls: 1 }]);
    });
  });
});

describe('tenant.db files', () => {
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wr-repo-'));
    file = path.join(dir, 'tenant.db');
    await (await TenantDb.open(file)).close();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Columns per table as SQLite reports them: name, declared type, not null, default, key. */
  async function shape(f: string) {
    const raw = await RawDb.open(f, true);
    try {
      const tables = await raw.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
      const indexes = await raw.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name");
      const columns = await Promise.all(tables.map(async ({ name }) => [name, await raw.all(`PRAGMA table_info(${name})`)]));
      return { columns: Object.fromEntries(columns), indexes: indexes.map((i) => i.name) };
    } finally {
      await raw.close();
    }
  }

  it('open a file written by the first releases (ORM-made schema and times): same schema, every row read right', async () => {
    const old = path.join(dir, 'old.db');
    const raw = await RawDb.open(old, { create: true });
    await raw.exec(fs.readFileSync(path.join(import.meta.dirname, 'fixtures/tenant-db-v3.sql'), 'utf8'));
    await raw.close();
    const upgraded = await TenantDb.open(old);
    try {
      expect(await shape(old)).toEqual(await shape(file));
      const [booking] = await upgraded.bookings.list({});
      expect(booking).toMatchObject({ id: 1, serviceId: 'cleaning', startAt: t('2026-03-18T09:00:00Z'), endAt: t('2026-03-18T09:45:00Z'), status: 'confirmed' });
      // Range queries compare the rewritten times as strings: the old booking still takes its slot.
      expect(await upgraded.bookings.busy({ from: t('2026-03-18T00:00:00Z'), to: t('2026-03-19T00:00:00Z') })).toEqual([{ startAt: booking!.startAt, endAt: booking!.endAt }]);
      expect(await upgraded.bookings.busy({ from: t('2026-03-18T09:00:00.001Z'), to: t('2026-03-19T00:00:00Z') })).toEqual([]);
      expect(await upgraded.conversations.find('+34600000002')).toMatchObject({ handoffUntil: t('2026-03-16T22:03:00Z'), timestamp: t('2026-03-16T10:03:00Z') });
      expect(await upgraded.conversations.processed('+34600000001', 'm2')).toMatchObject({ intent: 'book', actions: [{ status: 'booked' }] });
      expect(await upgraded.escalations.list({ status: 'pending' })).toMatchObject([{ sender: '+34600000002', createdAt: t('2026-03-16T10:03:00Z') }]);
    } finally {
      await upgraded.close();
    }
    const check = await RawDb.open(old, true);
    try {
      expect((await check.all<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name')).map((r) => r.name)).toEqual(migrations.map((m) => m.name));
      const oldFormat = await check.all("SELECT start_at FROM bookings WHERE start_at LIKE '% +00:00' UNION ALL SELECT timestamp FROM messages WHERE timestamp LIKE '% +00:00'");
      expect(oldFormat).toEqual([]);
    } finally {
      await check.close();
    }
  });
});

describe('two brain instances on one PostgreSQL server', () => {
  it('give each last slot to exactly one of two customers confirming it through different instances', async () => {
    const url = await cluster.current.database();
    // Each instance has its own connection pool, as two PM2 cluster workers do.
    const open = async () => TenantDb.open({ server: await pgServer(url), tenant: 'clinic-1' });
    const [a, b] = await Promise.all([open(), open()]);
    const now = DateTime.fromISO('2026-03-16T08:00', { zone });
    const confirm = (tenantDb: TenantDb, sender: string, start: DateTime) => {
      const desk: BookingDesk = { profile, sender, now, bookings: tenantDb.bookings };
      const pending = { action: 'create_booking' as const, serviceId: 'checkup', start: start.toFormat("yyyy-MM-dd'T'HH:mm"), name: sender };
      return requestBooking(desk, { state: { pending }, confirmed: true }, { serviceId: 'checkup', start, name: sender });
    };
    // Every slot of the morning, each confirmed by two customers at once, one through each instance.
    const slots = Array.from({ length: 10 }, (_, i) => DateTime.fromISO('2026-03-16T09:00', { zone }).plus({ minutes: 30 * i }));
    const outcomes = await Promise.all(slots.flatMap((start, i) => [confirm(a, `+3460000${100 + i}`, start), confirm(b, `+3460000${200 + i}`, start)]));
    for (let i = 0; i < slots.length; i++) {
      expect([outcomes[2 * i]!.result.status, outcomes[2 * i + 1]!.result.status].sort()).toEqual(['booked', 'unavailable']);
    }
    const booked = await a.bookings.list({ status: 'confirmed' });
    expect(booked).toHaveLength(slots.length);
    expect(new Set(booked.map((x) => x.startAt.getTime())).size).toBe(slots.length);
    await Promise.all([a.close(), b.close()]);
  });
});

describe('PostgreSQL failures', () => {
  it('tell a failed statement or a failing step from an unreachable server', async () => {
    const server = await pgServer(await cluster.current.database());
    const tenantDb = await TenantDb.open({ server, tenant: 'clinic-1' });
    await expect(server.transaction(tenantSchema('clinic-1'), async () => Promise.reject(new Error('a step failed')))).rejects.toThrow(/^a step failed$/);
    await expect(server.with(tenantSchema('clinic-1'), (c) => c.query('SELECT * FROM no_such_table'))).rejects.toMatchObject({ code: '42P01' });
    // The connections stay usable after both.
    expect(await tenantDb.bookings.list({})).toEqual([]);
    const down = await pgServer(`postgres://postgres@127.0.0.1:${await freePort()}/nothing`);
    await expect(down.schemaExists('x')).rejects.toThrow(DatabaseUnavailable);
    await expect(down.schemaExists('x')).rejects.toThrow(/^PostgreSQL is not reachable: /);
    await tenantDb.close();
  });
});
