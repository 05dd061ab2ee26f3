import { Op, type WhereOptions } from 'sequelize';
import type { BookingRow, ConversationRow, EscalationRow } from '../db/models.js';
import type { TenantDb } from '../db/tenant-db.js';

/** Read-side queries behind GET /api/conversations, /api/bookings and /api/escalations. */

const MESSAGES_PER_CONVERSATION = 20;

export async function listConversations(db: TenantDb, opts: { limit: number; sender?: string }) {
  const { Conversation, Message } = db.models;
  const conversations = await Conversation.findAll({
    where: opts.sender ? { sender: opts.sender } : {},
    order: [['timestamp', 'DESC'], ['id', 'DESC']],
    limit: opts.limit,
  });
  return Promise.all(
    conversations.map(async (c) => {
      const recent = await Message.findAll({
        where: { conversationId: c.id },
        order: [['id', 'DESC']],
        limit: MESSAGES_PER_CONVERSATION,
      });
      return {
        id: c.id,
        sender: c.sender,
        senderName: c.senderName,
        language: c.language,
        optedOut: c.optedOut,
        handoffUntil: c.handoffUntil,
        timestamp: c.timestamp,
        messages: recent.reverse().map((m) => ({
          direction: m.direction,
          text: m.text,
          intent: m.intent,
          messageId: m.messageId,
          timestamp: m.timestamp,
        })),
      } satisfies Partial<ConversationRow> & { messages: unknown[] };
    }),
  );
}

export async function listBookings(db: TenantDb, opts: { from?: Date; to?: Date; status?: BookingRow['status'] }) {
  const where: WhereOptions<BookingRow> = {};
  const range: Record<symbol, Date> = {};
  if (opts.from) range[Op.gte] = opts.from;
  if (opts.to) range[Op.lt] = opts.to;
  if (opts.from || opts.to) Object.assign(where, { startAt: range });
  if (opts.status) Object.assign(where, { status: opts.status });
  const rows = await db.models.Booking.findAll({ where, order: [['startAt', 'ASC'], ['id', 'ASC']] });
  return rows.map((b) => b.get({ plain: true }) as BookingRow);
}

export async function listEscalations(db: TenantDb, opts: { status?: EscalationRow['status'] }) {
  const rows = await db.models.Escalation.findAll({
    where: opts.status ? { status: opts.status } : {},
    order: [['createdAt', 'DESC'], ['id', 'DESC']],
  });
  return rows.map((e) => e.get({ plain: true }) as EscalationRow);
}
