/**
 * The outbound governor: a token bucket with jitter. A business number that answers in bursts at
 * machine speed looks like a spammer to WhatsApp; this paces replies to a human-like rate while
 * letting a short burst through.
 */
export interface GovernorOptions {
  /** Messages per minute on average. */
  perMinute: number;
  /** How many may go at once after a quiet spell. */
  burst: number;
  /** Extra random wait before each message, in ms: up to jitterMs, and never more than the average gap between messages. */
  jitterMs: number;
}

export const DEFAULT_GOVERNOR: GovernorOptions = { perMinute: 30, burst: 5, jitterMs: 400 };

export class Governor {
  private tokens: number;
  private last: number;

  constructor(
    private readonly opts: GovernorOptions,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {
    this.tokens = opts.burst;
    this.last = now();
  }

  /** How long to wait before the next message may go (and takes its token). */
  take(): number {
    const t = this.now();
    const rate = this.opts.perMinute / 60_000;
    this.tokens = Math.min(this.opts.burst, this.tokens + (t - this.last) * rate);
    this.last = t;
    const jitter = Math.floor(this.random() * Math.min(this.opts.jitterMs, 60_000 / this.opts.perMinute));
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return jitter;
    }
    const wait = Math.ceil((1 - this.tokens) / rate);
    this.tokens = 0;
    this.last = t + wait;
    return wait + jitter;
  }
}
