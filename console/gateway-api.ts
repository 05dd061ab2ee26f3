import type { Config } from '../core/config.js';
import { GatewayHealthSchema, type GatewayHealth } from '../core/contracts.js';
import { readTenantKey } from '../core/keys.js';
import type { Tenant } from '../core/registry.js';

export class GatewayUnreachable extends Error {}


/** One tenant's gateway API, called with the tenant's key and a timeout on every request. */
export class GatewayApi {
  private readonly base: string;
  private readonly key: string | undefined;

  constructor(
    config: Config,
    readonly tenant: Tenant,
    private readonly timeoutMs = 3_000,
  ) {
    this.base = `http://127.0.0.1:${tenant.port}`;
    this.key = readTenantKey(config.paths, tenant.id);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: { ...(this.key ? { authorization: `Bearer ${this.key}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch {
      throw new GatewayUnreachable(`the gateway of ${this.tenant.id} does not answer on port ${this.tenant.port}: is it running? (wr-console start ${this.tenant.id})`);
    }
    const json = (await res.json().catch(() => ({}))) as T & { error?: string };
    if (!res.ok) throw new Error(`gateway ${this.tenant.id}: ${json.error ?? `HTTP ${res.status}`}`);
    return json;
  }

  health = async (): Promise<GatewayHealth> => {
    const parsed = GatewayHealthSchema.safeParse(await this.request('GET', '/health'));
    if (!parsed.success) throw new Error(`gateway ${this.tenant.id}: /health answered in an unexpected shape (a gateway of another version? restart it)`);
    return parsed.data;
  };
  qr = () => this.request<{ qr: string | null; expiresAt: string | null; status: string }>('GET', '/qr');
  pair = (phone: string) => this.request<{ code: string }>('POST', '/pair', { phone });
  restart = () => this.request<{ status: string }>('POST', '/restart');
  handoff = (on: boolean) => this.request<{ handoffMode: boolean }>('POST', `/handoff/${on ? 'on' : 'off'}`);
  chatHandoff = (jid: string, on: boolean) => this.request<{ handoff: boolean }>('POST', `/handoff/chat/${encodeURIComponent(jid)}/${on ? 'on' : 'off'}`);
  /** A customer message on a simulator tenant: `{text}`, or `{kind, caption?, seconds?}` for anything else (a voice note, a call…). */
  simulateInbound = (from: string, message: { text?: string; kind?: string; caption?: string; seconds?: number }) =>
    this.request<{ id: string; chat: string }>('POST', '/simulate/inbound', { from, ...message });
  simulatePair = () => this.request<{ status: string }>('POST', '/simulate/pair');
  simulatorOutbox = () => this.request<{ messages: { id: string; to: string; text: string; at: string; answers?: string | null }[] }>('GET', '/simulate/outbox');
}
