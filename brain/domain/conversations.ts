import { initialState, type ConversationState } from './state.js';

/**
 * A customer's conversation with one tenant: what the receptionist remembers between messages,
 * whether the customer opted out, and whether a person has taken it over. The rules of a turn
 * that do not depend on the engine are pure functions here; the chat service runs them.
 */

export interface Conversation {
  id: number;
  sender: string;
  senderName: string | null;
  language: string;
  state: ConversationState;
  optedOut: boolean;
  handoffUntil: Date | null;
  /** The newest message's time. */
  timestamp: Date;
  createdAt: Date;
}

export type NewConversation = Omit<Conversation, 'id'>;

export interface Message {
  direction: 'in' | 'out';
  text: string;
  intent: string | null;
  messageId: string | null;
  timestamp: Date;
}

/** One chat turn, recorded in one transaction. */
export interface TurnRecord {
  conversationId: number;
  messageId: string | undefined;
  sender: string;
  senderName: string | undefined;
  update: Pick<Conversation, 'state' | 'language' | 'optedOut' | 'handoffUntil' | 'timestamp'>;
  text: string;
  reply: string | null;
  intent: string;
  at: Date;
  /** The answer given, returned again for a repeated message id. */
  response: unknown;
}

export interface ConversationRepository {
  /** The answer already given to this message id, if it was processed before. */
  processed(sender: string, messageId: string): Promise<unknown>;
  find(sender: string): Promise<Conversation | undefined>;
  /** The sender's conversation, created as `initial` if there is none yet. */
  open(initial: NewConversation): Promise<Conversation>;
  /** Records the turn; returns the earlier answer instead when a concurrent duplicate committed first. */
  record(turn: TurnRecord): Promise<unknown>;
  /** The conversation's last `limit` messages, oldest first. */
  recent(conversationId: number, limit: number): Promise<Message[]>;
  /** Conversations, most recently active first, each with its last `messages` messages. */
  list(opts: { limit: number; sender?: string; messages: number }): Promise<(Omit<Conversation, 'state' | 'createdAt'> & { messages: Message[] })[]>;
}

/** A conversation a person took over stays silent this long unless its escalation is resolved first. */
export const HUMAN_MODE_HOURS = 12;
/** A half-finished booking is forgotten after this much silence. */
const FLOW_TTL_MINUTES = 120;
/** A message after this much silence starts a new session (the after-hours note is repeated). */
const SESSION_GAP_HOURS = 4;
/** Consecutive messages the engine could not handle before a person is called. */
export const UNHANDLED_LIMIT = 3;

export function newConversation(sender: string, senderName: string | undefined, language: string, now: Date): NewConversation {
  return { sender, senderName: senderName ?? null, language, state: initialState(), optedOut: false, handoffUntil: null, timestamp: now, createdAt: now };
}

/** Where a turn starts from: the remembered state (a stale flow forgotten) and a human mode still in force. */
export function resume(c: Conversation, isNew: boolean, now: Date): { state: ConversationState; handoffUntil: Date | null; firstInSession: boolean } {
  const idleMinutes = (now.getTime() - c.timestamp.getTime()) / 60_000;
  const state: ConversationState = { ...initialState(), ...c.state };
  if (idleMinutes > FLOW_TTL_MINUTES) {
    state.flow = undefined;
    state.pending = undefined;
  }
  return {
    state,
    handoffUntil: c.handoffUntil && c.handoffUntil > now ? c.handoffUntil : null,
    firstInSession: isNew || idleMinutes > SESSION_GAP_HOURS * 60,
  };
}

/** Who answers a message: nobody (opted out, or a person has the chat), the opt-out rules, or the engine. */
export type Gate = { kind: 'opt_out'; announce: boolean } | { kind: 'opt_in' } | { kind: 'silent' } | { kind: 'engine' };

export function gate(c: { optedOut: boolean; handoffUntil: Date | null; handoffRequested: boolean }, message: { optOut: boolean; optIn: boolean }): Gate {
  if (message.optOut) return { kind: 'opt_out', announce: !c.optedOut };
  if (c.optedOut) return message.optIn ? { kind: 'opt_in' } : { kind: 'silent' };
  if (c.handoffRequested || c.handoffUntil) return { kind: 'silent' };
  return { kind: 'engine' };
}

/** The state after an opt-out: nothing half-done is kept. */
export function optedOutState(state: ConversationState): ConversationState {
  return { ...state, flow: undefined, pending: undefined };
}

/**
 * The state after the engine answered, and whether the unanswered messages in a row now call a
 * person. An escalated turn starts the count again.
 */
export function afterEngine(state: ConversationState, handled: boolean): { state: ConversationState; limitReached: boolean } {
  const unhandled = handled ? 0 : state.unhandled + 1;
  return { state: { ...state, unhandled }, limitReached: unhandled >= UNHANDLED_LIMIT };
}

/** Until when the bot stays silent after an escalation at `now`. */
export function humanModeUntil(now: Date): Date {
  return new Date(now.getTime() + HUMAN_MODE_HOURS * 3_600_000);
}

/** The conversation's timestamp after a message dated `at`: a message from the past never moves it back. */
export function lastActivity(c: Pick<Conversation, 'timestamp'>, at: Date): Date {
  return new Date(Math.max(at.getTime(), c.timestamp.getTime()));
}
