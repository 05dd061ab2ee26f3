import type { Logger } from '../core/logger.js';
import type { Language } from '../core/language.js';
import { MEDIA_DEFAULTS, type MediaPolicy } from '../core/media-policy.js';

/** What the gateway needs of the tenant's profile: its media policy, and the language it writes notes in. */
export type GatewayPolicy = MediaPolicy & { language: Language };
export const POLICY_DEFAULTS: GatewayPolicy = { ...MEDIA_DEFAULTS, language: 'en' };

const FRESH_MS = 60_000;

/**
 * The tenant's media policy (profile `media`) and language, which live in the brain. Read without waiting: a
 * ringing call is declined at once with the last policy known (the defaults before the first
 * answer), and the policy is asked for again in the background once it is a minute old.
 */
export class PolicyCache {
  private policy: GatewayPolicy = POLICY_DEFAULTS;
  private fetchedAt = 0;
  private inFlight: Promise<GatewayPolicy> | undefined;

  constructor(
    private readonly fetchPolicy: () => Promise<GatewayPolicy>,
    private readonly log: Logger,
    private readonly freshMs = FRESH_MS,
  ) {}

  /** The last policy known; starts a refresh when it is stale. */
  get current(): GatewayPolicy {
    if (Date.now() - this.fetchedAt > this.freshMs) void this.refresh();
    return this.policy;
  }

  /**
   * A fresh policy when the brain answers, otherwise the last one known; an error while the brain
   * has never answered (the caller retries): whether a file is kept, and the language its note is
   * written in, are never decided on the defaults.
   */
  async fresh(): Promise<GatewayPolicy> {
    const policy = Date.now() - this.fetchedAt > this.freshMs ? await this.refresh() : this.policy;
    if (this.fetchedAt === 0) throw new Error("waiting for the brain to tell the tenant's media policy and language");
    return policy;
  }

  private refresh(): Promise<GatewayPolicy> {
    this.inFlight ??= this.fetchPolicy()
      .then((p) => {
        this.policy = p;
        this.fetchedAt = Date.now();
        return p;
      })
      .catch((err: Error) => {
        this.log.warn({ err: err.message }, 'could not read the media policy from the brain; keeping the last one');
        return this.policy;
      })
      .finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }
}
