import type { TenantDb } from '../../db/tenant-db.js';
import type { Usage } from './provider.js';

/** Tokens a tenant spent with the LLM on one local day (the tenant's timezone). */
export interface DayUsage {
  day: string;
  inputTokens: number;
  outputTokens: number;
  calls: number;
}

/** Reads today's total (for the daily budget) and adds each turn's usage; one row per day in tenant.db. */
export async function usageOn(db: TenantDb, day: string): Promise<DayUsage> {
  const row = await db.models.LlmUsage.findByPk(day);
  return row ? (row.get({ plain: true }) as DayUsage) : { day, inputTokens: 0, outputTokens: 0, calls: 0 };
}

export async function recordUsage(db: TenantDb, day: string, usage: Usage, calls: number): Promise<void> {
  if (calls === 0) return;
  await db.write(async (transaction) => {
    const { LlmUsage } = db.models;
    const row = await LlmUsage.findByPk(day, { transaction });
    if (row) await row.increment({ inputTokens: usage.input, outputTokens: usage.output, calls }, { transaction });
    else await LlmUsage.create({ day, inputTokens: usage.input, outputTokens: usage.output, calls }, { transaction });
  });
}

/** The last `days` days that had any usage, newest first (GET /api/usage). */
export async function recentUsage(db: TenantDb, days: number): Promise<DayUsage[]> {
  const rows = await db.models.LlmUsage.findAll({ order: [['day', 'DESC']], limit: days });
  return rows.map((r) => r.get({ plain: true }) as DayUsage);
}
