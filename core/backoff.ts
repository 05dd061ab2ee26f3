/**
 * Exponential backoff with full jitter: a uniformly random delay between 0 and
 * min(cap, base * 2^attempt). Spreads retries out so many clients recovering together do not
 * arrive in step.
 */
export function fullJitter(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
