import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PgServer, tenantSchema } from '../../core/sql/postgres.js';
import { copyDatabase, RawDb, rowCounts } from '../../core/sqlite/raw.js';
import { TenantDb } from './tenant-db.js';

/**
 * Copies one tenant's tenant.db into its PostgreSQL schema, replacing what the schema held, in one
 * transaction: the brain on PostgreSQL sees the tenant's old data or the whole copy, never half.
 * The source is a consistent snapshot (VACUUM INTO), so a brain still writing the file is fine.
 * The copy is verified by row counts, table by table, before it commits.
 */

/** Parents before children, so foreign keys hold at every insert. */
const TABLES = [
  'business_profile', 'operating_hours', 'hour_exceptions', 'services', 'faqs', 'escalation_contacts',
  'conversations', 'messages', 'processed_messages', 'bookings', 'escalations', 'escalation_outbox', 'llm_usage',
];

/** Columns that are booleans on PostgreSQL and 0/1 in SQLite. */
const BOOLEANS = new Set(['hour_exceptions.closed', 'conversations.opted_out']);

export class CopyError extends Error {}

export async function copyTenantToPostgres(file: string, server: PgServer, tenant: string): Promise<Record<string, number>> {
  if (!fs.existsSync(file)) throw new CopyError(`${tenant}: no ${file} to copy`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wr-copy-'));
  const snapshot = path.join(dir, 'tenant.db');
  try {
    // Brings the file to the current schema first, as the brain would on open.
    await (await TenantDb.open(file)).close();
    await copyDatabase(file, snapshot);
    const expected = await rowCounts(snapshot);
    const unknown = Object.keys(expected).filter((t) => !TABLES.includes(t));
    if (unknown.length) throw new CopyError(`${tenant}: tenant.db has tables this version does not know (${unknown.join(', ')}): upgrade wr first`);
    await (await TenantDb.open({ server, tenant })).close();
    const schema = tenantSchema(tenant);
    const source = await RawDb.open(snapshot, true);
    try {
      await server.transaction(schema, async (pg) => {
        for (const table of [...TABLES].reverse()) await pg.query(`DELETE FROM ${table}`);
        for (const table of TABLES) {
          const rows = await source.all(`SELECT * FROM ${table}`);
          if (rows.length === 0) continue;
          const columns = Object.keys(rows[0]!);
          const insert = `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`;
          for (const row of rows) await pg.query(insert, columns.map((c) => (BOOLEANS.has(`${table}.${c}`) ? Boolean(row[c]) : row[c])));
          // Identity columns continue after the copied ids.
          if (columns.includes('id') && table !== 'services' && table !== 'business_profile') {
            await pg.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT max(id) FROM ${table}))`);
          }
        }
        for (const table of TABLES) {
          const { rows } = await pg.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`);
          const got = Number(rows[0]!.n);
          if (got !== (expected[table] ?? 0)) throw new CopyError(`${tenant}: ${table} has ${got} rows on PostgreSQL but ${expected[table] ?? 0} in tenant.db; nothing was changed`);
        }
      });
    } finally {
      await source.close();
    }
    return expected;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The brain's `--copy-to-postgres <tenant>…` mode, which `wr-console db migrate` runs: one JSON
 * line per tenant copied on stdout, one line per failure on stderr; exit code 0 only if all copied.
 * `replace` false refuses a tenant whose schema holds data already (it was migrated before).
 */
export async function copyTenants(
  opts: { url: string; tenantDb: (id: string) => string; tenants: string[]; replace: boolean },
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const server = new PgServer(opts.url);
  let failed = 0;
  try {
    for (const tenant of opts.tenants) {
      try {
        if (!opts.replace && (await holdsData(server, tenant))) {
          throw new CopyError(`${tenant}: its PostgreSQL schema ${tenantSchema(tenant)} holds data already (migrated before?); nothing was changed`);
        }
        out(JSON.stringify({ tenant, rows: await copyTenantToPostgres(opts.tenantDb(tenant), server, tenant) }));
      } catch (e) {
        failed++;
        err(e instanceof CopyError ? e.message : `${tenant}: ${(e as Error).message}`);
      }
    }
  } finally {
    await server.close();
  }
  return failed === 0 ? 0 : 1;
}

async function holdsData(server: PgServer, tenant: string): Promise<boolean> {
  const schema = tenantSchema(tenant);
  if (!(await server.schemaExists(schema))) return false;
  return server.with(schema, async (c) => {
    for (const table of TABLES) if ((await c.query(`SELECT 1 FROM ${table} LIMIT 1`)).rowCount) return true;
    return false;
  });
}
