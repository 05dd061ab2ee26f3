import type { EscalationNotice, NoticeStatus, SettleNotice } from '../../core/contracts.js';
import type { Language } from '../../core/profile.js';
import { staffWords } from './staff-words.js';

/**
 * Escalations: a conversation handed to a person at the business. At most one is pending per
 * customer; opening one also queues a notice for the business's escalation contacts, which the
 * monitor takes and settles through the brain's API.
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

/** More from a customer whose escalation is still pending (another file, a voice note, a call). */
export interface FollowUp {
  sender: string;
  /** Appended to the escalation's summary. */
  line: string;
  /** The text the business's contacts receive. */
  notice: string;
  at: Date;
}

export interface EscalationRepository {
  /** The customer's pending escalation, or a new one with its notification queued, in one transaction. */
  open(escalation: NewEscalation): Promise<number>;
  /**
   * Adds to the customer's pending escalation: the line to its summary and a notice to the queue,
   * once (the same notice at the same time is a retried message). Null when none is pending.
   */
  followUp(followUp: FollowUp): Promise<number | null>;
  /** Resolves the escalation and ends its conversation's human mode; false when there is no such escalation. */
  resolve(id: number, at: Date): Promise<boolean>;
  /** Newest first. */
  list(opts: { status?: Escalation['status'] }): Promise<Escalation[]>;
  /** Notices in this status, oldest first. */
  notices(status: NoticeStatus): Promise<EscalationNotice[]>;
  /** Moves a notice on (see noticeMoves); false when there is no such notice. */
  settleNotice(id: number, settle: SettleNotice, at: Date): Promise<boolean>;
}

const NOTICE_STEP: Record<NoticeStatus, number> = { pending: 0, queued: 1, delivered: 2, dead: 2 };

/**
 * Whether a notice in `from` moves to `to`: only forward (pending → queued → delivered or dead), so
 * a repeated or late report never takes a delivered notice back to the queue.
 */
export function noticeMoves(from: NoticeStatus, to: NoticeStatus): boolean {
  return NOTICE_STEP[to] > NOTICE_STEP[from];
}

/** `language` is the business's (its profile's), in which its contacts read every notice. */
type NoticeFacts = { tenantId: string; tenantName: string; language: Language; sender: string; senderName: string | null | undefined; summary: string };
const who = (n: NoticeFacts) => (n.senderName ? `${n.senderName} (${n.sender})` : n.sender);

/** What the business's contacts are told. */
export function escalationNotice(n: NoticeFacts): string {
  return `[${n.tenantId}] ${n.tenantName}: ${staffWords(n.language).needsPerson(who(n))} ${n.summary}`;
}

/** What they are told when that customer, still waiting, sends more. */
export function followUpNotice(n: NoticeFacts): string {
  return `[${n.tenantId}] ${n.tenantName}: ${staffWords(n.language).moreFrom(who(n))} ${n.summary}`;
}
