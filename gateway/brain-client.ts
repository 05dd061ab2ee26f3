import { z } from 'zod';

const ChatResponse = z.object({ reply: z.string().nullable(), intent: z.string(), handoff: z.boolean(), escalated: z.boolean() });
export type BrainReply = z.infer<typeof ChatResponse>;

export interface BrainMessage {
  message: string;
  sender: string;
  timestamp: string;
  messageId: string;
  senderName?: string;
  handoff?: boolean;
}

/** A failure worth retrying (network, timeout, 429, 5xx) or not (any other 4xx: the message itself is refused). */
export class BrainError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export const BRAIN_TIMEOUT_MS = 20_000;

/** POST /api/chat for one tenant, with a timeout on every call. */
export class BrainClient {
  constructor(
    private readonly baseUrl: string,
    private readonly tenant: string,
    private readonly key: string,
    private readonly timeoutMs = BRAIN_TIMEOUT_MS,
  ) {}

  async chat(msg: BrainMessage): Promise<BrainReply> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.key}`, 'x-client-id': this.tenant },
        body: JSON.stringify(msg),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new BrainError(`brain unreachable at ${this.baseUrl}: ${(err as Error).message}`, true);
    }
    const text = await res.text();
    if (!res.ok) throw new BrainError(`brain answered ${res.status}: ${text.slice(0, 200)}`, res.status === 429 || res.status >= 500);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new BrainError('brain answered with something that is not JSON', true);
    }
    const parsed = ChatResponse.safeParse(json);
    if (!parsed.success) throw new BrainError('brain answered with an unexpected shape', true);
    return parsed.data;
  }
}
