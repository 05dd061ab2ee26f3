import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Logger } from '../../core/logger.js';
import type { Language } from '../../core/profile.js';
import { CAPTIONED_KINDS, MESSAGE_KINDS } from '../../core/inbound.js';
import { stripControl } from '../../core/text.js';
import type { ConversationRow } from '../db/models.js';
import { classifierFor } from '../receptionist/classifier.js';
import type { Engine, Intent } from '../receptionist/engine.js';
import type { HistoryMessage } from '../receptionist/llm/provider.js';
import { matchersFor } from '../receptionist/matchers.js';
import { answerMedia } from '../receptionist/media.js';
import { Replies } from '../receptionist/replies.js';
import { initialState, type ConversationState } from '../receptionist/state.js';
import { isAffirmative, isOptIn, isOptOut, normalize } from '../receptionist/text.js';
import type { Action, ToolContext } from '../receptionist/tools.js';
import { parseWhen } from '../receptionist/when.js';
import { zoneOf } from '../receptionist/zone.js';
import type { TenantContext } from '../tenants.js';
import { KeyedLock } from './keyed-lock.js';

export const SenderSchema = z.string().regex(/^[\w+@.:-]{1,64}$/, 'sender must be a phone number or WhatsApp id (letters, digits, + @ . : - _; at most 64)');

export const ChatRequestSchema = z.object({
  message: z
    .string({ error: 'message is required' })
    .max(4096, 'message is over 4096 characters')
    .transform(stripControl)
    .refine((s) => s.trim().length > 0, 'message is empty'),
  sender: z.string({ error: 'sender is required' }).pipe(SenderSchema),
  timestamp: z.iso.datetime({ offset: true, error: 'timestamp must be ISO 8601 with a zone, like 2026-03-16T10:00:00Z' }).optional(),
  messageId: z.string().min(1).max(128).optional(),
  senderName: z.string().max(100).transform(stripControl).optional(),
  /** Set by the gateway while a person handles this chat: store the message, say nothing. */
  handoff: z.boolean().optional(),
  /** What the customer sent. For anything but text, `message` is the record line ("[voice note 0:14]"). */
  kind: z.enum(MESSAGE_KINDS, { error: `kind must be one of: ${MESSAGE_KINDS.join(', ')}` }).optional(),
  /** Words that came with a photo, video or document: answered like a text. */
  caption: z.string().max(4096).transform(stripControl).optional(),
  /** What a voice note said (transcribed by the gateway): answered like a text, prefixed with "You said". */
  transcript: z.string().max(4096).transform(stripControl).optional(),
});
export type ChatRequest = z.infer<typeof ChatRequestSchema>;

export interface ChatResponse {
  reply: string | null;
  intent: Intent;
  actions: Action[];
  conversationId: number;
  escalated: boolean;
  handoff: boolean;
}

/** A conversation a person took over stays silent this long unless its escalation is resolved first. */
export const HUMAN_MODE_HOURS = 12;
/** A half-finished booking is forgotten after this much silence. */
const FLOW_TTL_MINUTES = 120;
/** A message after this much silence starts a new session (the after-hours note is repeated). */
const SESSION_GAP_HOURS = 4;
const UNHANDLED_LIMIT = 3;
/** Earlier messages an LLM engine sees. */
const HISTORY_MESSAGES = 10;

const WARM_UP: [Language, string][] = [
  ['en', 'can I book a cleaning on friday at 10am?'],
  ['es', '¿puedo reservar una limpieza el viernes a las 10?'],
];

/**
 * POST /api/chat: idempotency, one turn at a time per customer, opt-out and human mode, the engine,
 * escalation, and one transaction that records the turn. The engine never sees the database
 * directly; it works through the tools.
 */
export class ChatService {
  private readonly perCustomer = new KeyedLock();

  constructor(
    private readonly engine: Engine,
    private readonly log: Logger,
  ) {}

  /**
   * Trains the tenant's classifier ahead of its first customer (about 50 ms of CPU each), and runs
   * a message per language through the classifier and the date reader, whose first use compiles
   * chrono's patterns: without it the first customers after a restart waited up to 0.25 s.
   */
  async warm(tenant: TenantContext): Promise<void> {
    const classifier = await classifierFor(tenant.profile);
    matchersFor(tenant.profile);
    const now = DateTime.now().setZone(zoneOf(tenant.profile));
    for (const [language, text] of WARM_UP) {
      await classifier.classify(normalize(text), language);
      parseWhen(text, language, now);
    }
  }

  /** A retried message waits for the customer's turn in progress, then gets that turn's answer. */
  async handle(tenant: TenantContext, req: ChatRequest): Promise<ChatResponse> {
    return this.perCustomer.run(`${tenant.tenant.id}\u0000${req.sender}`, async () => (await this.replay(tenant, req.sender, req.messageId)) ?? this.turn(tenant, req));
  }

  private async replay(tenant: TenantContext, sender: string, messageId: string | undefined): Promise<ChatResponse | undefined> {
    if (!messageId) return undefined;
    return (await tenant.db.turns.processed(sender, messageId)) as ChatResponse | undefined;
  }

  private async conversationFor(tenant: TenantContext, req: ChatRequest, now: Date): Promise<{ conversation: ConversationRow; isNew: boolean }> {
    const existing = await tenant.db.turns.conversation(req.sender);
    if (existing) return { conversation: existing, isNew: false };
    const conversation = await tenant.db.turns.openConversation({
      sender: req.sender, senderName: req.senderName ?? null, language: tenant.profile.language, state: initialState() as unknown as Record<string, unknown>,
      optedOut: false, handoffUntil: null, timestamp: now, createdAt: now,
    });
    return { conversation, isNew: true };
  }

  private async turn(tenant: TenantContext, req: ChatRequest): Promise<ChatResponse> {
    const { profile, db } = tenant;
    const now = DateTime.fromISO(req.timestamp ?? new Date().toISOString()).setZone(zoneOf(profile));
    const nowDate = now.toJSDate();
    const { conversation, isNew } = await this.conversationFor(tenant, req, nowDate);
    const language = conversation.language === 'es' ? 'es' : 'en';
    const state: ConversationState = { ...initialState(), ...(conversation.state as Partial<ConversationState>) };
    const idleMinutes = (nowDate.getTime() - new Date(conversation.timestamp).getTime()) / 60_000;
    if (idleMinutes > FLOW_TTL_MINUTES) {
      state.flow = undefined;
      state.pending = undefined;
    }
    // The words to answer: a text, or what came with a file (caption, transcript). A file without
    // words gets the media policy's answer instead of the engine's.
    const kind = req.kind ?? 'text';
    const words = kind === 'text' ? req.message : ((kind === 'audio' ? req.transcript : CAPTIONED_KINDS.has(kind) ? req.caption : undefined) ?? '').trim();
    const normalized = normalize(words);
    const classification = await (await classifierFor(profile)).classify(normalized, language);
    let optedOut = conversation.optedOut;
    let handoffUntil = conversation.handoffUntil ? new Date(conversation.handoffUntil) : null;
    if (handoffUntil && handoffUntil <= nowDate) handoffUntil = null;
    const replies = new Replies(profile, language);
    const actions: Action[] = [];
    let escalationId: number | undefined;

    const tools: ToolContext = {
      db,
      profile,
      tenantName: tenant.tenant.name,
      sender: req.sender,
      now,
      state,
      // Only the server decides that a message is the customer's YES to the change proposed before it.
      confirmed: state.pending !== undefined && isAffirmative(normalized),
      actions,
      escalate: async (summary) => {
        escalationId = await this.escalate(tenant, conversation, req, summary, nowDate);
        return escalationId;
      },
    };

    let reply: string | null;
    let intent: Intent;
    let escalated = false;
    if (isOptOut(normalized)) {
      optedOut = true;
      state.flow = undefined;
      state.pending = undefined;
      [reply, intent] = [conversation.optedOut ? null : replies.t('optedOut'), 'opt_out'];
    } else if (optedOut) {
      if (isOptIn(normalized)) [optedOut, reply, intent] = [false, replies.t('optedIn'), 'greeting'];
      else [reply, intent] = [null, classification.intent];
    } else if (req.handoff || handoffUntil) {
      [reply, intent] = [null, classification.intent];
    } else if (!words) {
      const media = answerMedia(kind, req.message, replies, profile.media, state, nowDate);
      [reply, intent] = [media.reply, 'unknown'];
      if (media.notice) {
        await tools.escalate(media.notice);
        actions.push({ tool: 'escalate_to_human', status: 'notified', escalationId });
        escalated = true;
      }
    } else {
      const result = await this.engine.respond({
        text: words,
        normalized,
        language,
        classification,
        tools,
        replies,
        ...matchersFor(profile),
        firstInSession: isNew || idleMinutes > SESSION_GAP_HOURS * 60,
        history: this.engine.wantsHistory ? await this.history(tenant, conversation.id) : [],
      });
      state.unhandled = result.handled ? 0 : state.unhandled + 1;
      // A transcript may be wrong: the customer sees what was understood.
      reply = req.transcript ? `${replies.t('youSaid', { text: req.transcript.slice(0, 500) })}\n${result.reply}` : result.reply;
      intent = result.intent;
      escalated = Boolean(result.escalated);
      if (!escalated && state.unhandled >= UNHANDLED_LIMIT) {
        await tools.escalate(`The receptionist could not help ${UNHANDLED_LIMIT} times in a row; last message: "${words.slice(0, 300)}"`);
        actions.push({ tool: 'escalate_to_human', status: 'escalated', escalationId });
        reply = `${reply}\n${replies.t('handoff')}`;
        escalated = true;
      }
      if (escalated) {
        state.unhandled = 0;
        handoffUntil = new Date(nowDate.getTime() + HUMAN_MODE_HOURS * 3_600_000);
      }
    }

    const response: ChatResponse = { reply, intent, actions, conversationId: conversation.id, escalated, handoff: handoffUntil !== null || Boolean(req.handoff) };
    return this.commit(tenant, req, conversation, { state, optedOut, handoffUntil, nowDate }, response);
  }

  private async history(tenant: TenantContext, conversationId: number): Promise<HistoryMessage[]> {
    const rows = await tenant.db.models.Message.findAll({ where: { conversationId }, order: [['id', 'DESC']], limit: HISTORY_MESSAGES });
    return rows.reverse().map((m) => ({ role: m.direction === 'in' ? 'user' : 'assistant', text: m.text }));
  }

  /** Records the turn in one transaction. A concurrent duplicate that committed first wins. */
  private async commit(
    tenant: TenantContext,
    req: ChatRequest,
    conversation: ConversationRow,
    update: { state: ConversationState; optedOut: boolean; handoffUntil: Date | null; nowDate: Date },
    response: ChatResponse,
  ): Promise<ChatResponse> {
    const recorded = await tenant.db.turns.record({
      conversationId: conversation.id,
      messageId: req.messageId,
      sender: req.sender,
      senderName: req.senderName,
      update: {
        state: update.state as unknown as Record<string, unknown>,
        optedOut: update.optedOut,
        handoffUntil: update.handoffUntil,
        timestamp: new Date(Math.max(update.nowDate.getTime(), new Date(conversation.timestamp).getTime())),
      },
      text: req.message,
      reply: response.reply,
      intent: response.intent,
      at: update.nowDate,
      response,
    });
    return recorded as ChatResponse;
  }

  /** Opens (or, on a retried message, finds) the customer's pending escalation and queues its notification. */
  private async escalate(tenant: TenantContext, conversation: ConversationRow, req: ChatRequest, summary: string, now: Date): Promise<number> {
    const { Escalation, EscalationOutbox } = tenant.db.models;
    const id = await tenant.db.write(async (transaction) => {
      const open = await Escalation.findOne({ where: { sender: req.sender, status: 'pending' }, transaction });
      if (open) return open.id;
      const escalation = await Escalation.create({ conversationId: conversation.id, sender: req.sender, summary, status: 'pending', createdAt: now, resolvedAt: null }, { transaction });
      const who = req.senderName ?? conversation.senderName;
      await EscalationOutbox.create(
        { escalationId: escalation.id, text: `[${tenant.tenant.id}] ${tenant.tenant.name}: ${who ? `${who} (${req.sender})` : req.sender} needs a person. ${summary}`, status: 'pending', createdAt: now },
        { transaction },
      );
      return escalation.id;
    });
    this.log.info({ tenant: tenant.tenant.id, escalationId: id }, 'conversation escalated to a person');
    return id;
  }
}

/** POST /api/escalations/:id/resolve: closes the escalation and gives the conversation back to the bot. */
export async function resolveEscalation(tenant: TenantContext, id: number): Promise<boolean> {
  const { Escalation, Conversation } = tenant.db.models;
  return tenant.db.write(async (transaction) => {
    const escalation = await Escalation.findByPk(id, { transaction });
    if (!escalation) return false;
    if (escalation.status !== 'resolved') {
      await escalation.update({ status: 'resolved', resolvedAt: new Date() }, { transaction });
      if (escalation.conversationId) await Conversation.update({ handoffUntil: null }, { where: { id: escalation.conversationId }, transaction });
    }
    return true;
  });
}
