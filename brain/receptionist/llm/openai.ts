import { z } from 'zod';
import { HttpLlmProvider, LlmError, parseArguments, postJson, type HistoryMessage, type ModelSession, type ToolCall, type ToolSpec } from './provider.js';

const Response = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullable().optional(),
          tool_calls: z
            .array(z.object({ id: z.string(), type: z.literal('function').optional(), function: z.object({ name: z.string(), arguments: z.string() }) }))
            .optional(),
        }),
      }),
    )
    .min(1),
});

/** OpenAI's chat completions API, also spoken by Ollama, vLLM and most local servers. */
export class OpenAiProvider extends HttpLlmProvider {
  readonly name = 'openai';

  start(system: string, history: HistoryMessage[], message: string, tools: ToolSpec[]): ModelSession {
    const messages: unknown[] = [{ role: 'system', content: system }, ...history.map((h) => ({ role: h.role, content: h.text })), { role: 'user', content: message }];
    const url = `${this.baseUrl.replace(/\/+$/, '')}/chat/completions`;
    const headers: Record<string, string> = this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {};
    const body = () => ({ model: this.model, messages, tools: tools.map((t) => ({ type: 'function', function: t })), tool_choice: 'auto', temperature: 0.2 });
    return {
      next: async (signal) => {
        const parsed = Response.safeParse(await postJson(url, headers, body(), signal));
        if (!parsed.success) throw new LlmError(`unexpected chat completion shape: ${parsed.error.issues[0]?.message}`);
        const msg = parsed.data.choices[0]!.message;
        messages.push({ role: 'assistant', content: msg.content ?? null, ...(msg.tool_calls ? { tool_calls: msg.tool_calls } : {}) });
        const toolCalls: ToolCall[] = (msg.tool_calls ?? []).map((c) => ({ id: c.id, name: c.function.name, args: parseArguments(c.function.arguments) }));
        return { text: msg.content ?? null, toolCalls };
      },
      addToolResults: (results) => {
        for (const { call, result } of results) messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(result) });
      },
    };
  }
}
