import { Sequelize, Transaction, type Model, type Optional, type QueryInterface } from 'sequelize';
import { SequelizeStorage, Umzug, type RunnableMigration } from 'umzug';
import { sqliteDriver } from './driver.js';
import { createDatabaseFile } from './raw.js';
import { WriteQueue } from './write-queue.js';

export type Migration = RunnableMigration<QueryInterface>;

/** A Sequelize row typed by its attributes; `Auto` are the ones the database fills in. */
export type Row<T extends object, Auto extends keyof T = never> = Model<T, Optional<T, Auto>> & T;

/**
 * One SQLite file under Sequelize: WAL, migrations, and a single door for writes. Concurrent
 * Sequelize transactions on one SQLite file fail with SQLITE_BUSY or stall the libuv pool; every
 * write goes through this database's queue instead, one IMMEDIATE transaction at a time.
 */
export class SqliteDatabase {
  private readonly queue = new WriteQueue();
  private closed = false;

  private constructor(
    readonly file: string,
    readonly sequelize: Sequelize,
  ) {}

  static async open(file: string, migrations: Migration[]): Promise<SqliteDatabase> {
    createDatabaseFile(file);
    const sequelize = new Sequelize({
      dialect: 'sqlite',
      storage: file,
      dialectModule: sqliteDriver,
      logging: false,
      transactionType: Transaction.TYPES.IMMEDIATE,
    });
    try {
      await sequelize.query('PRAGMA journal_mode=WAL');
      // No FileLocker: it leaves a stale lock after kill -9; each file is opened by one process.
      await new Umzug({
        migrations,
        context: sequelize.getQueryInterface(),
        storage: new SequelizeStorage({ sequelize, tableName: 'schema_migrations' }),
        logger: undefined,
      }).up();
    } catch (err) {
      await sequelize.close().catch(() => {});
      throw err;
    }
    return new SqliteDatabase(file, sequelize);
  }

  /** Runs `work` in an IMMEDIATE transaction, after every write queued before it. */
  write<T>(work: (t: Transaction) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`database ${this.file} is closed`));
    return this.queue.run(() => this.sequelize.transaction((t) => work(t)));
  }

  /** Finishes queued writes, then closes every connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.drain();
    await this.sequelize.close();
  }
}

/** A database with its models: what the brain's, the gateway's and the monitor's stores share. */
export abstract class SqliteStore {
  protected constructor(protected readonly db: SqliteDatabase) {}

  write<T>(work: (t: Transaction) => Promise<T>): Promise<T> {
    return this.db.write(work);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
