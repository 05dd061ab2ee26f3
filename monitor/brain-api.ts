import { EscalationNoticesSchema, type EscalationNotices, type SettleNotice } from '../core/contracts.js';

const TIMEOUT_MS = 5_000;

/** The brain does not answer, or not for this tenant yet: the brain_down incident says the rest. */
export class BrainUnavailable extends Error {}

/**
 * The brain's escalation-notice API, called with the admin key: the monitor never opens a tenant's
 * database. Every call has a timeout.
 */
export class BrainApi {
  constructor(
    private readonly baseUrl: string,
    private readonly adminKey: () => string,
  ) {}

  private async call(tenant: string, method: string, path: string, body?: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(new URL(path, this.baseUrl), {
        method,
        headers: { authorization: `Bearer ${this.adminKey()}`, 'x-client-id': tenant, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      throw new BrainUnavailable(`brain unreachable at ${this.baseUrl}: ${(err as Error).message}`);
    }
    const json = (await res.json().catch(() => undefined)) as { error?: string } | undefined;
    if (res.status >= 500 || res.status === 429) throw new BrainUnavailable(`brain answered ${res.status}`);
    if (!res.ok) throw new Error(`brain refused ${method} ${path} for ${tenant}: ${res.status} ${json?.error ?? ''}`.trim());
    return json;
  }

  /** The tenant's notices still to send, and its escalation contacts. */
  async pendingNotices(tenant: string): Promise<EscalationNotices> {
    const parsed = EscalationNoticesSchema.safeParse(await this.call(tenant, 'GET', '/api/escalations/notices?status=pending'));
    if (!parsed.success) throw new Error(`brain answered escalation notices for ${tenant} in an unexpected shape: ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  }

  async settle(tenant: string, id: number, settle: SettleNotice): Promise<void> {
    await this.call(tenant, 'POST', `/api/escalations/notices/${id}`, settle);
  }
}
