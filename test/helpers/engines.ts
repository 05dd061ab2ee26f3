import { execFileSync } from 'node:child_process';
import { tenantSchema } from '../../core/sql/postgres.js';
import type { TestHome } from './home.js';
import { usePostgres } from './postgres.js';

/** A data engine a suite runs on: its settings for wr.env, and the operator's SQL tool on a tenant's data. */
export interface Engine {
  name: 'SQLite' | 'PostgreSQL';
  settings(): Promise<Record<string, string>>;
  /** `sql` as the operator runs it: the sqlite3 tool on tenant.db, or psql after SET search_path. */
  query(t: TestHome, tenant: string, sql: string): string;
}

/** SQLite (the default) and a throwaway PostgreSQL cluster for this test file; a fresh database per call of settings(). */
export function engines(): Engine[] {
  const cluster = usePostgres();
  let url = '';
  return [
    { name: 'SQLite', settings: async () => ({}), query: (t, tenant, sql) => execFileSync('sqlite3', [t.config.paths.tenantDb(tenant), sql], { encoding: 'utf8' }).trim() },
    {
      name: 'PostgreSQL',
      settings: async () => ({ WR_DATABASE_URL: (url = await cluster.current.database()) }),
      query: (_t, tenant, sql) => execFileSync('psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', url, '-c', `SET search_path TO ${tenantSchema(tenant)}`, '-c', sql], { encoding: 'utf8' }).trim(),
    },
  ];
}
