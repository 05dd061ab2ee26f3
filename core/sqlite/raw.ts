import sqlite3 from 'sqlite3';

/** Plain sqlite3 access with promises, for tools that work on database files (backup, restore, checks). */
export class RawDb {
  private constructor(private readonly db: sqlite3.Database) {}

  static open(file: string, readonly = false): Promise<RawDb> {
    return new Promise((resolve, reject) => {
      const db = new sqlite3.Database(file, readonly ? sqlite3.OPEN_READONLY : sqlite3.OPEN_READWRITE, (err) => (err ? reject(err) : resolve(new RawDb(db))));
      db.configure('busyTimeout', 5_000);
    });
  }

  all<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return new Promise((resolve, reject) => this.db.all(sql, params, (err, rows) => (err ? reject(err) : resolve(rows as T[]))));
  }

  run(sql: string, params: unknown[] = []): Promise<void> {
    return new Promise((resolve, reject) => this.db.run(sql, params, (err) => (err ? reject(err) : resolve())));
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.db.close((err) => (err ? reject(err) : resolve())));
  }
}

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
