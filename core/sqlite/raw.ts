import fs from 'node:fs';
import path from 'node:path';
import sqlite3 from 'sqlite3';

export type SqlValue = string | number | bigint | null | Buffer;
export interface RunResult {
  lastID: number;
  changes: number;
}

export interface RawOpenOptions {
  readonly?: boolean;
  /** Create the file if it is missing (databases wr owns); tools that inspect files never do. */
  create?: boolean;
}

/**
 * One sqlite3 connection with promises: for wr's plain-SQL stores and for tools that work on
 * database files. Statements are prepared once per connection and reused: preparing one per call
 * was the largest single cost left in the brain's per-message profile. Every statement is run to
 * completion (all rows read), so none is left holding a read snapshot open.
 */
export class RawDb {
  private readonly prepared = new Map<string, sqlite3.Statement>();

  private constructor(private readonly db: sqlite3.Database) {}

  static open(file: string, opts: RawOpenOptions | boolean = {}): Promise<RawDb> {
    const { readonly = false, create = false } = typeof opts === 'boolean' ? { readonly: opts } : opts;
    const mode = readonly ? sqlite3.OPEN_READONLY : sqlite3.OPEN_READWRITE | (create ? sqlite3.OPEN_CREATE : 0);
    return new Promise((resolve, reject) => {
      const db = new sqlite3.Database(file, mode, (err) => (err ? reject(err) : resolve(new RawDb(db))));
      db.configure('busyTimeout', 5_000);
    });
  }

  private statement(sql: string): sqlite3.Statement {
    let stmt = this.prepared.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql, (err) => err && this.prepared.delete(sql));
      if (this.prepared.size < MAX_PREPARED) this.prepared.set(sql, stmt);
    }
    return stmt;
  }

  all<T = Record<string, unknown>>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return new Promise((resolve, reject) => this.statement(sql).all(params, (err, rows) => (err ? reject(err) : resolve(rows as T[]))));
  }

  /** The first row; meant for lookups by key (the whole result is read). */
  async get<T = Record<string, unknown>>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
    return new Promise((resolve, reject) =>
      this.statement(sql).run(params, function (err) {
        if (err) reject(err);
        else resolve({ lastID: this.lastID, changes: this.changes });
      }),
    );
  }

  async insert(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return (await this.run(sql, params)).lastID;
  }

  /** Several statements, no parameters (schema changes). */
  exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => this.db.exec(sql, (err) => (err ? reject(err) : resolve())));
  }

  async close(): Promise<void> {
    const statements = [...this.prepared.values()];
    this.prepared.clear();
    await Promise.all(statements.map((s) => new Promise((r) => s.finalize(() => r(undefined)))));
    await new Promise<void>((resolve, reject) => this.db.close((err) => (err ? reject(err) : resolve())));
  }
}

/**
 * Creates a database file 0600 (SQLite gives -wal and -shm the same mode) only when it is missing.
 * Never opens a descriptor on an existing file: closing any descriptor of a file drops every POSIX
 * lock this process holds on it, through any connection, and another process (even the sqlite3
 * CLI) may then delete the live -wal and -shm (SQLite "How To Corrupt", section 2.2).
 */
export function createDatabaseFile(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw err;
  }
  fs.closeSync(fd);
}

/** Statements kept prepared per connection; the stores use a few dozen. */
const MAX_PREPARED = 200;

/** A consistent copy of a live database (WAL included), without stopping its writers. */
export async function copyDatabase(from: string, to: string): Promise<void> {
  const db = await RawDb.open(from, true);
  try {
    await db.run('VACUUM INTO ?', [to]);
  } finally {
    await db.close();
  }
}

/** 'ok', or what SQLite found wrong. */
export async function integrityCheck(file: string): Promise<string> {
  const db = await RawDb.open(file, true);
  try {
    const rows = await db.all<{ integrity_check: string }>('PRAGMA integrity_check');
    return rows.map((r) => r.integrity_check).join('; ');
  } finally {
    await db.close();
  }
}

/** Row counts per table (migrations bookkeeping excluded). */
export async function rowCounts(file: string): Promise<Record<string, number>> {
  const db = await RawDb.open(file, true);
  try {
    const tables = await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name");
    const counts: Record<string, number> = {};
    for (const { name } of tables) counts[name] = (await db.all<{ n: number }>(`SELECT count(*) AS n FROM "${name.replace(/"/g, '""')}"`))[0]!.n;
    return counts;
  } finally {
    await db.close();
  }
}
