import { SqliteDatabase, SqliteStore } from '../../core/sqlite/database.js';
import { migrations } from './migrations.js';
import { defineModels, type Models } from './models.js';

/** One tenant's database (tenant.db): its models, and the only door to writing it. */
export class TenantDb extends SqliteStore {
  private constructor(
    db: SqliteDatabase,
    readonly models: Models,
  ) {
    super(db);
  }

  static async open(file: string): Promise<TenantDb> {
    const db = await SqliteDatabase.open(file, migrations);
    return new TenantDb(db, defineModels(db.sequelize));
  }
}
