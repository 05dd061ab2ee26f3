import { SqliteDatabase } from '../../core/sqlite/database.js';
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

/** One tenant's database (tenant.db): a repository per store, over one connection stack and one write queue. */
export class TenantDb {
  readonly bookings: BookingRepository;
  readonly conversations: ConversationRepository;
  readonly escalations: EscalationRepository;
  readonly profile: ProfileRepository;
  readonly usage: UsageRepository;

  private constructor(private readonly db: PlainDatabase) {
    this.bookings = new SqlBookingRepository(db);
    this.conversations = new SqlConversationRepository(db);
    this.escalations = new SqlEscalationRepository(db);
    this.profile = new SqlProfileRepository(db);
    this.usage = new SqlUsageRepository(db);
  }

  static async open(file: string): Promise<TenantDb> {
    // The schema is brought up to date first, on its own connection, closed before the store opens.
    await (await SqliteDatabase.open(file, migrations)).close();
    return new TenantDb(await PlainDatabase.open(file, []));
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
