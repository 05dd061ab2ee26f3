import { DataTypes, Op, type ModelStatic } from 'sequelize';
import { SqliteDatabase, SqliteStore, type Migration, type Row } from '../core/sqlite/database.js';
import type { InboundMessage } from './transports/transport.js';

/**
 * gateway.db: the durable inbox and outbox, handoff state, and the simulator's phone. A message
 * is written here before anything else happens to it, so nothing a customer sent is lost to a
 * crash, a brain outage or a restart.
 */

const { INTEGER, STRING, TEXT, BOOLEAN, DATE } = DataTypes;
const id = { type: INTEGER, primaryKey: true, autoIncrement: true };

const migrations: Migration[] = [
  {
    name: '001-initial',
    async up({ context: qi }) {
      await qi.createTable('inbox', {
        id,
        chat: { type: STRING(128), allowNull: false },
        participant: { type: STRING(128), allowNull: false },
        message_id: { type: STRING(128), allowNull: false },
        from_me: { type: BOOLEAN, allowNull: false },
        sender: { type: STRING(128), allowNull: false },
        sender_name: STRING,
        text: TEXT,
        timestamp: { type: DATE, allowNull: false },
        status: { type: STRING(16), allowNull: false },
        attempts: { type: INTEGER, allowNull: false, defaultValue: 0 },
        next_attempt_at: { type: DATE, allowNull: false },
        last_error: TEXT,
        handoff: { type: BOOLEAN, allowNull: false, defaultValue: false },
        created_at: { type: DATE, allowNull: false },
      });
      // WhatsApp replays messages after a reconnect: this key makes a replay a no-op.
      await qi.addIndex('inbox', ['chat', 'participant', 'message_id', 'from_me'], { unique: true });
      await qi.addIndex('inbox', ['status', 'next_attempt_at']);
      await qi.addIndex('inbox', ['created_at']);
      await qi.createTable('outbox', {
        id,
        inbox_id: { type: INTEGER, unique: true },
        jid: { type: STRING(128), allowNull: false },
        text: { type: TEXT, allowNull: false },
        wa_id: { type: STRING(64), allowNull: false, unique: true },
        status: { type: STRING(16), allowNull: false },
        attempts: { type: INTEGER, allowNull: false, defaultValue: 0 },
        next_attempt_at: { type: DATE, allowNull: false },
        last_error: TEXT,
        created_at: { type: DATE, allowNull: false },
        sent_at: DATE,
      });
      await qi.addIndex('outbox', ['status', 'next_attempt_at']);
      await qi.createTable('settings', { key: { type: STRING(64), primaryKey: true }, value: { type: TEXT, allowNull: false } });
      await qi.createTable('chat_handoff', {
        jid: { type: STRING(128), primaryKey: true },
        until: DATE,
        reason: { type: STRING(16), allowNull: false },
        updated_at: { type: DATE, allowNull: false },
      });
      await qi.createTable('sim_outbox', {
        wa_id: { type: STRING(64), primaryKey: true },
        jid: { type: STRING(128), allowNull: false },
        text: { type: TEXT, allowNull: false },
        sent_at: { type: DATE, allowNull: false },
      });
    },
  },
];

export interface InboxRow {
  id: number;
  chat: string;
  participant: string;
  messageId: string;
  fromMe: boolean;
  sender: string;
  senderName: string | null;
  text: string | null;
  timestamp: Date;
  status: 'pending' | 'done' | 'skipped' | 'failed';
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  handoff: boolean;
  createdAt: Date;
}
export interface OutboxRow {
  id: number;
  inboxId: number | null;
  jid: string;
  text: string;
  waId: string;
  status: 'pending' | 'sent' | 'cancelled';
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}
export interface ChatHandoffRow { jid: string; until: Date | null; reason: 'operator' | 'staff'; updatedAt: Date }
export interface SimOutboxRow { waId: string; jid: string; text: string; sentAt: Date }

export class GatewayStore extends SqliteStore {
  readonly Inbox: ModelStatic<Row<InboxRow, 'id' | 'attempts' | 'lastError' | 'handoff'>>;
  readonly Outbox: ModelStatic<Row<OutboxRow, 'id' | 'attempts' | 'lastError' | 'sentAt'>>;
  readonly Settings: ModelStatic<Row<{ key: string; value: string }>>;
  readonly ChatHandoff: ModelStatic<Row<ChatHandoffRow>>;
  readonly SimOutbox: ModelStatic<Row<SimOutboxRow>>;

  private constructor(db: SqliteDatabase) {
    super(db);
    const s = db.sequelize;
    const opts = (tableName: string) => ({ tableName, underscored: true, timestamps: false });
    this.Inbox = s.define('Inbox', {
      id, chat: STRING, participant: STRING, messageId: STRING, fromMe: BOOLEAN, sender: STRING, senderName: STRING, text: TEXT,
      timestamp: { type: DATE, field: 'timestamp' }, status: STRING, attempts: INTEGER, nextAttemptAt: DATE, lastError: TEXT, handoff: BOOLEAN, createdAt: DATE,
    }, opts('inbox')) as never;
    this.Outbox = s.define('Outbox', {
      id, inboxId: INTEGER, jid: STRING, text: TEXT, waId: STRING, status: STRING, attempts: INTEGER, nextAttemptAt: DATE, lastError: TEXT, createdAt: DATE, sentAt: DATE,
    }, opts('outbox')) as never;
    this.Settings = s.define('Settings', { key: { type: STRING, primaryKey: true }, value: TEXT }, opts('settings')) as never;
    this.ChatHandoff = s.define('ChatHandoff', { jid: { type: STRING, primaryKey: true }, until: DATE, reason: STRING, updatedAt: DATE }, opts('chat_handoff')) as never;
    this.SimOutbox = s.define('SimOutbox', { waId: { type: STRING, primaryKey: true }, jid: STRING, text: TEXT, sentAt: DATE }, opts('sim_outbox')) as never;
  }

  static async open(file: string): Promise<GatewayStore> {
    return new GatewayStore(await SqliteDatabase.open(file, migrations));
  }

  /** Stores inbound messages; replays of ones already stored are ignored by the unique key. */
  async storeInbound(messages: InboundMessage[], status: (m: InboundMessage) => InboxRow['status'], handoff: (m: InboundMessage) => boolean): Promise<void> {
    if (messages.length === 0) return;
    await this.write(async (transaction) => {
      const now = new Date();
      await this.Inbox.bulkCreate(
        messages.map((m) => ({
          chat: m.chat, participant: m.participant, messageId: m.id, fromMe: m.fromMe, sender: m.sender, senderName: m.senderName,
          text: m.text, timestamp: m.timestamp, status: status(m), nextAttemptAt: now, handoff: handoff(m), createdAt: now,
        })),
        { ignoreDuplicates: true, transaction },
      );
    });
  }

  async setting(key: string): Promise<string | undefined> {
    return (await this.Settings.findByPk(key))?.value;
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.write((transaction) => this.Settings.upsert({ key, value }, { transaction }));
  }

  /** Pending messages, oldest first, due or not: the worker keeps each chat in order. */
  async pendingInbox(limit: number): Promise<InboxRow[]> {
    const rows = await this.Inbox.findAll({ where: { status: 'pending' }, order: [['id', 'ASC']], limit });
    return rows.map((r) => r.get({ plain: true }) as InboxRow);
  }

  async dueOutbox(now: Date, limit: number): Promise<OutboxRow[]> {
    const rows = await this.Outbox.findAll({ where: { status: 'pending', nextAttemptAt: { [Op.lte]: now } }, order: [['id', 'ASC']], limit });
    return rows.map((r) => r.get({ plain: true }) as OutboxRow);
  }

  async queueCounts(): Promise<{ pending: number; failed: number }> {
    const [pendingIn, pendingOut, failed] = await Promise.all([
      this.Inbox.count({ where: { status: 'pending' } }),
      this.Outbox.count({ where: { status: 'pending' } }),
      this.Inbox.count({ where: { status: 'failed' } }),
    ]);
    return { pending: pendingIn + pendingOut, failed };
  }

  /** Customer messages received since `since` (the console's "messages today"). */
  async receivedSince(since: Date): Promise<number> {
    return this.Inbox.count({ where: { fromMe: false, createdAt: { [Op.gte]: since } } });
  }

  async isOurs(waId: string): Promise<boolean> {
    return (await this.Outbox.count({ where: { waId } })) > 0;
  }
}
