import type { RawDb, RunResult, SqlValue } from '../sqlite/raw.js';

/**
 * What a store's repositories need from its database, whichever engine holds it: an embedded
 * SQLite file (core/sqlite/plain-database.ts) or a schema on a PostgreSQL server
 * (core/sql/postgres.ts). Statements use `?` placeholders and SQL both engines accept.
 */
export interface SqlReader {
  all<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  get<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
}

/** What a store may do inside a write transaction. */
export interface WriteTx extends SqlReader {
  run(sql: string, params?: readonly SqlValue[]): Promise<RunResult>;
  /** An INSERT into a table with an `id` key; resolves to the new row's id. */
  insert(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

export interface SqlDatabase extends SqlReader {
  /** Where the data lives, for messages: a file path or a schema name. */
  readonly name: string;
  /**
   * Runs `work` in one transaction that sees no other writer of this database until it commits:
   * check-then-write steps (the last free slot, one pending escalation per sender) stay correct
   * with any number of processes. `work` may run twice and must only touch the database.
   */
  write<T>(work: (tx: WriteTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * A schema step, applied once, in order, recorded in schema_migrations(name). `up` is the SQLite
 * statement (or a function for steps that must look at the data); `postgres`, when the engines
 * need different SQL, is the same step for PostgreSQL, kept beside it so a change edits both.
 */
export interface Migration {
  name: string;
  up: string | ((tx: RawDb) => Promise<void>);
  postgres?: string;
}

/**
 * The database cannot be reached now (PostgreSQL down or restarting, or a tenant whose data is not
 * there yet): nothing was done, and the caller should retry later. HTTP answers 503 with Retry-After.
 */
export class DatabaseUnavailable extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds = 5,
  ) {
    super(message);
    this.name = 'DatabaseUnavailable';
  }
}
