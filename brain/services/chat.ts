import { DateTime } from 'luxon';
import type { Logger } from '../../core/logger.js';
import type { Language } from '../../core/profile.js';
import type { ChatReply, ChatRequest } from '../../core/contracts.js';
import { CAPTIONED_KINDS, FILE_KINDS } from '../../core/inbound.js';
import { afterEngine, gate, humanModeUntil, lastActivity, newConversation, optedOutState, resume, UNHANDLED_LIMIT, type Conversation } from '../domain/conversations.js';
import { escalationNotice, followUpNotice } from '../domain/escalations.js';
import { staffWords } from '../domain/staff-words.js';
import { classifierFor } from '../receptionist/classifier.js';
import type { Engine, Intent } from '../receptionist/engine.js';
import type { HistoryMessage } from '../receptionist/llm/provider.js';
import { matchersFor } from '../receptionist/matchers.js';
import { answerMedia, fileNotice } from '../receptionist/media.js';
import { Replies } from '../receptionist/replies.js';
import { detectLanguage } from '../receptionist/language.js';
import type { ConversationState } from '../domain/state.js';
import { isAffirmative, isOptIn, isOptOut, normalize } from '../receptionist/text.js';
import type { Action, ToolContext } from '../receptionist/tools.js';
import { confirmsProposal, saysYesTo } from '../receptionist/slots.js';
import { parseWhen } from '../receptionist/when.js';
import { zoneOf } from '../domain/zone.js';
import type { TenantContext } from '../tenants.js';
import { KeyedLock } from './keyed-lock.js';

/** The chat contract's reply, with the brain's own types for the intent and the actions. */
export interface ChatResponse extends ChatReply {
  intent: Intent;
  actions: Action[];
}

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
   * Readies the tenant's classifier ahead of its first customer (its vocabulary and service overlay,
   * under 1 ms: the models all tenants share are loaded before the brain listens), and runs
   * a message per language through the classifier and the date reader, whose first use compiles
   * patterns: without it the first customers after a restart waited up to 0.25 s.
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
    return (await tenant.db.conversations.processed(sender, messageId)) as ChatResponse | undefined;
  }

  private async conversationFor(tenant: TenantContext, req: ChatRequest, now: Date): Promise<{ conversation: Conversation; isNew: boolean }> {
    const existing = await tenant.db.conversations.find(req.sender);
    if (existing) return { conversation: existing, isNew: false };
    return { conversation: await tenant.db.conversations.open(newConversation(req.sender, req.senderName, tenant.profile.language, now)), isNew: true };
  }

  private async turn(tenant: TenantContext, req: ChatRequest): Promise<ChatResponse> {
    const { profile, db } = tenant;
    const now = DateTime.fromISO(req.timestamp ?? new Date().toISOString()).setZone(zoneOf(profile));
    const nowDate = now.toJSDate();
    const { conversation, isNew } = await this.conversationFor(tenant, req, nowDate);
    const start = resume(conversation, isNew, nowDate);
    // The words to answer: a text, or what came with a file (caption, transcript). A file without
    // words gets the media policy's answer instead of the engine's.
    const kind = req.kind ?? 'text';
    // What staff are told of the message: its record line, and what became of its file.
    const record = req.fileNote ? `${req.message} (${req.fileNote})` : req.message;
    const words = kind === 'text' ? req.message : ((kind === 'audio' ? req.transcript : CAPTIONED_KINDS.has(kind) ? req.caption : undefined) ?? '').trim();
    const normalized = normalize(words);
    // The customer's language, not the business's: kept per conversation, switched when they do.
    const language = detectLanguage(normalized) ?? (conversation.language === 'es' ? 'es' : 'en');
    const classification = await (await classifierFor(profile)).classify(normalized, language);
    let optedOut = conversation.optedOut;
    let handoffUntil = start.handoffUntil;
    const replies = new Replies(profile, language);
    const actions: Action[] = [];
    let escalationId: number | undefined;

    const tools: ToolContext = {
      bookings: db.bookings,
      profile,
      tenantName: tenant.tenant.name,
      sender: req.sender,
      now,
      state: start.state,
      // Only the server decides that a message is the customer's YES to the change proposed before it.
      confirmed: start.state.pending !== undefined && (isAffirmative(normalized, start.state.pending.action)
        || confirmsProposal(words, start.state.pending, parseWhen(words, language, now), matchersFor(profile).services.find(words, false), now.zone)
        || saysYesTo(words, start.state.pending, matchersFor(profile).services.find(words, false), profile.services, start.state.flow?.kind === 'book' && Boolean(start.state.flow.afterBooking))),
      actions,
      escalate: async (summary) => {
        escalationId = await this.escalate(tenant, conversation, req, summary, nowDate);
        return escalationId;
      },
    };

    let reply: string | null;
    let intent: Intent;
    let escalated = false;
    let notice: string | null = null;
    const who = gate({ optedOut, handoffUntil, handoffRequested: Boolean(req.handoff) }, { optOut: isOptOut(normalized), optIn: isOptIn(normalized) });
    if (who.kind === 'opt_out') {
      optedOut = true;
      tools.state = optedOutState(tools.state);
      [reply, intent] = [who.announce ? replies.t('optedOut') : null, 'opt_out'];
    } else if (who.kind === 'opt_in') {
      [optedOut, reply, intent] = [false, replies.t('optedIn'), 'greeting'];
    } else if (who.kind === 'silent') {
      [reply, intent] = [null, classification.intent];
    } else if (!words) {
      const media = answerMedia(kind, record, replies, profile.media, tools.state, nowDate);
      [reply, intent] = [media.reply, 'unknown'];
      if (media.callNoticeAt) tools.state = { ...tools.state, callNoticeAt: media.callNoticeAt };
      notice = media.notice;
    } else {
      const result = await this.engine.respond({
        text: words,
        normalized,
        language,
        classification,
        tools,
        replies,
        ...matchersFor(profile),
        firstInSession: start.firstInSession,
        usage: db.usage,
        history: this.engine.wantsHistory ? await this.history(tenant, conversation.id) : [],
      });
      const after = afterEngine(tools.state, result.handled);
      tools.state = after.state;
      // A transcript may be wrong: the customer sees what was understood.
      reply = req.transcript ? `${replies.t('youSaid', { text: req.transcript.slice(0, 500) })}\n${result.reply}` : result.reply;
      intent = result.intent;
      escalated = Boolean(result.escalated);
      if (!escalated && after.limitReached) {
        await tools.escalate(staffWords(profile.language).cannotHelp(UNHANDLED_LIMIT, words));
        actions.push({ tool: 'escalate_to_human', status: 'escalated', escalationId });
        reply = `${reply}\n${replies.t('handoff')}`;
        escalated = true;
      }
      if (escalated) {
        tools.state = { ...tools.state, unhandled: 0 };
        handoffUntil = humanModeUntil(nowDate);
      }
      // A photo's caption is answered, and staff still see the photo.
      if (CAPTIONED_KINDS.has(kind)) notice = fileNotice(record, profile.media, profile.language);
    }
    // A notice tells staff without taking the conversation from the receptionist.
    // A customer already waiting for a person adds to that escalation: staff see every file.
    if (notice) {
      escalationId = (await this.followUp(tenant, conversation, req, notice, nowDate)) ?? (await this.escalate(tenant, conversation, req, notice, nowDate));
      actions.push({ tool: 'escalate_to_human', status: 'notified', escalationId });
      escalated = true;
    } else if (who.kind === 'silent' && FILE_KINDS.has(kind)) {
      // The bot keeps quiet while a person has the chat, but the file still reaches their escalation.
      const line = fileNotice(record, profile.media, profile.language);
      const id = line ? await this.followUp(tenant, conversation, req, line, nowDate) : null;
      if (id !== null) actions.push({ tool: 'escalate_to_human', status: 'notified', escalationId: id });
    }

    const pin = reply !== null && intent === 'location' && profile.location ? { ...profile.location, name: profile.name, ...(profile.address ? { address: profile.address } : {}) } : undefined;
    const response: ChatResponse = { reply, intent, actions, conversationId: conversation.id, escalated, handoff: handoffUntil !== null || Boolean(req.handoff), ...(pin ? { location: pin } : {}) };
    return this.commit(tenant, req, conversation, { state: tools.state, language, optedOut, handoffUntil, nowDate }, response);
  }

  private async history(tenant: TenantContext, conversationId: number): Promise<HistoryMessage[]> {
    const messages = await tenant.db.conversations.recent(conversationId, HISTORY_MESSAGES);
    return messages.map((m) => ({ role: m.direction === 'in' ? 'user' : 'assistant', text: m.text, at: m.timestamp.getTime() }));
  }

  /** Records the turn in one transaction. A concurrent duplicate that committed first wins. */
  private async commit(
    tenant: TenantContext,
    req: ChatRequest,
    conversation: Conversation,
    update: { state: ConversationState; language: Language; optedOut: boolean; handoffUntil: Date | null; nowDate: Date },
    response: ChatResponse,
  ): Promise<ChatResponse> {
    const recorded = await tenant.db.conversations.record({
      conversationId: conversation.id,
      messageId: req.messageId,
      sender: req.sender,
      senderName: req.senderName,
      update: { state: update.state, language: update.language, optedOut: update.optedOut, handoffUntil: update.handoffUntil, timestamp: lastActivity(conversation, update.nowDate) },
      text: req.message,
      reply: response.reply,
      intent: response.intent,
      at: update.nowDate,
      response,
    });
    return recorded as ChatResponse;
  }

  /** Opens (or, on a retried message, finds) the customer's pending escalation and queues its notification. */
  private async escalate(tenant: TenantContext, conversation: Conversation, req: ChatRequest, summary: string, now: Date): Promise<number> {
    const notice = escalationNotice({ tenantId: tenant.tenant.id, tenantName: tenant.tenant.name, language: tenant.profile.language, sender: req.sender, senderName: req.senderName ?? conversation.senderName, summary });
    const id = await tenant.db.escalations.open({ conversationId: conversation.id, sender: req.sender, summary, notice, at: now });
    this.log.info({ tenant: tenant.tenant.id, escalationId: id }, 'conversation escalated to a person');
    return id;
  }

  /** Adds to the customer's pending escalation, if there is one. */
  private followUp(tenant: TenantContext, conversation: Conversation, req: ChatRequest, line: string, now: Date): Promise<number | null> {
    const notice = followUpNotice({ tenantId: tenant.tenant.id, tenantName: tenant.tenant.name, language: tenant.profile.language, sender: req.sender, senderName: req.senderName ?? conversation.senderName, summary: line });
    return tenant.db.escalations.followUp({ sender: req.sender, line, notice, at: now });
  }
}

/** POST /api/escalations/:id/resolve: closes the escalation and gives the conversation back to the bot. */
export function resolveEscalation(tenant: TenantContext, id: number): Promise<boolean> {
  return tenant.db.escalations.resolve(id, new Date());
}
