import type { SqlDatabase } from '../../core/sql/database.js';
import type { Conversation, ConversationRepository, Message, NewConversation, TurnRecord } from '../domain/conversations.js';
import type { ConversationState } from '../domain/state.js';
import { boolValue, jsonValue, readJson, readTime, readTimeOrNull, timeOrNull, timeValue, type SqlRow } from './columns.js';

const INSERT_MESSAGE = 'INSERT INTO messages (conversation_id, direction, text, intent, message_id, timestamp) VALUES (?, ?, ?, ?, ?, ?)';
const PROCESSED = 'SELECT response FROM processed_messages WHERE sender = ? AND message_id = ?';

function conversation(r: SqlRow): Conversation {
  return {
    id: r.id as number,
    sender: r.sender as string,
    senderName: (r.sender_name as string | null) ?? null,
    language: r.language as string,
    state: readJson<ConversationState>(r.state),
    optedOut: Boolean(r.opted_out),
    handoffUntil: readTimeOrNull(r.handoff_until),
    timestamp: readTime(r.timestamp),
    createdAt: readTime(r.created_at),
  };
}

function message(r: SqlRow): Message {
  return {
    direction: r.direction as Message['direction'],
    text: r.text as string,
    intent: (r.intent as string | null) ?? null,
    messageId: (r.message_id as string | null) ?? null,
    timestamp: readTime(r.timestamp),
  };
}

/**
 * Conversations, their messages and the idempotency records: the bookkeeping every chat turn does,
 * a few statements on long-lived connections (through an ORM these were a third of the brain's
 * CPU per message).
 */
export class SqlConversationRepository implements ConversationRepository {
  constructor(private readonly db: SqlDatabase) {}

  async processed(sender: string, messageId: string): Promise<unknown> {
    const row = await this.db.get<{ response: string }>(PROCESSED, [sender, messageId]);
    return row && readJson(row.response);
  }

  async find(sender: string): Promise<Conversation | undefined> {
    const row = await this.db.get<SqlRow>('SELECT * FROM conversations WHERE sender = ?', [sender]);
    return row && conversation(row);
  }

  open(c: NewConversation): Promise<Conversation> {
    return this.db.write(async (tx) => {
      await tx.run(
        `INSERT INTO conversations (sender, sender_name, language, state, opted_out, handoff_until, timestamp, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (sender) DO NOTHING`,
        [c.sender, c.senderName, c.language, jsonValue(c.state), boolValue(c.optedOut), timeOrNull(c.handoffUntil), timeValue(c.timestamp), timeValue(c.createdAt)],
      );
      return conversation((await tx.get<SqlRow>('SELECT * FROM conversations WHERE sender = ?', [c.sender]))!);
    });
  }

  record(turn: TurnRecord): Promise<unknown> {
    const u = turn.update;
    return this.db.write(async (tx) => {
      if (turn.messageId) {
        // Claimed first: the common case costs one statement, and a duplicate finds the claim.
        const claim = await tx.run('INSERT INTO processed_messages (message_id, sender, response, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING', [
          turn.messageId, turn.sender, jsonValue(turn.response), timeValue(new Date()),
        ]);
        if (claim.changes === 0) return readJson((await tx.get<{ response: string }>(PROCESSED, [turn.sender, turn.messageId]))!.response);
      }
      await tx.run(
        `UPDATE conversations SET state = ?, language = ?, opted_out = ?, handoff_until = ?, timestamp = ?${turn.senderName ? ', sender_name = ?' : ''} WHERE id = ?`,
        [jsonValue(u.state), u.language, boolValue(u.optedOut), timeOrNull(u.handoffUntil), timeValue(u.timestamp), ...(turn.senderName ? [turn.senderName] : []), turn.conversationId],
      );
      await tx.run(INSERT_MESSAGE, [turn.conversationId, 'in', turn.text, turn.intent, turn.messageId ?? null, timeValue(turn.at)]);
      if (turn.reply !== null) await tx.run(INSERT_MESSAGE, [turn.conversationId, 'out', turn.reply, turn.intent, null, timeValue(turn.at)]);
      return turn.response;
    });
  }

  async recent(conversationId: number, limit: number): Promise<Message[]> {
    const rows = await this.db.all<SqlRow>('SELECT * FROM messages WHERE conversation_id = ? ORDER BY id DESC LIMIT ?', [conversationId, limit]);
    return rows.reverse().map(message);
  }

  async list(opts: { limit: number; sender?: string; messages: number }) {
    const rows = opts.sender
      ? await this.db.all<SqlRow>('SELECT * FROM conversations WHERE sender = ? ORDER BY timestamp DESC, id DESC LIMIT ?', [opts.sender, opts.limit])
      : await this.db.all<SqlRow>('SELECT * FROM conversations ORDER BY timestamp DESC, id DESC LIMIT ?', [opts.limit]);
    return Promise.all(
      rows.map(async (r) => {
        const { id, sender, senderName, language, optedOut, handoffUntil, timestamp } = conversation(r);
        return { id, sender, senderName, language, optedOut, handoffUntil, timestamp, messages: await this.recent(id, opts.messages) };
      }),
    );
  }
}
