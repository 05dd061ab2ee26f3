import { z } from 'zod';
import { HttpLlmProvider, LlmError, postJson, type HistoryMessage, type ModelSession, type ToolSpec } from './provider.js';

const Block = z.union([
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown() }),
  z.object({ type: z.string() }).passthrough(),
]);
const Response = z.object({ content: z.array(Block), stop_reason: z.string().nullable().optional() });

/** Anthropic's Messages API with tool use. */
export class AnthropicProvider extends HttpLlmProvider {
  readonly name = 'anthropic';

  start(system: string, history: HistoryMessage[], message: string, tools: ToolSpec[]): ModelSession {
    // The API wants strictly alternating roles starting with the user; merge runs of the same role.
    const messages: { role: 'user' | 'assistant'; content: unknown }[] = [];
    for (const h of [...history, { role: 'user' as const, text: message }]) {
      const last = messages.at(-1);
      if (last && last.role === h.role) last.content = `${String(last.content)}\n${h.text}`;
      else if (messages.length > 0 || h.role === 'user') messages.push({ role: h.role, content: h.text });
    }
    const url = `${this.baseUrl.replace(/\/+$/, '')}/v1/messages`;
    const headers: Record<string, string> = { 'anthropic-version': '2023-06-01', ...(this.apiKey ? { 'x-api-key': this.apiKey } : {}) };
    const body = () => ({ model: this.model, max_tokens: 1024, system, messages, tools: tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters })) });
    return {
      next: async (signal) => {
        const parsed = Response.safeParse(await postJson(url, headers, body(), signal));
        if (!parsed.success) throw new LlmError(`unexpected messages response shape: ${parsed.error.issues[0]?.message}`);
        messages.push({ role: 'assistant', content: parsed.data.content });
        const text = parsed.data.content.flatMap((b) => (b.type === 'text' && 'text' in b ? [b.text as string] : [])).join('\n') || null;
        const toolCalls = parsed.data.content.flatMap((b) => (b.type === 'tool_use' && 'id' in b ? [{ id: b.id as string, name: b.name as string, args: b.input }] : []));
        return { text, toolCalls };
      },
      addToolResults: (results) => {
        messages.push({ role: 'user', content: results.map(({ call, result }) => ({ type: 'tool_result', tool_use_id: call.id, content: JSON.stringify(result) })) });
      },
    };
  }
}
