import { SqliteDatabase, SqliteStore } from '../../core/sqlite/database.js';
import { PlainDatabase } from '../../core/sqlite/plain-database.js';
import { migrations } from './migrations.js';
import { defineModels, type Models } from './models.js';
import { TurnLog } from './turn-log.js';

/** One tenant's database (tenant.db): its models, the per-message turn log, and the only door to writing it. */
export class TenantDb extends SqliteStore {
  private constructor(
    db: SqliteDatabase,
    readonly models: Models,
    private readonly plain: PlainDatabase,
    readonly turns: TurnLog,
  ) {
    super(db);
  }

  static async open(file: string): Promise<TenantDb> {
    const db = await SqliteDatabase.open(file, migrations);
    try {
      const plain = await PlainDatabase.open(file, [], db.queue);
      return new TenantDb(db, defineModels(db.sequelize), plain, new TurnLog(plain));
    } catch (err) {
      await db.close();
      throw err;
    }
  }

  override async close(): Promise<void> {
    await super.close();
    await this.plain.close();
  }
}
