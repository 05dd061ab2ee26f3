import http from 'node:http';
import { z } from 'zod';
import { ChatReplySchema, type ChatReply, type ChatRequestBody } from '../core/contracts.js';
import { LANGUAGES } from '../core/language.js';
import { MEDIA_DEFAULTS, MediaPolicySchema } from '../core/media-policy.js';
import type { GatewayPolicy } from './policy.js';

// What a newer brain's profile holds that this gateway does not know (a language, a media setting)
// must not fail the whole answer: until the brain has answered once, no file is kept or described.
const ProfilePolicy = z.object({ media: MediaPolicySchema.strip().default(MEDIA_DEFAULTS), language: z.enum(LANGUAGES).catch('en') });

/**
 * A failure worth retrying (network, timeout, 429, 5xx, and refusals of the key or tenant: a
 * rotated key or a registry being replaced heal by themselves) or not (any other 4xx: the message
 * itself is refused).
 */
export class BrainError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    /** The brain refused the key or the tenant: settings to fix, raised as an incident. */
    readonly auth = false,
  ) {
    super(message);
  }
}

export const BRAIN_TIMEOUT_MS = 20_000;

/** Bad key, key of another tenant, unknown tenant: wrong settings, not a wrong message. */
const AUTH_REFUSALS = new Set([401, 403, 404]);

/**
 * POST /api/chat for one tenant, with a timeout on every call. node:http with one keep-alive
 * connection rather than fetch: fetch loads undici on first use, which cost each gateway ~8 MB
 * and, with twenty gateways starting at once, seconds of CPU on their first messages.
 */
export class BrainClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  private readonly url: URL;
  private readonly profileUrl: URL;

  constructor(
    baseUrl: string,
    private readonly tenant: string,
    private key: string,
    private readonly timeoutMs = BRAIN_TIMEOUT_MS,
    /** The tenant's key as it is now on disk: read again after a 401, so a rotated key is picked up. */
    private readonly readKey: () => string | undefined = () => undefined,
  ) {
    this.url = new URL('/api/chat', baseUrl);
    this.profileUrl = new URL('/api/profile', baseUrl);
  }

  /** The media policy and language of the tenant's profile (GET /api/profile). */
  async policy(): Promise<GatewayPolicy> {
    const { status, text } = await this.send('GET', this.profileUrl);
    if (status !== 200) throw new BrainError(`brain answered ${status} for the profile`, true);
    const { media, language } = ProfilePolicy.parse(JSON.parse(text));
    return { ...media, language };
  }

  async chat(msg: ChatRequestBody): Promise<ChatReply> {
    let res: { status: number; text: string };
    try {
      res = await this.send('POST', this.url, JSON.stringify(msg));
    } catch (err) {
      throw new BrainError(`brain unreachable at ${this.url.origin}: ${(err as Error).message}`, true);
    }
    const { status, text } = res;
    // After a refused key (401, or 429 once the brain holds back an address that keeps failing).
    if (status === 401 || status === 429) this.key = this.readKey() ?? this.key;
    if (status < 200 || status >= 300) {
      const auth = AUTH_REFUSALS.has(status);
      throw new BrainError(`brain answered ${status}: ${text.slice(0, 200)}`, auth || status === 429 || status >= 500, auth);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new BrainError('brain answered with something that is not JSON', true);
    }
    const parsed = ChatReplySchema.safeParse(json);
    if (!parsed.success) throw new BrainError('brain answered with an unexpected shape', true);
    return parsed.data;
  }

  private send(method: 'GET' | 'POST', url: URL, body = ''): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        url,
        {
          method,
          agent: this.agent,
          timeout: this.timeoutMs,
          headers: { ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}), authorization: `Bearer ${this.key}`, 'x-client-id': this.tenant },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
