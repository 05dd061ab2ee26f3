import type { Config } from '../core/config.js';
import { loadOrCreateAdminKey } from '../core/keys.js';

/**
 * The brain's HTTP API as the operator (admin key) sees it: the console reads conversations and
 * escalations here, never from the brain's database.
 */

export interface Escalation {
  id: number;
  conversationId: number | null;
  sender: string;
  summary: string;
  status: 'pending' | 'resolved';
  createdAt: string;
}

export interface ConversationMessage {
  direction: 'in' | 'out';
  text: string;
  intent: string | null;
  timestamp: string;
}

export interface Conversation {
  id: number;
  sender: string;
  senderName: string | null;
  handoffUntil: string | null;
  timestamp: string;
  messages: ConversationMessage[];
}

export class BrainApi {
  private readonly base: string;

  constructor(
    private readonly config: Config,
    private readonly timeoutMs = 3_000,
  ) {
    this.base = `http://127.0.0.1:${config.BRAIN_PORT}`;
  }

  private async request<T>(tenant: string, method: string, path: string): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: { authorization: `Bearer ${loadOrCreateAdminKey(this.config.paths)}`, 'x-client-id': tenant },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch {
      throw new Error(`the brain does not answer on port ${this.config.BRAIN_PORT}: is it running? (wr-console start brain)`);
    }
    const json = (await res.json().catch(() => ({}))) as T & { error?: string };
    if (!res.ok) throw new Error(`brain: ${json.error ?? `HTTP ${res.status}`}`);
    return json;
  }

  escalations = (tenant: string) => this.request<{ escalations: Escalation[] }>(tenant, 'GET', '/api/escalations?status=pending').then((r) => r.escalations);
  resolve = (tenant: string, id: number) => this.request<{ id: number; status: string }>(tenant, 'POST', `/api/escalations/${id}/resolve`);
  conversations = (tenant: string, sender?: string) =>
    this.request<{ conversations: Conversation[] }>(tenant, 'GET', `/api/conversations?limit=50${sender ? `&sender=${encodeURIComponent(sender)}` : ''}`).then((r) => r.conversations);
}

/** The WhatsApp chat a brain sender names: a JID as it is, a phone number as its user JID. */
export function chatOf(sender: string): string {
  return sender.includes('@') ? sender : `${sender.replace(/\D/g, '')}@s.whatsapp.net`;
}
