import type { SqlDatabase } from '../../core/sql/database.js';
import type { ProfileRepository, ProfileTables } from '../domain/profile.js';
import { boolValue, jsonValue, timeValue } from './columns.js';

const TABLES = ['business_profile', 'operating_hours', 'hour_exceptions', 'services', 'faqs', 'escalation_contacts'];

/** The profile tables (business_profile, operating_hours, hour_exceptions, services, faqs, escalation_contacts). */
export class SqlProfileRepository implements ProfileRepository {
  constructor(private readonly db: SqlDatabase) {}

  async storedHash(): Promise<string | undefined> {
    return (await this.db.get<{ source_hash: string }>('SELECT source_hash FROM business_profile WHERE id = 1'))?.source_hash;
  }

  replace(t: ProfileTables): Promise<void> {
    const b = t.business;
    return this.db.write(async (tx) => {
      for (const table of TABLES) await tx.run(`DELETE FROM ${table}`);
      await tx.run(
        'INSERT INTO business_profile (id, name, timezone, language, address, phone, map_url, booking_policy, messages, source_hash, updated_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [b.name, b.timezone, b.language, b.address, b.phone, b.mapUrl, jsonValue(b.bookingPolicy), jsonValue(b.messages), b.sourceHash, timeValue(b.updatedAt)],
      );
      for (const h of t.hours) await tx.run('INSERT INTO operating_hours (day, day_of_week, opens, closes) VALUES (?, ?, ?, ?)', [h.day, h.dayOfWeek, h.opens, h.closes]);
      for (const e of t.exceptions) {
        await tx.run('INSERT INTO hour_exceptions (date, closed, opens, closes, note) VALUES (?, ?, ?, ?, ?)', [e.date, boolValue(e.closed), e.opens, e.closes, e.note]);
      }
      for (const s of t.services) {
        await tx.run('INSERT INTO services (id, name, aliases, duration_minutes, price, currency, description, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
          s.id, s.name, jsonValue(s.aliases), s.durationMinutes, s.price, s.currency, s.description, s.position,
        ]);
      }
      for (const f of t.faqs) await tx.run('INSERT INTO faqs (question, answer, keywords, position) VALUES (?, ?, ?, ?)', [f.question, f.answer, jsonValue(f.keywords), f.position]);
      for (const c of t.contacts) await tx.run('INSERT INTO escalation_contacts (name, phone, telegram_chat_id) VALUES (?, ?, ?)', [c.name, c.phone, c.telegramChatId]);
    });
  }
}
