import type { Language } from '../../core/profile.js';
import type { LlmHealth } from '../../core/status.js';
import type { UsageRepository } from '../domain/usage.js';
import type { Classification } from './classifier.js';
import type { HistoryMessage } from './llm/provider.js';
import type { FaqMatcher, ServiceMatcher } from './matchers.js';
import type { Replies } from './replies.js';
import type { ToolContext } from './tools.js';

export const INTENTS = [
  'greeting', 'hours', 'location', 'services', 'book', 'cancel', 'reschedule', 'my_bookings', 'faq', 'human', 'opt_out', 'thanks', 'smalltalk', 'unknown',
] as const;
export type Intent = (typeof INTENTS)[number];

/** Everything an engine needs for one customer message. */
export interface Turn {
  text: string;
  normalized: string;
  language: Language;
  classification: Classification;
  tools: ToolContext;
  replies: Replies;
  services: ServiceMatcher;
  faqs: FaqMatcher;
  /** The conversation's recent messages, oldest first (for engines that read context). */
  history: HistoryMessage[];
  /** No message from this customer in the last few hours. */
  firstInSession: boolean;
  /** The tenant's LLM spending, for engines that call a paid model (budget and accounting). */
  usage: UsageRepository;
  /** The file the words came with (a photo's caption, a video's): staff see the file, the engine only the words. */
  file?: 'image' | 'video' | 'document';
}

export interface EngineResult {
  reply: string;
  intent: Intent;
  /** False when the engine could not help; three in a row escalate to a person. */
  handled: boolean;
  escalated?: boolean;
}

/** Whether an engine that depends on an outside service is really answering (GET /health `llm`). */
export type EngineStatus = LlmHealth;

export interface Engine {
  readonly name: string;
  /** Whether the engine reads Turn.history (loading it costs a query per message). */
  readonly wantsHistory: boolean;
  respond(turn: Turn): Promise<EngineResult>;
  status?(): EngineStatus;
}
