import sqlite3 from 'sqlite3';

/**
 * sqlite3 with our per-connection settings. Sequelize ignores afterConnect hooks on sqlite and opens
 * a fresh connection for every transaction, so the only place to configure each one is the driver.
 * WAL + synchronous=NORMAL: a committed transaction survives a process crash (kill -9); only a
 * power cut can lose the last few, in exchange for no fsync per commit.
 */
class Database extends sqlite3.Database {
  constructor(filename: string, mode?: number, callback?: (err: Error | null) => void) {
    super(filename, mode ?? sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE, (err) => {
      if (!err) {
        this.configure('busyTimeout', 5000);
        this.run('PRAGMA synchronous=NORMAL');
      }
      callback?.(err);
    });
  }
}

export const sqliteDriver = { ...sqlite3, Database };
