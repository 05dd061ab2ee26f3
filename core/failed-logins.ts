/**
 * Failed logins per source in a sliding window. A source over the limit is told to wait; a
 * valid key is never held back by it (every caller of a local API shares 127.0.0.1, and a
 * gateway must not be locked out by someone else's guessing).
 */
export class FailedLogins {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit = 10,
    private readonly windowMs = 60_000,
    /** Sources remembered at most; the oldest are forgotten first. */
    private readonly maxSources = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds `source` must wait before trying another key; 0 when it may try now. */
  retryAfter(source: string): number {
    const recent = this.recent(source);
    if (recent.length < this.limit) return 0;
    return Math.max(1, Math.ceil((recent[0]! + this.windowMs - this.now()) / 1000));
  }

  fail(source: string): void {
    const recent = this.recent(source);
    this.failures.delete(source);
    this.failures.set(source, [...recent, this.now()].slice(-this.limit));
    if (this.failures.size > this.maxSources) this.failures.delete(this.failures.keys().next().value!);
  }

  private recent(source: string): number[] {
    const cutoff = this.now() - this.windowMs;
    return (this.failures.get(source) ?? []).filter((t) => t > cutoff);
  }
}
