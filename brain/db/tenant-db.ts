import type { Transaction } from 'sequelize';
import { SqliteDatabase } from '../../core/sqlite/database.js';
import { migrations } from './migrations.js';
import { defineModels, type Models } from './models.js';

/** One tenant's database (tenant.db): its models, and the only door to writing it. */
export class TenantDb {
  private constructor(
    private readonly db: SqliteDatabase,
    readonly models: Models,
  ) {}

  static async open(file: string): Promise<TenantDb> {
    const db = await SqliteDatabase.open(file, migrations);
    return new TenantDb(db, defineModels(db.sequelize));
  }

  get file(): string {
    return this.db.file;
  }

  write<T>(work: (t: Transaction) => Promise<T>): Promise<T> {
    return this.db.write(work);
  }

  get pendingWrites(): number {
    return this.db.pendingWrites;
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
