import { DataTypes } from 'sequelize';
import type { Migration } from '../../core/sqlite/database.js';

/**
 * The tenant database schema, in order. Kept dialect-neutral (no SQLite-only SQL) so a tenant that
 * outgrows one machine can move to PostgreSQL with the same migrations. Table names follow the
 * original spec, so its sqlite3 "Common Queries" work as written.
 */
const { INTEGER, STRING, TEXT, BOOLEAN, DATE, JSON, FLOAT } = DataTypes;
const id = { type: INTEGER, primaryKey: true, autoIncrement: true };

export const migrations: Migration[] = [
  {
    name: '001-initial',
    async up({ context: qi }) {
      await qi.createTable('business_profile', {
        id: { type: INTEGER, primaryKey: true },
        name: { type: STRING, allowNull: false },
        timezone: { type: STRING, allowNull: false },
        language: { type: STRING(8), allowNull: false },
        address: TEXT,
        phone: STRING,
        map_url: TEXT,
        booking_policy: { type: JSON, allowNull: false },
        messages: { type: JSON, allowNull: false },
        source_hash: { type: STRING(64), allowNull: false },
        updated_at: { type: DATE, allowNull: false },
      });
      await qi.createTable('operating_hours', {
        id,
        day: { type: STRING(3), allowNull: false },
        day_of_week: { type: INTEGER, allowNull: false },
        opens: { type: STRING(5), allowNull: false },
        closes: { type: STRING(5), allowNull: false },
      });
      await qi.createTable('hour_exceptions', {
        id,
        date: { type: STRING(10), allowNull: false },
        closed: { type: BOOLEAN, allowNull: false },
        opens: STRING(5),
        closes: STRING(5),
        note: TEXT,
      });
      await qi.createTable('services', {
        id: { type: STRING(41), primaryKey: true },
        name: { type: STRING, allowNull: false },
        aliases: { type: JSON, allowNull: false },
        duration_minutes: { type: INTEGER, allowNull: false },
        price: FLOAT,
        currency: STRING(3),
        description: TEXT,
        position: { type: INTEGER, allowNull: false },
      });
      await qi.createTable('faqs', {
        id,
        question: { type: TEXT, allowNull: false },
        answer: { type: TEXT, allowNull: false },
        keywords: { type: JSON, allowNull: false },
        position: { type: INTEGER, allowNull: false },
      });
      await qi.createTable('escalation_contacts', {
        id,
        name: { type: STRING, allowNull: false },
        phone: STRING(16),
        telegram_chat_id: STRING(32),
      });
      await qi.createTable('conversations', {
        id,
        sender: { type: STRING(64), allowNull: false, unique: true },
        sender_name: STRING,
        language: { type: STRING(8), allowNull: false },
        state: { type: JSON, allowNull: false },
        opted_out: { type: BOOLEAN, allowNull: false, defaultValue: false },
        handoff_until: DATE,
        timestamp: { type: DATE, allowNull: false },
        created_at: { type: DATE, allowNull: false },
      });
      await qi.addIndex('conversations', ['timestamp']);
      await qi.createTable('messages', {
        id,
        conversation_id: { type: INTEGER, allowNull: false, references: { model: 'conversations', key: 'id' }, onDelete: 'CASCADE' },
        direction: { type: STRING(3), allowNull: false },
        text: { type: TEXT, allowNull: false },
        intent: STRING(32),
        message_id: STRING(128),
        timestamp: { type: DATE, allowNull: false },
      });
      await qi.addIndex('messages', ['conversation_id', 'id']);
      await qi.createTable('processed_messages', {
        message_id: { type: STRING(128), primaryKey: true },
        sender: { type: STRING(64), allowNull: false },
        response: { type: JSON, allowNull: false },
        created_at: { type: DATE, allowNull: false },
      });
      await qi.createTable('bookings', {
        id,
        service_id: { type: STRING(41), allowNull: false },
        sender: { type: STRING(64), allowNull: false },
        customer_name: { type: STRING, allowNull: false },
        start_at: { type: DATE, allowNull: false },
        end_at: { type: DATE, allowNull: false },
        status: { type: STRING(16), allowNull: false },
        created_at: { type: DATE, allowNull: false },
        updated_at: { type: DATE, allowNull: false },
      });
      await qi.addIndex('bookings', ['start_at']);
      await qi.addIndex('bookings', ['sender']);
      await qi.createTable('escalations', {
        id,
        conversation_id: { type: INTEGER, references: { model: 'conversations', key: 'id' }, onDelete: 'SET NULL' },
        sender: { type: STRING(64), allowNull: false },
        summary: { type: TEXT, allowNull: false },
        status: { type: STRING(16), allowNull: false },
        created_at: { type: DATE, allowNull: false },
        resolved_at: DATE,
      });
      await qi.addIndex('escalations', ['status']);
    },
  },
  {
    name: '002-escalation-outbox',
    async up({ context: qi }) {
      // Notifications for the tenant's escalation contacts; the monitor delivers and marks them.
      await qi.createTable('escalation_outbox', {
        id,
        escalation_id: { type: INTEGER, allowNull: false, references: { model: 'escalations', key: 'id' }, onDelete: 'CASCADE' },
        text: { type: TEXT, allowNull: false },
        status: { type: STRING(16), allowNull: false },
        attempts: { type: INTEGER, allowNull: false, defaultValue: 0 },
        last_error: TEXT,
        created_at: { type: DATE, allowNull: false },
        delivered_at: DATE,
      });
      await qi.addIndex('escalation_outbox', ['status']);
    },
  },
  {
    name: '003-idempotency-per-sender',
    async up({ context: qi }) {
      // A message id is unique per sender only: keyed globally, a second customer reusing an id got
      // the first one's reply and their own message was never recorded.
      await qi.createTable('processed_messages_v3', {
        sender: { type: STRING(64), allowNull: false, primaryKey: true },
        message_id: { type: STRING(128), allowNull: false, primaryKey: true },
        response: { type: JSON, allowNull: false },
        created_at: { type: DATE, allowNull: false },
      });
      await qi.sequelize.query('INSERT INTO processed_messages_v3 (sender, message_id, response, created_at) SELECT sender, message_id, response, created_at FROM processed_messages');
      await qi.dropTable('processed_messages');
      await qi.renameTable('processed_messages_v3', 'processed_messages');
    },
  },
  {
    name: '004-llm-usage',
    async up({ context: qi }) {
      // Tokens the LLM engine spent per local day: the per-tenant daily budget and `status` read it.
      await qi.createTable('llm_usage', {
        day: { type: STRING(10), allowNull: false, primaryKey: true },
        input_tokens: { type: INTEGER, allowNull: false },
        output_tokens: { type: INTEGER, allowNull: false },
        calls: { type: INTEGER, allowNull: false },
      });
    },
  },
];
