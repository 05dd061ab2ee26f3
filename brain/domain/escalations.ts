/**
 * Escalations: a conversation handed to a person at the business. At most one is pending per
 * customer; opening one also queues the notification for the business's escalation contacts.
 */

export interface Escalation {
  id: number;
  conversationId: number | null;
  sender: string;
  summary: string;
  status: 'pending' | 'resolved';
  createdAt: Date;
  resolvedAt: Date | null;
}

export interface NewEscalation {
  conversationId: number;
  sender: string;
  summary: string;
  /** The text the business's contacts receive. */
  notice: string;
  at: Date;
}

export interface EscalationRepository {
  /** The customer's pending escalation, or a new one with its notification queued, in one transaction. */
  open(escalation: NewEscalation): Promise<number>;
  /** Resolves the escalation and ends its conversation's human mode; false when there is no such escalation. */
  resolve(id: number, at: Date): Promise<boolean>;
  /** Newest first. */
  list(opts: { status?: Escalation['status'] }): Promise<Escalation[]>;
}

/** What the business's contacts are told. */
export function escalationNotice(n: { tenantId: string; tenantName: string; sender: string; senderName: string | null | undefined; summary: string }): string {
  const who = n.senderName ? `${n.senderName} (${n.sender})` : n.sender;
  return `[${n.tenantId}] ${n.tenantName}: ${who} needs a person. ${n.summary}`;
}
