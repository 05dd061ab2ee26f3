import type { SqlDatabase } from '../../core/sql/database.js';
import { PgDatabase, tenantSchema, type PgServer } from '../../core/sql/postgres.js';
import { PlainDatabase } from '../../core/sqlite/plain-database.js';
import type { BookingRepository } from '../domain/bookings.js';
import type { ConversationRepository } from '../domain/conversations.js';
import type { EscalationRepository } from '../domain/escalations.js';
import type { ProfileRepository } from '../domain/profile.js';
import type { UsageRepository } from '../domain/usage.js';
import { SqlBookingRepository } from './booking-repository.js';
import { SqlConversationRepository } from './conversation-repository.js';
import { SqlEscalationRepository } from './escalation-repository.js';
import { migrations } from './migrations.js';
import { SqlProfileRepository } from './profile-repository.js';
import { SqlUsageRepository } from './usage-repository.js';

/** Where a tenant's data lives: its tenant.db file, or its schema on a PostgreSQL server. */
export type TenantStore = { file: string } | { server: PgServer; tenant: string };

/** One tenant's database: a repository per store, over one connection stack. */
export class TenantDb {
  readonly bookings: BookingRepository;
  readonly conversations: ConversationRepository;
  readonly escalations: EscalationRepository;
  readonly profile: ProfileRepository;
  readonly usage: UsageRepository;

  private constructor(private readonly db: SqlDatabase) {
    this.bookings = new SqlBookingRepository(db);
    this.conversations = new SqlConversationRepository(db);
    this.escalations = new SqlEscalationRepository(db);
    this.profile = new SqlProfileRepository(db);
    this.usage = new SqlUsageRepository(db);
  }

  /** Opens (creating and migrating as needed) a tenant's store; a string is a tenant.db path. */
  static async open(store: string | TenantStore): Promise<TenantDb> {
    const where = typeof store === 'string' ? { file: store } : store;
    return new TenantDb('file' in where ? await PlainDatabase.open(where.file, migrations) : await PgDatabase.open(where.server, tenantSchema(where.tenant), migrations));
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
