import type { PlainMigration } from '../../core/sqlite/plain-database.js';

/**
 * The tenant database schema, in order, each step applied once in its own transaction and recorded
 * in schema_migrations (the names are those earlier versions recorded, so their files carry on).
 * Table names follow the original spec, so its sqlite3 "Common Queries" work as written. Column
 * types are the ones files created since the first release declare; the statements use no
 * SQLite-only syntax except AUTOINCREMENT, DATETIME and TINYINT, the parts a PostgreSQL port
 * writes as its own statements beside these.
 */

/** Every time column: UTC text, rewritten by 005 from the first releases' format. */
const TIME_COLUMNS: Record<string, string[]> = {
  business_profile: ['updated_at'],
  conversations: ['handoff_until', 'timestamp', 'created_at'],
  messages: ['timestamp'],
  processed_messages: ['created_at'],
  bookings: ['start_at', 'end_at', 'created_at', 'updated_at'],
  escalations: ['created_at', 'resolved_at'],
  escalation_outbox: ['created_at', 'delivered_at'],
};

export const migrations: PlainMigration[] = [
  {
    name: '001-initial',
    up: `
      CREATE TABLE business_profile (id INTEGER PRIMARY KEY, name VARCHAR(255) NOT NULL, timezone VARCHAR(255) NOT NULL, language VARCHAR(8) NOT NULL,
        address TEXT, phone VARCHAR(255), map_url TEXT, booking_policy JSON NOT NULL, messages JSON NOT NULL, source_hash VARCHAR(64) NOT NULL, updated_at DATETIME NOT NULL);
      CREATE TABLE operating_hours (id INTEGER PRIMARY KEY AUTOINCREMENT, day VARCHAR(3) NOT NULL, day_of_week INTEGER NOT NULL, opens VARCHAR(5) NOT NULL, closes VARCHAR(5) NOT NULL);
      CREATE TABLE hour_exceptions (id INTEGER PRIMARY KEY AUTOINCREMENT, date VARCHAR(10) NOT NULL, closed TINYINT(1) NOT NULL, opens VARCHAR(5), closes VARCHAR(5), note TEXT);
      CREATE TABLE services (id VARCHAR(41) PRIMARY KEY, name VARCHAR(255) NOT NULL, aliases JSON NOT NULL, duration_minutes INTEGER NOT NULL, price FLOAT,
        currency VARCHAR(3), description TEXT, position INTEGER NOT NULL);
      CREATE TABLE faqs (id INTEGER PRIMARY KEY AUTOINCREMENT, question TEXT NOT NULL, answer TEXT NOT NULL, keywords JSON NOT NULL, position INTEGER NOT NULL);
      CREATE TABLE escalation_contacts (id INTEGER PRIMARY KEY AUTOINCREMENT, name VARCHAR(255) NOT NULL, phone VARCHAR(16), telegram_chat_id VARCHAR(32));
      CREATE TABLE conversations (id INTEGER PRIMARY KEY AUTOINCREMENT, sender VARCHAR(64) NOT NULL UNIQUE, sender_name VARCHAR(255), language VARCHAR(8) NOT NULL,
        state JSON NOT NULL, opted_out TINYINT(1) NOT NULL DEFAULT 0, handoff_until DATETIME, timestamp DATETIME NOT NULL, created_at DATETIME NOT NULL);
      CREATE INDEX conversations_timestamp ON conversations (timestamp);
      CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        direction VARCHAR(3) NOT NULL, text TEXT NOT NULL, intent VARCHAR(32), message_id VARCHAR(128), timestamp DATETIME NOT NULL);
      CREATE INDEX messages_conversation_id_id ON messages (conversation_id, id);
      CREATE TABLE processed_messages (message_id VARCHAR(128) PRIMARY KEY, sender VARCHAR(64) NOT NULL, response JSON NOT NULL, created_at DATETIME NOT NULL);
      CREATE TABLE bookings (id INTEGER PRIMARY KEY AUTOINCREMENT, service_id VARCHAR(41) NOT NULL, sender VARCHAR(64) NOT NULL, customer_name VARCHAR(255) NOT NULL,
        start_at DATETIME NOT NULL, end_at DATETIME NOT NULL, status VARCHAR(16) NOT NULL, created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL);
      CREATE INDEX bookings_start_at ON bookings (start_at);
      CREATE INDEX bookings_sender ON bookings (sender);
      CREATE TABLE escalations (id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_id INTEGER REFERENCES conversations (id) ON DELETE SET NULL,
        sender VARCHAR(64) NOT NULL, summary TEXT NOT NULL, status VARCHAR(16) NOT NULL, created_at DATETIME NOT NULL, resolved_at DATETIME);
      CREATE INDEX escalations_status ON escalations (status);`,
  },
  {
    // Notifications for the tenant's escalation contacts; the monitor delivers and marks them.
    name: '002-escalation-outbox',
    up: `
      CREATE TABLE escalation_outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, escalation_id INTEGER NOT NULL REFERENCES escalations (id) ON DELETE CASCADE,
        text TEXT NOT NULL, status VARCHAR(16) NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, created_at DATETIME NOT NULL, delivered_at DATETIME);
      CREATE INDEX escalation_outbox_status ON escalation_outbox (status);`,
  },
  {
    // A message id is unique per sender only: keyed globally, a second customer reusing an id got
    // the first one's reply and their own message was never recorded.
    name: '003-idempotency-per-sender',
    up: `
      CREATE TABLE processed_messages_v3 (sender VARCHAR(64) NOT NULL, message_id VARCHAR(128) NOT NULL, response JSON NOT NULL, created_at DATETIME NOT NULL,
        PRIMARY KEY (sender, message_id));
      INSERT INTO processed_messages_v3 (sender, message_id, response, created_at) SELECT sender, message_id, response, created_at FROM processed_messages;
      DROP TABLE processed_messages;
      ALTER TABLE processed_messages_v3 RENAME TO processed_messages;`,
  },
  {
    // Tokens the LLM engine spent per local day: the per-tenant daily budget and `status` read it.
    name: '004-llm-usage',
    up: 'CREATE TABLE llm_usage (day VARCHAR(10) NOT NULL PRIMARY KEY, input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL, calls INTEGER NOT NULL);',
  },
  {
    // Times were written as "2026-03-16 10:00:00.000 +00:00" (an ORM's format, which JavaScript
    // reads only through a non-standard fallback); from here on they are ISO 8601 in UTC,
    // "2026-03-16T10:00:00.000Z", which both sort as strings, the sqlite3 tool's date functions
    // read, and PostgreSQL takes as is.
    name: '005-iso-times',
    up: Object.entries(TIME_COLUMNS)
      .flatMap(([table, columns]) =>
        columns.map((c) => `UPDATE ${table} SET ${c} = substr(${c}, 1, 10) || 'T' || substr(${c}, 12, 12) || 'Z' WHERE ${c} LIKE '____-__-__ __:__:__.___ +00:00';`),
      )
      .join('\n'),
  },
];
