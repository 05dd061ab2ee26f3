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

export interface ModelTurn {
  text: string | null;
  toolCalls: ToolCall[];
}

export interface HistoryMessage {
  role: 'user' | 'assistant';
  text: string;
}

/** One conversation with the model; each provider keeps its own message format inside. */
export interface ModelSession {
  /** Sends the conversation so far and returns what the model said. */
  next(signal: AbortSignal): Promise<ModelTurn>;
  /** Adds the results of the tool calls the model just made. */
  addToolResults(results: { call: ToolCall; result: unknown }[]): void;
}

export interface LlmProvider {
  readonly name: string;
  start(system: string, history: HistoryMessage[], message: string, tools: ToolSpec[]): ModelSession;
}

export class LlmError extends Error {}

/** A provider reached over HTTP: where, which model, and the key (never logged). */
export abstract class HttpLlmProvider implements LlmProvider {
  abstract readonly name: string;

  constructor(
    protected readonly baseUrl: string,
    protected readonly model: string,
    protected readonly apiKey: string | undefined,
  ) {}

  abstract start(system: string, history: HistoryMessage[], message: string, tools: ToolSpec[]): ModelSession;
}

/** POSTs JSON and returns the parsed body; any non-2xx answer is an LlmError naming the status. */
export async function postJson(url: string, headers: Record<string, string>, body: unknown, signal: AbortSignal): Promise<unknown> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal });
  const text = await res.text();
  if (!res.ok) throw new LlmError(`${url} answered ${res.status}: ${text.slice(0, 200)}`);
  try {
    return JSON.parse(text);
  } catch {
    throw new LlmError(`${url} answered with something that is not JSON`);
  }
}

export function parseArguments(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
