/** The part of an LLM chat API the engine needs, whatever the wire format. */

export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface ToolCall {
  id: string;
  name: string;
  /** Parsed JSON arguments; `undefined` when the model sent arguments that are not JSON. */
  args: unknown;
}

export interface Usage {
  input: number;
  output: number;
}

export interface ModelTurn {
  text: string | null;
  toolCalls: ToolCall[];
  /** The answer is incomplete (cut off at max_tokens, or stopped by a filter): it must never reach a customer. */
  truncated: boolean;
  usage: Usage;
}

export interface HistoryMessage {
  role: 'user' | 'assistant';
  text: string;
  /** When it was said (ms since the epoch); old messages are left out of the model's context. */
  at?: number;
}

export interface ToolResult {
  call: ToolCall;
  result: unknown;
  /** The call was refused (bad arguments, unknown tool): the model should correct itself. */
  isError?: boolean;
}

/** One conversation with the model; each provider keeps its own message format inside. */
export interface ModelSession {
  /** Sends the conversation so far and returns what the model said; `deadline` bounds any retry wait. */
  next(signal: AbortSignal, deadline: number): Promise<ModelTurn>;
  /** Adds the results of the tool calls the model just made. */
  addToolResults(results: ToolResult[]): void;
  /** Adds a server message after the model's text answer, for it to answer again. */
  addServerNote(text: string): void;
}

/** What the model reads for one turn. `context` is server-written data, kept out of the system prompt. */
export interface Conversation {
  system: string;
  history: HistoryMessage[];
  /** Facts the server states about this turn (JSON); may quote customer text, so never in `system`. */
  context: string;
  message: string;
  tools: ToolSpec[];
}

export interface LlmProvider {
  readonly name: string;
  start(conversation: Conversation): ModelSession;
}

export class LlmError extends Error {}

/** The provider refused the request itself (not a passing failure): retrying cannot help. */
export class LlmRefusal extends LlmError {}

/**
 * Parses tool-call arguments as providers send them: a JSON string (OpenAI), an object (Anthropic,
 * Ollama, some LiteLLM routes) or nothing. `undefined` means they were not JSON.
 */
export function parseArguments(raw: unknown): unknown {
  if (raw === null || raw === undefined || raw === '') return {};
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** How to reach a provider and what to ask of it. The key is never logged. */
export interface ProviderOptions {
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Cap on each answer's length (OpenAI `max_tokens`/`max_completion_tokens`, Anthropic `max_tokens`). */
  maxTokens?: number;
  /** Sent only when set: reasoning models refuse any temperature but their default. */
  temperature?: number;
}

export const DEFAULT_MAX_TOKENS = 512;

/** Words in a 400 that mean the model or server cannot call tools at all. */
const NO_TOOLS = /does not support tools|tools? (are|is) not supported|not support(ed)? (function|tool)|enable-auto-tool-choice|tool.?call.?parser|tool_choice/i;

/** A 400 that says this model cannot use tools: retrying or resending is pointless. */
export function toolsRefusal(status: number, body: string, model: string): LlmRefusal | undefined {
  if (status !== 400 || !NO_TOOLS.test(body)) return undefined;
  return new LlmRefusal(
    `model "${model}" cannot call tools on this server (${body.replace(/\s+/g, ' ').slice(0, 160)}); choose a model with tool support, or for vLLM start it with --enable-auto-tool-choice --tool-call-parser <parser>`,
  );
}

/** A 400 naming a parameter the model refuses, e.g. `temperature` on reasoning models. */
export function refusesParameter(status: number, body: string, parameter: string): boolean {
  return status === 400 && new RegExp(`\\b${parameter}\\b`).test(body) && /unsupported|not supported|does not support|only the default|invalid|not allowed|use .max_completion_tokens./i.test(body);
}

/** A chat message as both wire formats write it: plain text, or text parts (`{type: 'text', text}`). */
export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string | { type: 'text'; text: string }[];
}

/**
 * The conversation as strictly alternating turns that start and end with the customer: Anthropic
 * requires it, and so do many local models' chat templates (vLLM, Ollama). Runs of one role (a
 * message the bot stayed silent on) are merged; the customer's turn is a list of text parts:
 * messages left unanswered, the server data, then the message.
 */
export function alternatingTurns(history: HistoryMessage[], context: string, message: string): ChatMessage[] {
  const turns: { role: 'user' | 'assistant'; parts: string[] }[] = [];
  for (const h of [...history, ...(context ? [{ role: 'user' as const, text: context }] : []), { role: 'user' as const, text: message }]) {
    const last = turns.at(-1);
    if (last?.role === h.role) last.parts.push(h.text);
    else if (last || h.role === 'user') turns.push({ role: h.role, parts: [h.text] });
  }
  return turns.map(({ role, parts }) => ({ role, content: role === 'user' && parts.length > 1 ? parts.map((text) => ({ type: 'text' as const, text })) : parts.join('\n') }));
}
