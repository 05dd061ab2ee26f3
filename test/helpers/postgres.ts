import { afterAll, beforeAll } from 'vitest';
import { startPostgres, type TestPostgres } from '../../bench/postgres.mjs';

export type { TestPostgres };

/** One throwaway cluster (bench/postgres.mjs) for the calling test file, stopped after its last test; each test takes a fresh database. */
export function usePostgres(): { readonly current: TestPostgres } {
  const holder: { current?: TestPostgres } = {};
  beforeAll(async () => {
    holder.current = await startPostgres();
  }, 60_000);
  afterAll(() => holder.current?.stop());
  return holder as { readonly current: TestPostgres };
}
