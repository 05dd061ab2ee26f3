import type { Migration, SqlDatabase, WriteTx } from '../sql/database.js';
import { createDatabaseFile, RawDb, type RunResult, type SqlValue } from './raw.js';
import { WriteQueue } from './write-queue.js';

/** The gateway's queue names its steps so. */
export type PlainMigration = Migration;

interface PendingWrite {
  work: (tx: WriteTx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** Writes sharing one transaction at most. */
const MAX_BATCH = 64;

/**
 * One SQLite file without an ORM, for the stores on the hot paths: the queue every gateway process
 * keeps (there may be a hundred of them, so each megabyte and millisecond counts) and the brain's
 * tenant.db (every chat turn). Two long-lived connections with statements prepared once: writes go through the
 * writer in IMMEDIATE transactions, one batch at a time; reads use the reader, which in WAL mode
 * sees only committed data, so nothing acts on a row a failed transaction takes back. Migrations
 * are tracked in `schema_migrations(name)`, the table umzug keeps, so files written by earlier
 * versions carry on.
 */
export class PlainDatabase implements SqlDatabase {
  private closed = false;
  private readonly pending: PendingWrite[] = [];
  private flushScheduled = false;

  private constructor(
    readonly file: string,
    private readonly writer: RawDb,
    private readonly reader: RawDb,
  ) {}

  /** The only handle this process opens on `file`: every write goes through its queue. */
  private readonly queue = new WriteQueue();

  get name(): string {
    return this.file;
  }

  static async open(file: string, migrations: readonly PlainMigration[]): Promise<PlainDatabase> {
    createDatabaseFile(file);
    const writer = await RawDb.open(file, { create: true });
    let reader: RawDb | undefined;
    try {
      // WAL + synchronous=NORMAL: a committed transaction survives kill -9; only a power cut can
      // lose the last few, in exchange for no fsync per commit.
      await writer.exec('PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;');
      await migrate(writer, migrations);
      reader = await RawDb.open(file, { readonly: true });
      return new PlainDatabase(file, writer, reader);
    } catch (err) {
      await writer.close().catch(() => {});
      await reader?.close().catch(() => {});
      throw err;
    }
  }

  all<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return this.reader.all<T>(sql, params);
  }

  get<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    return this.reader.get<T>(sql, params);
  }

  /**
   * Runs `work` in an IMMEDIATE transaction. Writes that arrive while an earlier one waits for the
   * queue share one transaction (group commit: under load each turn's BEGIN and COMMIT, a thread
   * pool round trip each, are paid once per batch). If any of them fails, the batch is rolled back
   * and each runs again alone, so one bad write fails only itself: `work` may run twice and must
   * only touch the database.
   */
  write<T>(work: (tx: WriteTx) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`database ${this.file} is closed`));
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve, reject } as PendingWrite);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.flushScheduled || this.pending.length === 0) return;
    this.flushScheduled = true;
    void this.queue.run(() => this.flush());
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const batch = this.pending.splice(0, MAX_BATCH);
    this.schedule();
    if (batch.length === 1) {
      const [only] = batch as [PendingWrite];
      await transaction(this.writer, only.work).then(only.resolve, only.reject);
      return;
    }
    try {
      const results = await transaction(this.writer, async (tx) => {
        const out: unknown[] = [];
        for (const item of batch) out.push(await item.work(tx));
        return out;
      });
      batch.forEach((item, i) => item.resolve(results[i]));
    } catch {
      for (const item of batch) await transaction(this.writer, item.work).then(item.resolve, item.reject);
    }
  }

  /** One statement as its own transaction. */
  run(sql: string, params?: readonly SqlValue[]): Promise<RunResult> {
    return this.write((tx) => tx.run(sql, params));
  }

  /** Finishes queued writes, then closes both connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.drain();
    await Promise.all([this.writer.close(), this.reader.close()]);
  }
}

async function transaction<T>(db: RawDb, work: (tx: RawDb) => Promise<T>): Promise<T> {
  await db.run('BEGIN IMMEDIATE');
  try {
    const result = await work(db);
    await db.run('COMMIT');
    return result;
  } catch (err) {
    // A failed COMMIT (SQLITE_FULL) may already have ended the transaction.
    await db.run('ROLLBACK').catch(() => {});
    throw err;
  }
}

async function migrate(db: RawDb, migrations: readonly PlainMigration[]): Promise<void> {
  await db.run('CREATE TABLE IF NOT EXISTS schema_migrations (name VARCHAR(255) NOT NULL UNIQUE PRIMARY KEY)');
  const done = new Set((await db.all<{ name: string }>('SELECT name FROM schema_migrations')).map((r) => r.name));
  for (const m of migrations) {
    if (done.has(m.name)) continue;
    await transaction(db, async (tx) => {
      if (typeof m.up === 'string') await tx.exec(m.up);
      else await m.up(tx);
      await tx.run('INSERT INTO schema_migrations (name) VALUES (?)', [m.name]);
    });
  }
}
