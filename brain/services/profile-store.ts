import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { readFileBounded, writeFileAtomic } from '../../core/fs.js';
import { LIMITS, WEEKDAYS, formatClock, parseProfileYaml, profileToYaml, type Profile, type TimeRange } from '../../core/profile.js';
import type { HourExceptionRow } from '../db/models.js';
import type { TenantDb } from '../db/tenant-db.js';

export function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Replaces the profile tables in one transaction. The tables are a projection of profile.yaml kept
 * so operators can query them with the sqlite3 tool; the brain itself serves the parsed profile.
 */
export async function writeProfileTables(db: TenantDb, profile: Profile, sourceHash: string): Promise<void> {
  const m = db.models;
  await db.write(async (transaction) => {
    const all = { where: {}, transaction };
    await Promise.all([m.BusinessProfile, m.OperatingHours, m.HourException, m.Service, m.Faq, m.EscalationContact].map((table) => (table as typeof m.Faq).destroy(all)));
    await m.BusinessProfile.create(
      {
        id: 1,
        name: profile.name,
        timezone: profile.timezone,
        language: profile.language,
        address: profile.address ?? null,
        phone: profile.phone ?? null,
        mapUrl: profile.mapUrl ?? null,
        bookingPolicy: profile.booking,
        messages: profile.messages,
        sourceHash,
        updatedAt: new Date(),
      },
      { transaction },
    );
    const range = (r: TimeRange) => ({ opens: formatClock(r.open), closes: formatClock(r.close) });
    await m.OperatingHours.bulkCreate(
      WEEKDAYS.flatMap((day, i) => profile.hours[day].map((r) => ({ day, dayOfWeek: i + 1, ...range(r) }))),
      { transaction },
    );
    await m.HourException.bulkCreate(
      profile.exceptions.flatMap((e): Omit<HourExceptionRow, 'id'>[] =>
        e.hours
          ? e.hours.map((r) => ({ date: e.date, closed: false, ...range(r), note: e.note ?? null }))
          : [{ date: e.date, closed: true, opens: null, closes: null, note: e.note ?? null }],
      ),
      { transaction },
    );
    await m.Service.bulkCreate(
      profile.services.map((s, position) => ({
        id: s.id,
        name: s.name,
        aliases: s.aliases,
        durationMinutes: s.duration,
        price: s.price ?? null,
        currency: s.currency ?? null,
        description: s.description ?? null,
        position,
      })),
      { transaction },
    );
    await m.Faq.bulkCreate(profile.faq.map((f, position) => ({ ...f, position })), { transaction });
    await m.EscalationContact.bulkCreate(
      profile.escalation.contacts.map((c) => ({ name: c.name, phone: c.phone ?? null, telegramChatId: c.telegramChatId ?? null })),
      { transaction },
    );
  });
}

export async function storedProfileHash(db: TenantDb): Promise<string | undefined> {
  const row = await db.models.BusinessProfile.findByPk(1, { attributes: ['sourceHash'] });
  return row?.sourceHash;
}

/** Writes profile.yaml (atomically) and the tables, so the file and the database agree. */
export async function saveProfile(db: TenantDb, file: string, profile: Profile): Promise<void> {
  const text = profileToYaml(profile);
  writeFileAtomic(file, text, 0o600);
  await writeProfileTables(db, profile, hashText(text));
}

/**
 * Keeps a tenant's in-memory profile in step with its profile.yaml. The file is re-read only when
 * its mtime or size changes, and the tables are rewritten only when its content changed, so
 * `wr-console tenant import` takes effect on a running brain at the next request.
 */
export class ProfileSource {
  private stamp = '';
  private current: Profile;
  private loading: Promise<Profile> | undefined;

  constructor(
    private readonly file: string,
    private readonly db: TenantDb,
    fallback: Profile,
    private readonly onInvalid: (err: Error) => void,
  ) {
    this.current = fallback;
  }

  get profile(): Profile {
    return this.current;
  }

  async refresh(): Promise<Profile> {
    let stamp: string;
    try {
      const st = fs.statSync(this.file);
      stamp = `${st.mtimeMs}:${st.size}:${st.ino}`;
    } catch {
      return this.current;
    }
    // Callers that arrive while the file is being loaded wait for it rather than get the old profile.
    if (stamp === this.stamp) return this.loading ?? this.current;
    this.stamp = stamp;
    const loading = this.load().finally(() => {
      if (this.loading === loading) this.loading = undefined;
    });
    this.loading = loading;
    return loading;
  }

  private async load(): Promise<Profile> {
    let text: string;
    let profile: Profile;
    try {
      // Bounded: a huge profile.yaml put there by hand must not take the brain (and every tenant) down.
      text = readFileBounded(this.file, LIMITS.bytes);
      profile = parseProfileYaml(text, this.file);
    } catch (err) {
      this.onInvalid(err as Error);
      return this.current;
    }
    const hash = hashText(text);
    if ((await storedProfileHash(this.db)) !== hash) await writeProfileTables(this.db, profile, hash);
    this.current = profile;
    return profile;
  }

  async replace(profile: Profile): Promise<void> {
    await saveProfile(this.db, this.file, profile);
    this.current = profile;
    this.stamp = '';
    await this.refresh();
  }
}
