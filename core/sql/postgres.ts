import pg from 'pg';
import type { RunResult, SqlValue } from '../sqlite/raw.js';
import { DatabaseUnavailable, type Migration, type SqlDatabase, type WriteTx } from './database.js';

/**
 * A tenant's store on PostgreSQL: one schema per tenant, holding the same tables as its tenant.db,
 * so the original spec's queries work after `SET search_path TO tenant_<id>`. Every store of a
 * process shares one connection pool per server; a connection is switched to a schema only when
 * the previous user of it worked on another one.
 */

/** The schema of a tenant's data: ids are [a-z0-9-], so the name needs no quoting and is unique. */
export function tenantSchema(tenant: string): string {
  if (!/^[a-z0-9][a-z0-9-]{0,31}$/.test(tenant)) throw new Error(`invalid tenant id "${tenant}"`);
  return `tenant_${tenant.replace(/-/g, '_')}`;
}

const placeholders = new Map<string, string>();

/** `?` → `$1, $2, …` outside string literals, so repositories write one statement for both engines. */
export function pgPlaceholders(sql: string): string {
  let out = placeholders.get(sql);
  if (out !== undefined) return out;
  let n = 0;
  let quoted = false;
  out = '';
  for (const ch of sql) {
    if (ch === "'") quoted = !quoted;
    out += ch === '?' && !quoted ? `$${++n}` : ch;
  }
  if (placeholders.size < 1000) placeholders.set(sql, out);
  return out;
}

/** count(*) and other bigints as numbers, as SQLite gives them (tables hold far fewer than 2^53 rows). */
const types = new pg.TypeOverrides();
types.setTypeParser(pg.types.builtins.INT8, (v: string) => Number(v));

const NETWORK_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * The connection or the server failed, not the statement: connection errors (SQLSTATE class 08),
 * a server shutting down or starting up (class 57P), a dropped socket. Try again later; the
 * connection is not reused. Anything else (a constraint, a bug in `work`) is the caller's error.
 */
function connectionFailure(err: unknown): boolean {
  if (err instanceof pg.DatabaseError) return /^(08|57P)/.test(err.code ?? '');
  const e = err as NodeJS.ErrnoException;
  return NETWORK_ERRORS.has(e?.code ?? '') || /^Connection terminated|not queryable|connection error/i.test(e?.message ?? '');
}

/** One PostgreSQL server (WR_DATABASE_URL) and this process's connections to it. */
export class PgServer {
  private readonly pool: pg.Pool;
  private readonly schemaOf = new WeakMap<pg.PoolClient, string>();

  constructor(
    readonly url: string,
    onError: (err: Error) => void = () => {},
    max = 10,
  ) {
    this.pool = new pg.Pool({ connectionString: url, max, types, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000 });
    // A connection dropped by a server restart must not end the process; the next query reconnects.
    // The pool reports idle connections' errors; each connection also gets a listener of its own
    // as it opens, for while it is in use (the statement in flight is rejected too, and says so).
    this.pool.on('error', onError);
    this.pool.on('connect', (client) => client.on('error', onError));
  }

  /** `work` on one connection whose search_path is `schema` (null: the server's default). */
  async with<T>(schema: string | null, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw new DatabaseUnavailable(`PostgreSQL is not reachable: ${(err as Error).message}`);
    }
    let failure: unknown;
    try {
      const want = schema ?? 'public';
      if (this.schemaOf.get(client) !== want) {
        await client.query(`SET search_path TO ${want}`);
        this.schemaOf.set(client, want);
      }
      return await work(client);
    } catch (err) {
      if (!connectionFailure(err)) throw err;
      failure = err;
      throw new DatabaseUnavailable(`PostgreSQL connection failed: ${(err as Error).message}`);
    } finally {
      client.release(failure as Error | undefined);
    }
  }

  /** `work` in a transaction holding the schema's write lock (see PgDatabase.write). */
  transaction<T>(schema: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.with(schema, async (client) => {
      await client.query(`BEGIN; SELECT pg_advisory_xact_lock(hashtext('${schema}'))`);
      try {
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      }
    });
  }

  async schemaExists(schema: string): Promise<boolean> {
    return this.with(null, async (c) => (await c.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount === 1);
  }

  private ended?: Promise<void>;

  close(): Promise<void> {
    return (this.ended ??= this.pool.end());
  }
}

function tx(client: pg.PoolClient): WriteTx {
  const query = (sql: string, params: readonly SqlValue[] = []) => client.query(pgPlaceholders(sql), params as unknown[]);
  return {
    all: async <T>(sql: string, params?: readonly SqlValue[]) => (await query(sql, params)).rows as T[],
    get: async <T>(sql: string, params?: readonly SqlValue[]) => (await query(sql, params)).rows[0] as T | undefined,
    run: async (sql: string, params?: readonly SqlValue[]): Promise<RunResult> => ({ lastID: 0, changes: (await query(sql, params)).rowCount ?? 0 }),
    insert: async (sql: string, params?: readonly SqlValue[]) => (await query(`${sql} RETURNING id`, params)).rows[0].id as number,
  };
}

/**
 * One schema as a store. Writes take a transaction-scoped advisory lock on the schema first, so a
 * tenant has one writer at a time across every brain instance, as SQLite's IMMEDIATE transactions
 * give on one host: the domain's check-then-write steps (is the last slot still free? is an
 * escalation already pending?) need no lock of their own. A row lock could not guard a row that
 * does not exist yet (the free slot), and a unique constraint cannot say "capacity N per slot".
 */
export class PgDatabase implements SqlDatabase {
  private closed = false;

  private constructor(
    private readonly server: PgServer,
    readonly name: string,
  ) {}

  /** Creates the schema if missing and applies the steps it has not had, under its write lock. */
  static async open(server: PgServer, schema: string, migrations: readonly Migration[]): Promise<PgDatabase> {
    await server.transaction(schema, async (c) => {
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}; CREATE TABLE IF NOT EXISTS schema_migrations (name VARCHAR(255) NOT NULL PRIMARY KEY)`);
      const done = new Set((await c.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name));
      for (const m of migrations) {
        if (done.has(m.name)) continue;
        const sql = m.postgres ?? m.up;
        if (typeof sql !== 'string') throw new Error(`migration ${m.name} has no PostgreSQL statement`);
        if (sql.trim()) await c.query(sql);
        await c.query('INSERT INTO schema_migrations (name) VALUES ($1)', [m.name]);
      }
    });
    return new PgDatabase(server, schema);
  }

  private check(): void {
    if (this.closed) throw new Error(`database ${this.name} is closed`);
  }

  async all<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    this.check();
    return this.server.with(this.name, (c) => tx(c).all<T>(sql, params));
  }

  async get<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  async write<T>(work: (tx: WriteTx) => Promise<T>): Promise<T> {
    this.check();
    return this.server.transaction(this.name, (c) => work(tx(c)));
  }

  /** The connections belong to the server's pool; closing a store only stops its use. */
  async close(): Promise<void> {
    this.closed = true;
  }
}
