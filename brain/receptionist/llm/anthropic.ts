import { z } from 'zod';
import { HttpProvider } from './http.js';
import { alternatingTurns, LlmError, parseArguments, type Conversation, type ModelSession } from './provider.js';

/** Content blocks: text, tool_use, and others (thinking, redacted_thinking…) kept as they came. */
const Block = z.object({ type: z.string() }).passthrough();
const Response = z.object({
  content: z.array(Block),
  stop_reason: z.string().nullish(),
  usage: z.object({ input_tokens: z.number().nullish(), output_tokens: z.number().nullish() }).nullish(),
});

type Message = { role: 'user' | 'assistant'; content: string | Record<string, unknown>[] };

/** Anthropic's Messages API with tool use. */
export class AnthropicProvider extends HttpProvider {
  readonly name = 'anthropic';

  /** The endpoint whether LLM_BASE_URL ends in `/v1` or not. */
  get url(): string {
    return `${this.basePath(/(\/v1)?(\/messages)?$/)}/v1/messages`;
  }

  start({ system, history, context, message, tools }: Conversation): ModelSession {
    // Server data that may quote the customer is its own block, never part of the system prompt.
    const messages: Message[] = alternatingTurns(history, context, message);
    const headers: Record<string, string> = { 'anthropic-version': '2023-06-01', ...(this.apiKey ? { 'x-api-key': this.apiKey } : {}) };
    const body = () => ({
      model: this.model,
      max_tokens: this.maxTokens,
      // Tools and system prompt are the same for every customer of a tenant: cached by Anthropic.
      system: [{ type: 'text', text: system, cache_control: { type: 'ephemeral' } }],
      messages,
      tools: tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters })),
      ...(this.temperature !== undefined ? { temperature: this.temperature } : {}),
    });
    return {
      next: async (signal, deadline) => {
        const parsed = Response.safeParse(await this.send(this.url, headers, body, signal, deadline));
        if (!parsed.success) throw new LlmError(`unexpected messages response shape: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
        const { content, stop_reason, usage } = parsed.data;
        // A tool_use block without an id (some proxies) gets one, so its tool_result can answer it.
        for (const [i, b] of content.entries()) if (b.type === 'tool_use' && typeof b.id !== 'string') b.id = `toolu_${messages.length}_${i}`;
        messages.push({ role: 'assistant', content });
        const text = content.flatMap((b) => (b.type === 'text' && typeof b.text === 'string' ? [b.text] : [])).join('\n') || null;
        const toolCalls = content.flatMap((b) => (b.type === 'tool_use' && typeof b.name === 'string' ? [{ id: b.id as string, name: b.name, args: parseArguments(b.input) }] : []));
        return {
          text,
          toolCalls,
          truncated: stop_reason === 'max_tokens' || stop_reason === 'refusal',
          usage: { input: usage?.input_tokens ?? 0, output: usage?.output_tokens ?? 0 },
        };
      },
      addToolResults: (results) => {
        messages.push({
          role: 'user',
          content: results.map(({ call, result, isError }) => ({ type: 'tool_result', tool_use_id: call.id, content: JSON.stringify(result), ...(isError ? { is_error: true } : {}) })),
        });
      },
      addServerNote: (text) => messages.push({ role: 'user', content: text }),
    };
  }
}
