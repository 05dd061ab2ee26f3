import type { PlainDatabase } from '../../core/sqlite/plain-database.js';
import type { ConversationRow } from './models.js';

/**
 * The bookkeeping every chat turn does (the idempotency record, the conversation's state, the two
 * messages) in plain SQL on long-lived connections. Through Sequelize these few statements were
 * a third of the brain's CPU per message: a new connection per transaction, a model instance and
 * a captured stack per query. The tables stay Sequelize's (migrations, records API, tools); this
 * writes them the way Sequelize does, through the same write queue.
 */
export class TurnLog {
  constructor(private readonly db: PlainDatabase) {}

  /** The answer already given to this message id, if it was processed before. */
  async processed(sender: string, messageId: string): Promise<unknown> {
    const row = await this.db.get<{ response: string }>('SELECT response FROM processed_messages WHERE sender = ? AND message_id = ?', [sender, messageId]);
    return row && JSON.parse(row.response);
  }

  async conversation(sender: string): Promise<ConversationRow | undefined> {
    const row = await this.db.get('SELECT * FROM conversations WHERE sender = ?', [sender]);
    return row && conversationRow(row);
  }

  /** The sender's conversation, created with `initial` if there is none yet. */
  async openConversation(initial: Omit<ConversationRow, 'id'>): Promise<ConversationRow> {
    const c = initial;
    return this.db.write(async (tx) => {
      await tx.run(
        `INSERT INTO conversations (sender, sender_name, language, state, opted_out, handoff_until, timestamp, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (sender) DO NOTHING`,
        [c.sender, c.senderName, c.language, JSON.stringify(c.state), c.optedOut ? 1 : 0, c.handoffUntil && sqlTime(c.handoffUntil), sqlTime(c.timestamp), sqlTime(c.createdAt)],
      );
      return conversationRow((await tx.get('SELECT * FROM conversations WHERE sender = ?', [c.sender]))!);
    });
  }

  /**
   * Records a turn in one transaction: the conversation's new state, the message and its reply,
   * and the idempotency record. Returns the earlier answer instead when a concurrent duplicate of
   * this message committed first.
   */
  async record(turn: {
    conversationId: number;
    messageId: string | undefined;
    sender: string;
    senderName: string | undefined;
    update: Pick<ConversationRow, 'state' | 'language' | 'optedOut' | 'handoffUntil' | 'timestamp'>;
    text: string;
    reply: string | null;
    intent: string;
    at: Date;
    response: unknown;
  }): Promise<unknown> {
    const u = turn.update;
    return this.db.write(async (tx) => {
      if (turn.messageId) {
        // Claimed first: the common case costs one statement, and a duplicate finds the claim.
        const claim = await tx.run('INSERT INTO processed_messages (message_id, sender, response, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING', [
          turn.messageId, turn.sender, JSON.stringify(turn.response), sqlTime(new Date()),
        ]);
        if (claim.changes === 0) {
          const first = await tx.get<{ response: string }>('SELECT response FROM processed_messages WHERE sender = ? AND message_id = ?', [turn.sender, turn.messageId]);
          return JSON.parse(first!.response);
        }
      }
      await tx.run(
        `UPDATE conversations SET state = ?, language = ?, opted_out = ?, handoff_until = ?, timestamp = ?${turn.senderName ? ', sender_name = ?' : ''} WHERE id = ?`,
        [JSON.stringify(u.state), u.language, u.optedOut ? 1 : 0, u.handoffUntil && sqlTime(u.handoffUntil), sqlTime(u.timestamp), ...(turn.senderName ? [turn.senderName] : []), turn.conversationId],
      );
      const insertMessage = 'INSERT INTO messages (conversation_id, direction, text, intent, message_id, timestamp) VALUES (?, ?, ?, ?, ?, ?)';
      await tx.run(insertMessage, [turn.conversationId, 'in', turn.text, turn.intent, turn.messageId ?? null, sqlTime(turn.at)]);
      if (turn.reply !== null) await tx.run(insertMessage, [turn.conversationId, 'out', turn.reply, turn.intent, null, sqlTime(turn.at)]);
      return turn.response;
    });
  }
}

/** Times as Sequelize writes them on SQLite ("2026-03-16 10:00:00.000 +00:00"), so its queries still compare right. */
function sqlTime(d: Date): string {
  return `${d.toISOString().slice(0, 23).replace('T', ' ')} +00:00`;
}

function conversationRow(r: Record<string, unknown>): ConversationRow {
  return {
    id: r.id as number,
    sender: r.sender as string,
    senderName: (r.sender_name as string | null) ?? null,
    language: r.language as string,
    state: JSON.parse(r.state as string) as Record<string, unknown>,
    optedOut: Boolean(r.opted_out),
    handoffUntil: r.handoff_until ? new Date(r.handoff_until as string) : null,
    timestamp: new Date(r.timestamp as string),
    createdAt: new Date(r.created_at as string),
  };
}
