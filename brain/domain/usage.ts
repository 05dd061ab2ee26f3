/** Tokens a tenant spent with the LLM on one local day (the tenant's timezone). */
export interface DayUsage {
  day: string;
  inputTokens: number;
  outputTokens: number;
  calls: number;
}

/** The LLM engine's spending per tenant: the daily budget and `status` read it. */
export interface UsageRepository {
  on(day: string): Promise<DayUsage>;
  add(day: string, tokens: { input: number; output: number }, calls: number): Promise<void>;
  /** The last `days` days that had any usage, newest first. */
  recent(days: number): Promise<DayUsage[]>;
}
