import pg from 'pg';
import { Sequelize, Transaction, type Model, type Optional, type QueryInterface } from 'sequelize';
import { SequelizeStorage, Umzug, type RunnableMigration } from 'umzug';
import { sqliteDriver } from '../sqlite/driver.js';
import { createDatabaseFile } from '../sqlite/raw.js';
import { WriteQueue } from '../sqlite/write-queue.js';

export type Migration = RunnableMigration<QueryInterface>;

/** A Sequelize row typed by its attributes; `Auto` are the ones the database fills in. */
export type Row<T extends object, Auto extends keyof T = never> = Model<T, Optional<T, Auto>> & T;

/** A store's place: its own SQLite file, or its own schema on WR_DATABASE_URL's server. */
export type ModelPlace = { file: string } | { url: string; schema: string };

/**
 * One store under Sequelize (the monitor's): migrations, and a single door for writes. On SQLite:
 * WAL, and every write through this database's queue, one IMMEDIATE transaction at a time
 * (concurrent Sequelize transactions on one file fail with SQLITE_BUSY or stall the libuv pool).
 * On PostgreSQL: the same models and migrations in the store's own schema, which every connection
 * has as its search_path; one process owns the store, so the queue is kept there too.
 */
export class ModelDatabase {
  private readonly queue = new WriteQueue();
  private closed = false;

  private constructor(
    /** The file, or the schema: for messages. */
    readonly name: string,
    readonly sequelize: Sequelize,
  ) {}

  static async open(place: ModelPlace, migrations: Migration[]): Promise<ModelDatabase> {
    let sequelize: Sequelize;
    if ('file' in place) {
      createDatabaseFile(place.file);
      sequelize = new Sequelize({ dialect: 'sqlite', storage: place.file, dialectModule: sqliteDriver, logging: false, transactionType: Transaction.TYPES.IMMEDIATE });
    } else {
      if (!/^[a-z_][a-z0-9_]*$/.test(place.schema)) throw new Error(`invalid schema name "${place.schema}"`);
      sequelize = new Sequelize(place.url, { dialect: 'postgres', dialectModule: pg, logging: false, dialectOptions: { options: `-c search_path=${place.schema}` } });
    }
    try {
      if ('file' in place) await sequelize.query('PRAGMA journal_mode=WAL');
      else await sequelize.query(`CREATE SCHEMA IF NOT EXISTS ${place.schema}`);
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
    return new ModelDatabase('file' in place ? place.file : place.schema, sequelize);
  }

  /** Runs `work` in an IMMEDIATE transaction, after every write queued before it. */
  write<T>(work: (t: Transaction) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`database ${this.name} is closed`));
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

/** A database with its models. */
export abstract class ModelStore {
  protected constructor(protected readonly db: ModelDatabase) {}

  write<T>(work: (t: Transaction) => Promise<T>): Promise<T> {
    return this.db.write(work);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
