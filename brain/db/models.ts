import { DataTypes, type ModelStatic, type Sequelize } from 'sequelize';
import type { Row } from '../../core/sqlite/database.js';
import type { Profile } from '../../core/profile.js';

const { INTEGER, STRING, TEXT, BOOLEAN, DATE, JSON, FLOAT } = DataTypes;

export interface BusinessProfileRow {
  id: number;
  name: string;
  timezone: string;
  language: string;
  address: string | null;
  phone: string | null;
  mapUrl: string | null;
  bookingPolicy: Profile['booking'];
  messages: Profile['messages'];
  sourceHash: string;
  updatedAt: Date;
}
export interface OperatingHoursRow { id: number; day: string; dayOfWeek: number; opens: string; closes: string }
export interface HourExceptionRow { id: number; date: string; closed: boolean; opens: string | null; closes: string | null; note: string | null }
export interface ServiceRow {
  id: string;
  name: string;
  aliases: string[];
  durationMinutes: number;
  price: number | null;
  currency: string | null;
  description: string | null;
  position: number;
}
export interface FaqRow { id: number; question: string; answer: string; keywords: string[]; position: number }
export interface EscalationContactRow { id: number; name: string; phone: string | null; telegramChatId: string | null }
export interface ConversationRow {
  id: number;
  sender: string;
  senderName: string | null;
  language: string;
  state: Record<string, unknown>;
  optedOut: boolean;
  handoffUntil: Date | null;
  timestamp: Date;
  createdAt: Date;
}
export interface MessageRow {
  id: number;
  conversationId: number;
  direction: 'in' | 'out';
  text: string;
  intent: string | null;
  messageId: string | null;
  timestamp: Date;
}
export interface ProcessedMessageRow { messageId: string; sender: string; response: unknown; createdAt: Date }
export interface BookingRow {
  id: number;
  serviceId: string;
  sender: string;
  customerName: string;
  startAt: Date;
  endAt: Date;
  status: 'confirmed' | 'cancelled';
  createdAt: Date;
  updatedAt: Date;
}
export interface EscalationRow {
  id: number;
  conversationId: number | null;
  sender: string;
  summary: string;
  status: 'pending' | 'resolved';
  createdAt: Date;
  resolvedAt: Date | null;
}

export interface EscalationOutboxRow {
  id: number;
  escalationId: number;
  text: string;
  /** pending → queued (copied into the monitor's outbox) → delivered, or dead. */
  status: 'pending' | 'queued' | 'delivered' | 'dead';
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

export interface LlmUsageRow { day: string; inputTokens: number; outputTokens: number; calls: number }

type Table<T extends object, Auto extends keyof T = never> = ModelStatic<Row<T, Auto>>;

export interface Models {
  BusinessProfile: Table<BusinessProfileRow>;
  OperatingHours: Table<OperatingHoursRow, 'id'>;
  HourException: Table<HourExceptionRow, 'id'>;
  Service: Table<ServiceRow>;
  Faq: Table<FaqRow, 'id'>;
  EscalationContact: Table<EscalationContactRow, 'id'>;
  Conversation: Table<ConversationRow, 'id'>;
  Message: Table<MessageRow, 'id'>;
  ProcessedMessage: Table<ProcessedMessageRow>;
  Booking: Table<BookingRow, 'id'>;
  Escalation: Table<EscalationRow, 'id'>;
  EscalationOutbox: Table<EscalationOutboxRow, 'id' | 'attempts' | 'lastError' | 'deliveredAt'>;
  LlmUsage: Table<LlmUsageRow>;
}

const id = { type: INTEGER, primaryKey: true, autoIncrement: true };

/** Models bound to one tenant's Sequelize instance; the columns mirror migrations.ts. */
export function defineModels(sequelize: Sequelize): Models {
  const opts = (tableName: string) => ({ tableName, underscored: true, timestamps: false });
  return {
    BusinessProfile: sequelize.define('BusinessProfile', {
      id: { type: INTEGER, primaryKey: true },
      name: STRING, timezone: STRING, language: STRING, address: TEXT, phone: STRING, mapUrl: TEXT,
      bookingPolicy: JSON, messages: JSON, sourceHash: STRING, updatedAt: DATE,
    }, opts('business_profile')),
    OperatingHours: sequelize.define('OperatingHours', { id, day: STRING, dayOfWeek: INTEGER, opens: STRING, closes: STRING }, opts('operating_hours')),
    HourException: sequelize.define('HourException', { id, date: STRING, closed: BOOLEAN, opens: STRING, closes: STRING, note: TEXT }, opts('hour_exceptions')),
    Service: sequelize.define('Service', {
      id: { type: STRING, primaryKey: true },
      name: STRING, aliases: JSON, durationMinutes: INTEGER, price: FLOAT, currency: STRING, description: TEXT, position: INTEGER,
    }, opts('services')),
    Faq: sequelize.define('Faq', { id, question: TEXT, answer: TEXT, keywords: JSON, position: INTEGER }, opts('faqs')),
    EscalationContact: sequelize.define('EscalationContact', { id, name: STRING, phone: STRING, telegramChatId: STRING }, opts('escalation_contacts')),
    Conversation: sequelize.define('Conversation', {
      id, sender: STRING, senderName: STRING, language: STRING, state: JSON, optedOut: BOOLEAN, handoffUntil: DATE,
      timestamp: { type: DATE, field: 'timestamp' }, createdAt: DATE,
    }, opts('conversations')),
    Message: sequelize.define('Message', {
      id, conversationId: INTEGER, direction: STRING, text: TEXT, intent: STRING, messageId: STRING,
      timestamp: { type: DATE, field: 'timestamp' },
    }, opts('messages')),
    ProcessedMessage: sequelize.define('ProcessedMessage', {
      messageId: { type: STRING, primaryKey: true }, sender: { type: STRING, primaryKey: true }, response: JSON, createdAt: DATE,
    }, opts('processed_messages')),
    Booking: sequelize.define('Booking', {
      id, serviceId: STRING, sender: STRING, customerName: STRING, startAt: DATE, endAt: DATE, status: STRING, createdAt: DATE, updatedAt: DATE,
    }, opts('bookings')),
    Escalation: sequelize.define('Escalation', {
      id, conversationId: INTEGER, sender: STRING, summary: TEXT, status: STRING, createdAt: DATE, resolvedAt: DATE,
    }, opts('escalations')),
    EscalationOutbox: sequelize.define('EscalationOutbox', {
      id, escalationId: INTEGER, text: TEXT, status: STRING, attempts: { type: INTEGER, defaultValue: 0 }, lastError: TEXT, createdAt: DATE, deliveredAt: DATE,
    }, opts('escalation_outbox')),
    LlmUsage: sequelize.define('LlmUsage', { day: { type: STRING, primaryKey: true }, inputTokens: INTEGER, outputTokens: INTEGER, calls: INTEGER }, opts('llm_usage')),
  } as unknown as Models;
}
