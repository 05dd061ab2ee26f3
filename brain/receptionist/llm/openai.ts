import { z } from 'zod';
import { HttpProvider, type LlmHttpError } from './http.js';
import { alternatingTurns, LlmError, parseArguments, refusesParameter, type Conversation, type ModelSession, type ToolCall } from './provider.js';

/**
 * Chat completions as servers really send them: `tool_calls` may be null or absent (LiteLLM,
 * Ollama), ids may be missing, arguments may be a JSON string or an object, and content may be a
 * string, null or a list of text parts.
 */
const WireCall = z.object({
  id: z.string().nullish(),
  type: z.string().nullish(),
  function: z.object({ name: z.string(), arguments: z.unknown() }),
});
const Part = z.object({ type: z.string(), text: z.string().optional() }).passthrough();
const Response = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.union([z.string(), z.array(Part)]).nullish(),
          tool_calls: z.array(WireCall).nullish(),
        }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: z.object({ prompt_tokens: z.number().nullish(), completion_tokens: z.number().nullish() }).nullish(),
});

function textOf(content: z.infer<typeof Response>['choices'][number]['message']['content']): string | null {
  if (content === null || content === undefined) return null;
  if (typeof content === 'string') return content;
  return content.flatMap((p) => (p.type === 'text' && typeof p.text === 'string' ? [p.text] : [])).join('') || null;
}

/** OpenAI's chat completions API, also spoken by Ollama, vLLM, LiteLLM and most local servers. */
export class OpenAiProvider extends HttpProvider {
  readonly name = 'openai';
  /** OpenAI's reasoning models refuse `max_tokens` and want `max_completion_tokens`. */
  private tokensField: 'max_tokens' | 'max_completion_tokens' = 'max_tokens';

  /** `http://host:11434` and `http://host:11434/v1` both work; any other path is kept as given. */
  get url(): string {
    const base = this.basePath(/\/chat\/completions$/);
    return `${base === this.baseUrl.origin ? `${base}/v1` : base}/chat/completions`;
  }

  protected override adapt(err: LlmHttpError): boolean {
    if (this.tokensField === 'max_tokens' && refusesParameter(err.status, err.body, 'max_tokens')) {
      this.tokensField = 'max_completion_tokens';
      return true;
    }
    return super.adapt(err);
  }

  start({ system, history, context, message, tools }: Conversation): ModelSession {
    const messages: unknown[] = [
      { role: 'system', content: system },
      // Server data that may quote the customer is its own text part, never in the system prompt.
      ...alternatingTurns(history, context, message),
    ];
    const headers: Record<string, string> = this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {};
    // No tool_choice: "auto" is the default whenever tools are sent, and vLLM refuses an explicit one
    // unless it runs with --enable-auto-tool-choice.
    const body = () => ({
      model: this.model,
      messages,
      tools: tools.map((t) => ({ type: 'function', function: t })),
      [this.tokensField]: this.maxTokens,
      ...(this.temperature !== undefined ? { temperature: this.temperature } : {}),
    });
    return {
      next: async (signal, deadline) => {
        const parsed = Response.safeParse(await this.send(this.url, headers, body, signal, deadline));
        if (!parsed.success) throw new LlmError(`unexpected chat completion shape: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
        const choice = parsed.data.choices[0]!;
        const text = textOf(choice.message.content);
        const toolCalls: (ToolCall & { raw: unknown })[] = (choice.message.tool_calls ?? []).map((c, i) => ({
          id: c.id || `call_${messages.length}_${i}`,
          name: c.function.name,
          args: parseArguments(c.function.arguments),
          raw: c.function.arguments,
        }));
        messages.push({
          role: 'assistant',
          content: text,
          ...(toolCalls.length
            ? { tool_calls: toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: typeof c.raw === 'string' ? c.raw : JSON.stringify(c.raw ?? {}) } })) }
            : {}),
        });
        const usage = parsed.data.usage;
        return {
          text,
          toolCalls: toolCalls.map(({ raw: _raw, ...call }) => call),
          truncated: choice.finish_reason === 'length' || choice.finish_reason === 'content_filter',
          usage: { input: usage?.prompt_tokens ?? 0, output: usage?.completion_tokens ?? 0 },
        };
      },
      addToolResults: (results) => {
        for (const { call, result } of results) messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(result) });
      },
      addServerNote: (text) => messages.push({ role: 'user', content: text }),
    };
  }
}
