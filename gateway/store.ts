import { PlainDatabase, type PlainMigration } from '../core/sqlite/plain-database.js';
import type { MediaInfo, MessageKind } from '../core/inbound.js';
import type { InboundMessage } from './transports/transport.js';

/**
 * gateway.db: the durable inbox and outbox, handoff state, and the simulator's phone. A message
 * is written here before anything else happens to it, so nothing a customer sent is lost to a
 * crash, a brain outage or a restart. Plain SQL rather than Sequelize: this is one process's
 * queue, not business data, and every tenant runs a copy of it (Sequelize alone is ~25 MB of RSS
 * and most of the CPU a message costs here).
 */

const migrations: PlainMigration[] = [
  {
    name: '001-initial',
    up: `
      CREATE TABLE inbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        chat VARCHAR(128) NOT NULL, participant VARCHAR(128) NOT NULL, message_id VARCHAR(128) NOT NULL,
        from_me TINYINT(1) NOT NULL, sender VARCHAR(128) NOT NULL, sender_name VARCHAR(255), text TEXT,
        timestamp DATETIME NOT NULL, status VARCHAR(16) NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at DATETIME NOT NULL, last_error TEXT, handoff TINYINT(1) NOT NULL DEFAULT 0, created_at DATETIME NOT NULL);
      -- WhatsApp replays messages after a reconnect: this key makes a replay a no-op.
      CREATE UNIQUE INDEX inbox_chat_participant_message_id_from_me ON inbox (chat, participant, message_id, from_me);
      CREATE INDEX inbox_status_next_attempt_at ON inbox (status, next_attempt_at);
      CREATE INDEX inbox_created_at ON inbox (created_at);
      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT, inbox_id INTEGER UNIQUE, jid VARCHAR(128) NOT NULL, text TEXT NOT NULL,
        wa_id VARCHAR(64) NOT NULL UNIQUE, status VARCHAR(16) NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at DATETIME NOT NULL, last_error TEXT, created_at DATETIME NOT NULL, sent_at DATETIME);
      CREATE INDEX outbox_status_next_attempt_at ON outbox (status, next_attempt_at);
      CREATE TABLE settings (key VARCHAR(64) PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE chat_handoff (jid VARCHAR(128) PRIMARY KEY, until DATETIME, reason VARCHAR(16) NOT NULL, updated_at DATETIME NOT NULL);
      CREATE TABLE sim_outbox (wa_id VARCHAR(64) PRIMARY KEY, jid VARCHAR(128) NOT NULL, text TEXT NOT NULL, sent_at DATETIME NOT NULL);`,
  },
  {
    // Files written under Sequelize hold "2026-03-16 10:00:00.000 +00:00"; times are compared as
    // text, so every one becomes ISO 8601 UTC like the ones written from now on.
    name: '002-iso-times',
    up: [
      ['inbox', ['timestamp', 'next_attempt_at', 'created_at']],
      ['outbox', ['next_attempt_at', 'created_at', 'sent_at']],
      ['chat_handoff', ['until', 'updated_at']],
      ['sim_outbox', ['sent_at']],
    ]
      .flatMap(([table, columns]) => (columns as string[]).map((c) => `UPDATE ${table} SET ${c} = strftime('%Y-%m-%dT%H:%M:%fZ', ${c}) WHERE ${c} LIKE '____-__-__ %';`))
      .join('\n'),
  },
  {
    // A chat has one key (its phone-number JID when known) and, per message, the JID it was
    // addressed with, which replies go to. Rows written before keep their JID for both.
    name: '003-chat-address',
    up: `
      ALTER TABLE inbox ADD COLUMN address VARCHAR(128);
      ALTER TABLE outbox ADD COLUMN chat VARCHAR(128);`,
  },
  {
    // Every kind of message is kept, not only text: what it is, its facts, how to fetch its file,
    // and what was made of it (a transcript, a saved file) so a retry does not redo that work.
    name: '004-media',
    up: `
      ALTER TABLE inbox ADD COLUMN kind VARCHAR(16) NOT NULL DEFAULT 'text';
      ALTER TABLE inbox ADD COLUMN media TEXT;
      ALTER TABLE inbox ADD COLUMN file TEXT;
      ALTER TABLE inbox ADD COLUMN prepared TEXT;`,
  },
  {
    // A reply may carry the business's location pin, sent after the text under its own message id.
    name: '005-outbox-location',
    up: 'ALTER TABLE outbox ADD COLUMN location TEXT;',
  },
];

export type InboxStatus = 'pending' | 'done' | 'skipped' | 'failed';
export interface InboxRow {
  id: number;
  chat: string;
  /** Where replies go (see InboundMessage.address). */
  address: string;
  participant: string;
  messageId: string;
  fromMe: boolean;
  sender: string;
  senderName: string | null;
  kind: MessageKind;
  text: string | null;
  media: MediaInfo;
  file: string | null;
  prepared: Prepared | null;
  timestamp: Date;
  status: InboxStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  handoff: boolean;
  createdAt: Date;
}
export interface OutboxRow {
  id: number;
  inboxId: number | null;
  /** The chat key, for handoff. */
  chat: string;
  /** The address the reply is sent to. */
  jid: string;
  text: string;
  waId: string;
  /** A location pin sent after the text, with its own message id. */
  location: OutboxPin | null;
  status: 'pending' | 'sent' | 'cancelled';
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}
export interface ChatHandoffRow {
  jid: string;
  until: Date | null;
  reason: 'operator' | 'staff';
}
export interface OutboxPin {
  latitude: number;
  longitude: number;
  name: string;
  address?: string;
  waId: string;
}

/** What the gateway made of a message's file before asking the brain. */
export interface Prepared {
  transcript?: string;
  /** The file kept under the tenant's media folder. */
  saved?: string;
  /** Why nothing was made of it (too big, over quota, download failed…). */
  note?: string;
}
/** A retry: when to try again, and why the last attempt failed. */
export interface Retry {
  attempts: number;
  nextAttemptAt: Date;
  lastError: string;
}

const iso = (d: Date): string => d.toISOString();
const date = (v: unknown): Date => new Date(v as string);
const maybeDate = (v: unknown): Date | null => (v === null || v === undefined ? null : date(v));

type Raw = Record<string, unknown>;
const json = <T>(v: unknown): T | null => (typeof v === 'string' ? (JSON.parse(v) as T) : null);
function inboxRow(r: Raw): InboxRow {
  return {
    id: r.id as number, chat: r.chat as string, address: (r.address as string | null) ?? (r.chat as string), participant: r.participant as string, messageId: r.message_id as string, fromMe: Boolean(r.from_me),
    sender: r.sender as string, senderName: (r.sender_name as string | null) ?? null, kind: ((r.kind as MessageKind | null) ?? 'text'),
    text: (r.text as string | null) ?? null, media: json<MediaInfo>(r.media) ?? {}, file: (r.file as string | null) ?? null, prepared: json<Prepared>(r.prepared), timestamp: date(r.timestamp),
    status: r.status as InboxStatus, attempts: r.attempts as number, nextAttemptAt: date(r.next_attempt_at), lastError: (r.last_error as string | null) ?? null,
    handoff: Boolean(r.handoff), createdAt: date(r.created_at),
  };
}
function outboxRow(r: Raw): OutboxRow {
  return {
    id: r.id as number, inboxId: (r.inbox_id as number | null) ?? null, chat: (r.chat as string | null) ?? (r.jid as string), jid: r.jid as string, text: r.text as string, waId: r.wa_id as string, location: json<OutboxPin>(r.location),
    status: r.status as OutboxRow['status'], attempts: r.attempts as number, nextAttemptAt: date(r.next_attempt_at), lastError: (r.last_error as string | null) ?? null,
    createdAt: date(r.created_at), sentAt: maybeDate(r.sent_at),
  };
}

export class GatewayStore {
  private constructor(readonly db: PlainDatabase) {}

  static async open(file: string): Promise<GatewayStore> {
    return new GatewayStore(await PlainDatabase.open(file, migrations));
  }

  close(): Promise<void> {
    return this.db.close();
  }

  // ── inbox ──────────────────────────────────────────────────────────────────

  /** Stores inbound messages; replays of ones already stored are ignored by the unique key. */
  async storeInbound(messages: InboundMessage[], status: (m: InboundMessage) => InboxStatus, handoff: (m: InboundMessage) => boolean): Promise<void> {
    if (messages.length === 0) return;
    const now = iso(new Date());
    await this.db.write(async (tx) => {
      for (const m of messages) {
        await tx.run(
          // A replay is a no-op, except that the real content of a message that could not be
          // decrypted replaces its stub (Baileys' retry brings it under the same id).
          `INSERT INTO inbox (chat, address, participant, message_id, from_me, sender, sender_name, kind, text, media, file, timestamp, status, attempts, next_attempt_at, handoff, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)
           ON CONFLICT (chat, participant, message_id, from_me) DO UPDATE SET kind = excluded.kind, text = excluded.text, media = excluded.media, file = excluded.file,
             status = excluded.status, attempts = 0, next_attempt_at = excluded.next_attempt_at, last_error = NULL
           WHERE inbox.kind = 'undecryptable' AND excluded.kind <> 'undecryptable'`,
          [m.chat, m.address, m.participant, m.id, m.fromMe ? 1 : 0, m.sender, m.senderName, m.kind, m.text, m.media ? JSON.stringify(m.media) : null, m.file ?? null, iso(m.timestamp), status(m), now, handoff(m) ? 1 : 0, now],
        );
      }
    });
  }

  /** Pending messages, oldest first, due or not: the worker keeps each chat in order. */
  async pendingInbox(limit: number): Promise<InboxRow[]> {
    return (await this.db.all("SELECT * FROM inbox WHERE status = 'pending' ORDER BY id LIMIT ?", [limit])).map(inboxRow);
  }

  async inboxMessage(messageId: string): Promise<InboxRow | undefined> {
    const row = await this.db.get('SELECT * FROM inbox WHERE message_id = ? ORDER BY id LIMIT 1', [messageId]);
    return row && inboxRow(row);
  }

  /**
   * The brain answered: the message is done and its reply (if any) queued, in one transaction.
   * After a brain outage, `wakeOthers` lets everything that waited for it go now rather than at
   * its backoff time.
   */
  async answered(inboxId: number, opts: { handoff: boolean; wakeOthers: boolean; reply?: { chat: string; jid: string; text: string; waId: string; location?: OutboxPin } }): Promise<void> {
    const now = iso(new Date());
    await this.db.write(async (tx) => {
      if (opts.wakeOthers) await tx.run("UPDATE inbox SET next_attempt_at = ? WHERE status = 'pending'", [now]);
      await tx.run("UPDATE inbox SET status = 'done', handoff = ?, last_error = NULL WHERE id = ?", [opts.handoff ? 1 : 0, inboxId]);
      if (opts.reply) {
        await tx.run("INSERT INTO outbox (inbox_id, chat, jid, text, location, wa_id, status, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT DO NOTHING", [
          inboxId, opts.reply.chat, opts.reply.jid, opts.reply.text, opts.reply.location ? JSON.stringify(opts.reply.location) : null, opts.reply.waId, now, now,
        ]);
      }
    });
  }

  /** Keeps what was made of a message's file, so a retry of the brain call does not download or transcribe again. */
  async setPrepared(inboxId: number, prepared: Prepared): Promise<void> {
    await this.db.run('UPDATE inbox SET prepared = ? WHERE id = ?', [JSON.stringify(prepared), inboxId]);
  }

  /** Messages of a kind received since `since` (undecryptable ones, for the monitor). */
  async receivedKindSince(kind: MessageKind, since: Date): Promise<number> {
    return (await this.db.get<{ n: number }>('SELECT count(*) AS n FROM inbox WHERE kind = ? AND from_me = 0 AND created_at >= ?', [kind, iso(since)]))?.n ?? 0;
  }

  /** The brain could not be asked (retry later) or refused the message (failed for good). */
  async forwardFailed(inboxId: number, retry: Retry, retryable: boolean): Promise<void> {
    await this.db.run('UPDATE inbox SET attempts = ?, next_attempt_at = ?, last_error = ?, status = ? WHERE id = ?', [
      retry.attempts, iso(retry.nextAttemptAt), retry.lastError, retryable ? 'pending' : 'failed', inboxId,
    ]);
  }

  /** Messages failed for good because the brain refused the key or tenant: queued again, returns how many. */
  async requeueAuthFailures(now = new Date()): Promise<number> {
    const res = await this.db.run(
      "UPDATE inbox SET status = 'pending', next_attempt_at = ? WHERE status = 'failed' AND (last_error LIKE 'brain answered 401%' OR last_error LIKE 'brain answered 403%' OR last_error LIKE 'brain answered 404%')",
      [iso(now)],
    );
    return res.changes;
  }

  // ── outbox ─────────────────────────────────────────────────────────────────

  async dueOutbox(now: Date, limit: number): Promise<OutboxRow[]> {
    return (await this.db.all("SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT ?", [iso(now), limit])).map(outboxRow);
  }

  async markSent(outboxId: number): Promise<void> {
    await this.db.run("UPDATE outbox SET status = 'sent', sent_at = ?, last_error = NULL WHERE id = ?", [iso(new Date()), outboxId]);
  }

  async markCancelled(outboxId: number): Promise<void> {
    await this.db.run("UPDATE outbox SET status = 'cancelled' WHERE id = ?", [outboxId]);
  }

  async sendFailed(outboxId: number, retry: Retry): Promise<void> {
    await this.db.run('UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?', [retry.attempts, iso(retry.nextAttemptAt), retry.lastError, outboxId]);
  }

  /** A message id we sent: WhatsApp echoes our own replies back as fromMe messages. */
  async isOurs(waId: string): Promise<boolean> {
    return (await this.db.get('SELECT 1 AS x FROM outbox WHERE wa_id = ?', [waId])) !== undefined;
  }

  /** What we sent under a message id (Baileys asks when a recipient requests a retry). */
  async sentText(waId: string): Promise<string | undefined> {
    return (await this.db.get<{ text: string }>('SELECT text FROM outbox WHERE wa_id = ?', [waId]))?.text;
  }

  // ── figures ────────────────────────────────────────────────────────────────

  async queueCounts(): Promise<{ pending: number; failed: number }> {
    const row = await this.db.get<{ pending: number; failed: number }>(
      `SELECT (SELECT count(*) FROM inbox WHERE status = 'pending') + (SELECT count(*) FROM outbox WHERE status = 'pending') AS pending,
              (SELECT count(*) FROM inbox WHERE status = 'failed') AS failed`,
    );
    return { pending: row?.pending ?? 0, failed: row?.failed ?? 0 };
  }

  /** Customer messages received since `since` (the console's "messages today"). */
  async receivedSince(since: Date): Promise<number> {
    return (await this.db.get<{ n: number }>('SELECT count(*) AS n FROM inbox WHERE from_me = 0 AND created_at >= ?', [iso(since)]))?.n ?? 0;
  }

  /** Inbox messages per status (tests and diagnostics). */
  async inboxCounts(): Promise<Partial<Record<InboxStatus, number>> & { retried: number }> {
    const rows = await this.db.all<{ status: InboxStatus; n: number; retried: number }>('SELECT status, count(*) AS n, sum(CASE WHEN attempts > 0 THEN 1 ELSE 0 END) AS retried FROM inbox GROUP BY status');
    const counts: Partial<Record<InboxStatus, number>> & { retried: number } = { retried: 0 };
    for (const r of rows) {
      counts[r.status] = r.n;
      counts.retried += r.retried;
    }
    return counts;
  }

  // ── settings and handoff ───────────────────────────────────────────────────

  async setting(key: string): Promise<string | undefined> {
    return (await this.db.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', [key]))?.value;
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.db.run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
  }

  async chatHandoff(jid: string): Promise<ChatHandoffRow | undefined> {
    const row = await this.db.get<Raw>('SELECT jid, until, reason FROM chat_handoff WHERE jid = ?', [jid]);
    return row && { jid: row.jid as string, until: maybeDate(row.until), reason: row.reason as ChatHandoffRow['reason'] };
  }

  async setChatHandoff(h: ChatHandoffRow): Promise<void> {
    await this.db.run(
      'INSERT INTO chat_handoff (jid, until, reason, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (jid) DO UPDATE SET until = excluded.until, reason = excluded.reason, updated_at = excluded.updated_at',
      [h.jid, h.until && iso(h.until), h.reason, iso(new Date())],
    );
  }

  async clearChatHandoff(jid: string): Promise<void> {
    await this.db.run('DELETE FROM chat_handoff WHERE jid = ?', [jid]);
  }

  // ── the simulator's phone ──────────────────────────────────────────────────

  /** A message id can be recorded once: what WhatsApp guarantees a resent message id. */
  async recordSimulatedSend(waId: string, jid: string, text: string): Promise<void> {
    await this.db.run('INSERT INTO sim_outbox (wa_id, jid, text, sent_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING', [waId, jid, text, iso(new Date())]);
  }

  /** What the simulator's phone received, each with the id of the customer's message it answers (null for none). */
  async simulatedSends(limit: number): Promise<{ waId: string; jid: string; text: string; sentAt: Date; answers: string | null }[]> {
    const rows = await this.db.all<Raw>(
      `SELECT s.wa_id, s.jid, s.text, s.sent_at, i.message_id FROM sim_outbox s
       LEFT JOIN outbox o ON o.wa_id = s.wa_id LEFT JOIN inbox i ON i.id = o.inbox_id
       ORDER BY s.sent_at, s.rowid LIMIT ?`,
      [limit],
    );
    return rows.map((r) => ({ waId: r.wa_id as string, jid: r.jid as string, text: r.text as string, sentAt: date(r.sent_at), answers: (r.message_id as string | null) ?? null }));
  }
}
