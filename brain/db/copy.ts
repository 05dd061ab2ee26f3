import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { PgServer, tenantSchema } from '../../core/sql/postgres.js';
import { copyDatabase, RawDb, rowCounts } from '../../core/sqlite/raw.js';
import { TenantDb } from './tenant-db.js';

/**
 * Copies one tenant's tenant.db into its PostgreSQL schema, replacing what the schema held, in one
 * transaction: the brain on PostgreSQL sees the tenant's old data or the whole copy, never half.
 * The source is a consistent snapshot (VACUUM INTO), so a brain still writing the file is fine.
 * The copy is verified by row counts, table by table, before it commits.
 */

/** The tables of a schema (the migrations' bookkeeping left out) and its boolean columns, as `table.column`. */
async function pgShape(c: pg.PoolClient, schema: string): Promise<{ tables: string[]; booleans: Set<string> }> {
  const tables = await c.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 AND table_name <> 'schema_migrations'", [schema]);
  const booleans = await c.query<{ t: string; c: string }>("SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = $1 AND data_type = 'boolean'", [schema]);
  return { tables: tables.rows.map((r) => r.name), booleans: new Set(booleans.rows.map((r) => `${r.t}.${r.c}`)) };
}

/** tenant.db's tables, parents before children so foreign keys hold at every insert (from the file itself, so a new table needs no change here). */
async function sqliteTables(db: RawDb): Promise<string[]> {
  const names = (await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'")).map((r) => r.name);
  const parents = new Map<string, string[]>();
  for (const name of names) parents.set(name, (await db.all<{ table: string }>(`PRAGMA foreign_key_list(${name})`)).map((r) => r.table).filter((t) => t !== name));
  const ordered: string[] = [];
  while (ordered.length < names.length) {
    const next = names.filter((n) => !ordered.includes(n) && parents.get(n)!.every((p) => ordered.includes(p)));
    if (next.length === 0) throw new CopyError(`tenant.db's foreign keys form a cycle among ${names.filter((n) => !ordered.includes(n)).join(', ')}`);
    ordered.push(...next.sort());
  }
  return ordered;
}

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
    await (await TenantDb.open({ server, tenant })).close();
    const schema = tenantSchema(tenant);
    const source = await RawDb.open(snapshot, true);
    try {
      const tables = await sqliteTables(source);
      await server.transaction(schema, async (c) => {
        const shape = await pgShape(c, schema);
        const unknown = tables.filter((t) => !shape.tables.includes(t));
        if (unknown.length) throw new CopyError(`${tenant}: tenant.db has tables PostgreSQL's schema lacks (${unknown.join(', ')}): upgrade wr first`);
        for (const table of [...tables].reverse()) await c.query(`DELETE FROM ${table}`);
        for (const table of tables) {
          const rows = await source.all(`SELECT * FROM ${table}`);
          if (rows.length === 0) continue;
          const columns = Object.keys(rows[0]!);
          const insert = `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`;
          for (const row of rows) await c.query(insert, columns.map((col) => (shape.booleans.has(`${table}.${col}`) ? Boolean(row[col]) : row[col])));
          // Identity columns continue after the copied ids.
          const seq = columns.includes('id') && (await c.query<{ seq: string | null }>("SELECT pg_get_serial_sequence($1, 'id') AS seq", [table])).rows[0]!.seq;
          if (seq) await c.query(`SELECT setval($1, (SELECT max(id) FROM ${table}))`, [seq]);
        }
        for (const table of tables) {
          const { rows } = await c.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`);
          if (rows[0]!.n !== expected[table]) throw new CopyError(`${tenant}: ${table} has ${rows[0]!.n} rows on PostgreSQL but ${expected[table]} in tenant.db; nothing was changed`);
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
    for (const table of (await pgShape(c, schema)).tables) if ((await c.query(`SELECT 1 FROM ${table} LIMIT 1`)).rowCount) return true;
    return false;
  });
}
