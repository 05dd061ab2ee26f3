import type { Config } from '../core/config.js';
import { EscalationListSchema, type EscalationView } from '../core/contracts.js';
import { loadOrCreateAdminKey } from '../core/keys.js';

/**
 * The brain's HTTP API as the operator (admin key) sees it: the console reads conversations and
 * escalations here, never from the brain's database.
 */

export type Escalation = EscalationView;

/** The brain does not answer at all (not running, or hung). */
export class BrainUnreachable extends Error {}

/** The brain answered with an error status. */
export class BrainRefused extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
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
      throw new BrainUnreachable(`the brain does not answer on port ${this.config.BRAIN_PORT}: is it running? (wr-console start brain)`);
    }
    const json = (await res.json().catch(() => ({}))) as T & { error?: string };
    if (!res.ok) throw new BrainRefused(`brain: ${json.error ?? `HTTP ${res.status}`}`, res.status);
    return json;
  }

  escalations = async (tenant: string): Promise<Escalation[]> => {
    const parsed = EscalationListSchema.safeParse(await this.request<unknown>(tenant, 'GET', '/api/escalations?status=pending'));
    if (!parsed.success) throw new Error('brain: escalations in an unexpected shape (a brain of another version? restart it)');
    return parsed.data.escalations;
  };
  /** LLM tokens the tenant spent on its local today. */
  usageToday = (tenant: string) =>
    this.request<{ today: { inputTokens: number; outputTokens: number } }>(tenant, 'GET', '/api/usage?days=1').then((r) => r.today.inputTokens + r.today.outputTokens);
  resolve = (tenant: string, id: number) => this.request<{ id: number; status: string }>(tenant, 'POST', `/api/escalations/${id}/resolve`);
  /** Closes the tenant's database in the brain and answers 503 for it until `resumeTenant` (a restore). */
  suspendTenant = (tenant: string) => this.request<{ suspended: boolean }>(tenant, 'POST', `/admin/tenants/${tenant}/suspend`);
  resumeTenant = (tenant: string) => this.request<{ suspended: boolean }>(tenant, 'POST', `/admin/tenants/${tenant}/resume`);
  conversations = (tenant: string, sender?: string) =>
    this.request<{ conversations: Conversation[] }>(tenant, 'GET', `/api/conversations?limit=50${sender ? `&sender=${encodeURIComponent(sender)}` : ''}`).then((r) => r.conversations);
}

/** The WhatsApp chat a brain sender names: a JID as it is, a phone number as its user JID. */
export function chatOf(sender: string): string {
  return sender.includes('@') ? sender : `${sender.replace(/\D/g, '')}@s.whatsapp.net`;
}
