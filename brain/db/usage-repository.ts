import type { SqlDatabase } from '../../core/sql/database.js';
import type { DayUsage, UsageRepository } from '../domain/usage.js';
import type { SqlRow } from './columns.js';

function dayUsage(r: SqlRow): DayUsage {
  return { day: r.day as string, inputTokens: r.input_tokens as number, outputTokens: r.output_tokens as number, calls: r.calls as number };
}

/** llm_usage: one row per local day. */
export class SqlUsageRepository implements UsageRepository {
  constructor(private readonly db: SqlDatabase) {}

  async on(day: string): Promise<DayUsage> {
    const row = await this.db.get<SqlRow>('SELECT * FROM llm_usage WHERE day = ?', [day]);
    return row ? dayUsage(row) : { day, inputTokens: 0, outputTokens: 0, calls: 0 };
  }

  async add(day: string, tokens: { input: number; output: number }, calls: number): Promise<void> {
    await this.db.write((tx) =>
      tx.run(
        `INSERT INTO llm_usage (day, input_tokens, output_tokens, calls) VALUES (?, ?, ?, ?)
         ON CONFLICT (day) DO UPDATE SET input_tokens = llm_usage.input_tokens + excluded.input_tokens, output_tokens = llm_usage.output_tokens + excluded.output_tokens,
           calls = llm_usage.calls + excluded.calls`,
        [day, tokens.input, tokens.output, calls],
      ),
    );
  }

  async recent(days: number): Promise<DayUsage[]> {
    return (await this.db.all<SqlRow>('SELECT * FROM llm_usage ORDER BY day DESC LIMIT ?', [days])).map(dayUsage);
  }
}
