import type { Logger } from '../../../core/logger.js';
import type { Engine, EngineResult, Intent, Turn } from '../engine.js';
import { callTool, toolSchemas, ToolError, type Action } from '../tools.js';
import { LlmError, type LlmProvider } from './provider.js';

export const MAX_TOOL_ROUNDS = 4;
export const LLM_TIMEOUT_MS = 15_000;

/** The intent a turn had, read from what the model did; the classifier's guess otherwise. */
const INTENT_OF_TOOL: Record<string, Intent> = {
  create_booking: 'book',
  check_availability: 'book',
  cancel_booking: 'cancel',
  reschedule_booking: 'reschedule',
  list_my_bookings: 'my_bookings',
  escalate_to_human: 'human',
  search_faq: 'faq',
  get_opening_hours: 'hours',
  search_services: 'services',
};

const COMPLETED = new Set(['booked', 'cancelled', 'rescheduled', 'escalated']);

function systemPrompt(turn: Turn): string {
  const { profile, now, state } = turn.tools;
  const language = turn.language === 'es' ? 'Spanish' : 'English';
  const pending = state.pending
    ? `A change is waiting for the customer's confirmation: ${JSON.stringify(state.pending)}. ` +
      (turn.tools.confirmed
        ? 'The customer has just confirmed it: call the same tool again with exactly the same arguments.'
        : 'The customer has not confirmed it in this message.')
    : '';
  return [
    `You are the WhatsApp receptionist of ${profile.name}. Reply in ${language}, briefly (one to four short sentences), friendly and plain.`,
    `Now is ${now.toFormat("cccc d LLLL yyyy HH:mm")} in ${profile.timezone}. Dates and times you pass to tools are local to that timezone.`,
    'Use only facts returned by the tools. Never invent prices, opening hours, services, policies or availability; if a tool does not say it, say you do not know and offer a person.',
    'To book: find the service, the day, the time and the customer\'s name, then call create_booking. It first answers needs_confirmation: ask the customer to reply YES. Only after their YES, call create_booking again with the same arguments. Rescheduling and cancelling work the same way.',
    'If the customer asks for a person, is upset, or you cannot help, call escalate_to_human with a one-line summary.',
    pending,
  ]
    .filter(Boolean)
    .join('\n');
}

/** The reply for a change that already happened when the model failed afterwards. */
function outcomeReply(turn: Turn, action: Action): string {
  const key = ({ escalated: 'handoff', booked: 'doneBooked', cancelled: 'doneCancelled', rescheduled: 'doneRescheduled' } as const)[action.status as 'booked'];
  return turn.replies.t(key);
}

/**
 * The LLM engine: the model talks, the same tools act, and the tools still enforce confirmation.
 * At most four tool rounds within 15 s; any failure (HTTP error, bad arguments, unknown tool,
 * timeout, malformed answer) answers the turn with the fallback engine and logs why.
 */
export class LlmEngine implements Engine {
  readonly name: string;
  readonly wantsHistory = true;

  constructor(
    private readonly provider: LlmProvider,
    private readonly fallback: Engine,
    private readonly log: Logger,
    private readonly timeoutMs = LLM_TIMEOUT_MS,
  ) {
    this.name = `llm:${provider.name}`;
  }

  async respond(turn: Turn): Promise<EngineResult> {
    // The tools replace the state rather than change it, so the state before the model acted is kept as is.
    const before = turn.tools.state;
    const actionsBefore = turn.tools.actions.length;
    try {
      return await this.converse(turn);
    } catch (err) {
      const reason = err instanceof LlmError || err instanceof ToolError ? err.message : (err as Error).name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : String(err);
      this.log.warn({ tenant: turn.tools.tenantName, engine: this.name, reason }, 'LLM turn failed; answering with the rule engine');
      const done = turn.tools.actions.slice(actionsBefore).find((a) => COMPLETED.has(a.status));
      if (done) return { reply: outcomeReply(turn, done), intent: INTENT_OF_TOOL[done.tool] ?? turn.classification.intent, handled: true, escalated: done.status === 'escalated' };
      turn.tools.state = before;
      turn.tools.actions.length = actionsBefore;
      return this.fallback.respond(turn);
    }
  }

  private async converse(turn: Turn): Promise<EngineResult> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    const session = this.provider.start(systemPrompt(turn), turn.history, turn.text, toolSchemas());
    const used: string[] = [];
    for (let round = 0; round <= MAX_TOOL_ROUNDS; round++) {
      const answer = await session.next(signal);
      if (answer.toolCalls.length === 0) {
        if (!answer.text?.trim()) throw new LlmError('the model answered with no text');
        const mainTool = used.find((name) => INTENT_OF_TOOL[name] && name !== 'check_availability') ?? used[0];
        const escalated = turn.tools.actions.some((a) => a.status === 'escalated');
        return { reply: answer.text.trim(), intent: mainTool ? (INTENT_OF_TOOL[mainTool] ?? turn.classification.intent) : turn.classification.intent, handled: true, escalated };
      }
      if (round === MAX_TOOL_ROUNDS) throw new LlmError(`still calling tools after ${MAX_TOOL_ROUNDS} rounds`);
      const results = [];
      for (const call of answer.toolCalls) {
        if (call.args === undefined) throw new ToolError(`the model sent arguments for ${call.name} that are not JSON`);
        results.push({ call, result: await callTool(turn.tools, call.name, call.args) });
        used.push(call.name);
      }
      session.addToolResults(results);
    }
    throw new LlmError('unreachable');
  }
}
