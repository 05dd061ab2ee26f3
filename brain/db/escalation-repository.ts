import type { SqlDatabase } from '../../core/sql/database.js';
import type { EscalationNotice, NoticeStatus, SettleNotice } from '../../core/contracts.js';
import { noticeMoves, type Escalation, type EscalationRepository, type FollowUp, type NewEscalation } from '../domain/escalations.js';
import { readTime, readTimeOrNull, timeValue, type SqlRow } from './columns.js';

function escalation(r: SqlRow): Escalation {
  return {
    id: r.id as number,
    conversationId: (r.conversation_id as number | null) ?? null,
    sender: r.sender as string,
    summary: r.summary as string,
    status: r.status as Escalation['status'],
    createdAt: readTime(r.created_at),
    resolvedAt: readTimeOrNull(r.resolved_at),
  };
}

/** Follow-ups stop growing a summary past this; their notices still go out. */
const SUMMARY_MAX = 4000;

/** The escalations table and its notification outbox (escalation_outbox). */
export class SqlEscalationRepository implements EscalationRepository {
  constructor(private readonly db: SqlDatabase) {}

  open(e: NewEscalation): Promise<number> {
    return this.db.write(async (tx) => {
      const open = await tx.get<{ id: number }>("SELECT id FROM escalations WHERE sender = ? AND status = 'pending' ORDER BY id LIMIT 1", [e.sender]);
      if (open) return open.id;
      const id = await tx.insert("INSERT INTO escalations (conversation_id, sender, summary, status, created_at, resolved_at) VALUES (?, ?, ?, 'pending', ?, NULL)", [
        e.conversationId, e.sender, e.summary, timeValue(e.at),
      ]);
      await tx.run("INSERT INTO escalation_outbox (escalation_id, text, status, attempts, created_at) VALUES (?, ?, 'pending', 0, ?)", [id, e.notice, timeValue(e.at)]);
      return id;
    });
  }

  followUp(f: FollowUp): Promise<number | null> {
    return this.db.write(async (tx) => {
      const open = await tx.get<{ id: number }>("SELECT id FROM escalations WHERE sender = ? AND status = 'pending' ORDER BY id LIMIT 1", [f.sender]);
      if (!open) return null;
      const seen = await tx.get('SELECT id FROM escalation_outbox WHERE escalation_id = ? AND text = ? AND created_at = ?', [open.id, f.notice, timeValue(f.at)]);
      if (seen) return open.id;
      await tx.run('UPDATE escalations SET summary = CASE WHEN length(summary) < ? THEN summary || ? ELSE summary END WHERE id = ?', [SUMMARY_MAX, `\n${f.line}`, open.id]);
      await tx.run("INSERT INTO escalation_outbox (escalation_id, text, status, attempts, created_at) VALUES (?, ?, 'pending', 0, ?)", [open.id, f.notice, timeValue(f.at)]);
      return open.id;
    });
  }

  resolve(id: number, at: Date): Promise<boolean> {
    return this.db.write(async (tx) => {
      const row = await tx.get<{ status: string; conversation_id: number | null }>('SELECT status, conversation_id FROM escalations WHERE id = ?', [id]);
      if (!row) return false;
      if (row.status !== 'resolved') {
        await tx.run("UPDATE escalations SET status = 'resolved', resolved_at = ? WHERE id = ?", [timeValue(at), id]);
        if (row.conversation_id !== null) await tx.run('UPDATE conversations SET handoff_until = NULL WHERE id = ?', [row.conversation_id]);
      }
      return true;
    });
  }

  async list(opts: { status?: Escalation['status'] }): Promise<Escalation[]> {
    const rows = opts.status
      ? await this.db.all<SqlRow>('SELECT * FROM escalations WHERE status = ? ORDER BY created_at DESC, id DESC', [opts.status])
      : await this.db.all<SqlRow>('SELECT * FROM escalations ORDER BY created_at DESC, id DESC');
    return rows.map(escalation);
  }

  async notices(status: NoticeStatus): Promise<EscalationNotice[]> {
    const rows = await this.db.all<SqlRow>('SELECT id, escalation_id, text, created_at FROM escalation_outbox WHERE status = ? ORDER BY id', [status]);
    return rows.map((r) => ({ id: r.id as number, escalationId: r.escalation_id as number, text: r.text as string, createdAt: readTime(r.created_at).toISOString() }));
  }

  settleNotice(id: number, settle: SettleNotice, at: Date): Promise<boolean> {
    return this.db.write(async (tx) => {
      const row = await tx.get<{ status: NoticeStatus }>('SELECT status FROM escalation_outbox WHERE id = ?', [id]);
      if (!row) return false;
      if (noticeMoves(row.status, settle.status)) {
        await tx.run('UPDATE escalation_outbox SET status = ?, last_error = ?, delivered_at = ? WHERE id = ?', [
          settle.status, settle.error ?? null, settle.status === 'delivered' ? timeValue(at) : null, id,
        ]);
      }
      return true;
    });
  }
}
