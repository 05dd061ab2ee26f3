import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RawDb } from '../../core/sqlite/raw.js';
import { GatewayStore } from '../../gateway/store.js';

let dir: string;
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const message = (id: string, chat = '34600111222@s.whatsapp.net') => ({
  chat, address: chat, kind: 'text' as const, participant: '', id, fromMe: false, sender: '+34600111222', senderName: null, text: 'hello', timestamp: new Date('2026-03-16T10:00:00Z'),
});

describe('gateway store', () => {
  it('carries on with a gateway.db written by the Sequelize versions: times become ISO and compare right', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wr-gwstore-'));
    const file = path.join(dir, 'gateway.db');
    const old = await RawDb.open(file, { create: true });
    // The schema and the time format Sequelize 6 wrote.
    await old.exec(`
      CREATE TABLE schema_migrations (name VARCHAR(255) NOT NULL UNIQUE PRIMARY KEY);
      INSERT INTO schema_migrations VALUES ('001-initial');
      CREATE TABLE inbox (id INTEGER PRIMARY KEY AUTOINCREMENT, chat VARCHAR(128) NOT NULL, participant VARCHAR(128) NOT NULL, message_id VARCHAR(128) NOT NULL, from_me TINYINT(1) NOT NULL, sender VARCHAR(128) NOT NULL, sender_name VARCHAR(255), text TEXT, timestamp DATETIME NOT NULL, status VARCHAR(16) NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at DATETIME NOT NULL, last_error TEXT, handoff TINYINT(1) NOT NULL DEFAULT 0, created_at DATETIME NOT NULL);
      CREATE UNIQUE INDEX inbox_chat_participant_message_id_from_me ON inbox (chat, participant, message_id, from_me);
      CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, inbox_id INTEGER UNIQUE, jid VARCHAR(128) NOT NULL, text TEXT NOT NULL, wa_id VARCHAR(64) NOT NULL UNIQUE, status VARCHAR(16) NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at DATETIME NOT NULL, last_error TEXT, created_at DATETIME NOT NULL, sent_at DATETIME);
      CREATE TABLE settings (key VARCHAR(64) PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE chat_handoff (jid VARCHAR(128) PRIMARY KEY, until DATETIME, reason VARCHAR(16) NOT NULL, updated_at DATETIME NOT NULL);
      CREATE TABLE sim_outbox (wa_id VARCHAR(64) PRIMARY KEY, jid VARCHAR(128) NOT NULL, text TEXT NOT NULL, sent_at DATETIME NOT NULL);
      INSERT INTO inbox (chat, participant, message_id, from_me, sender, text, timestamp, status, next_attempt_at, created_at)
        VALUES ('34600111222@s.whatsapp.net', '', 'OLD1', 0, '+34600111222', 'hi', '2026-03-16 09:59:00.000 +00:00', 'pending', '2026-03-16 10:00:00.000 +00:00', '2026-03-16 09:59:01.000 +00:00');
      INSERT INTO outbox (inbox_id, jid, text, wa_id, status, next_attempt_at, created_at)
        VALUES (1, '34600111222@s.whatsapp.net', 'queued before the upgrade', '3EB0OLD', 'pending', '2026-03-16 10:00:00.000 +00:00', '2026-03-16 10:00:00.000 +00:00');
      INSERT INTO chat_handoff VALUES ('34600999888@s.whatsapp.net', '2099-01-01 00:00:00.000 +00:00', 'staff', '2026-03-16 10:00:00.000 +00:00');
      INSERT INTO settings VALUES ('handoff', 'on');`);
    await old.close();

    const store = await GatewayStore.open(file);
    try {
      const [pending] = await store.pendingInbox(10);
      expect(pending).toMatchObject({ messageId: 'OLD1', fromMe: false, handoff: false, timestamp: new Date('2026-03-16T09:59:00Z'), nextAttemptAt: new Date('2026-03-16T10:00:00Z') });
      // Compared as text with an ISO time: only right once the old format is converted.
      expect(await store.dueOutbox(new Date('2026-03-16T09:59:59.999Z'), 10)).toEqual([]);
      expect((await store.dueOutbox(new Date('2026-03-16T10:00:00Z'), 10)).map((r) => r.waId)).toEqual(['3EB0OLD']);
      expect(await store.chatHandoff('34600999888@s.whatsapp.net')).toEqual({ jid: '34600999888@s.whatsapp.net', until: new Date('2099-01-01T00:00:00Z'), reason: 'staff' });
      expect(await store.setting('handoff')).toBe('on');
      expect(await store.receivedSince(new Date('2026-03-16T09:59:00Z'))).toBe(1);
      expect(await store.receivedSince(new Date('2026-03-16T09:59:02Z'))).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('stores a replayed message once, and rolls a failed transaction back whole', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wr-gwstore-'));
    const store = await GatewayStore.open(path.join(dir, 'gateway.db'));
    try {
      await store.storeInbound([message('A'), message('B')], () => 'pending', () => false);
      await store.storeInbound([message('A'), message('C')], () => 'pending', () => false);
      expect((await store.pendingInbox(10)).map((r) => r.messageId)).toEqual(['A', 'B', 'C']);
      const [a] = await store.pendingInbox(1);
      await store.answered(a!.id, { handoff: false, wakeOthers: false, reply: { chat: a!.chat, jid: a!.address, text: 'hi!', waId: '3EB0AAA' } });
      // The same reply id twice breaks the unique key: the second answer must leave B untouched.
      const b = (await store.pendingInbox(10)).find((r) => r.messageId === 'B')!;
      await expect(store.db.write(async (tx) => {
        await tx.run("UPDATE inbox SET status = 'done' WHERE id = ?", [b.id]);
        await tx.run("INSERT INTO outbox (inbox_id, jid, text, wa_id, status, next_attempt_at, created_at) VALUES (?, 'x', 'y', '3EB0AAA', 'pending', '', '')", [b.id]);
      })).rejects.toThrow(/UNIQUE/);
      expect(await store.inboxCounts()).toEqual({ pending: 2, done: 1, retried: 0 });
      expect(await store.isOurs('3EB0AAA')).toBe(true);
      expect(await store.sentText('3EB0AAA')).toBe('hi!');
      expect(fs.statSync(path.join(dir, 'gateway.db')).mode & 0o777).toBe(0o600);
    } finally {
      await store.close();
    }
  });
});
