import { WEEKDAYS, formatClock, type Profile, type TimeRange } from '../../core/profile.js';

/**
 * The profile tables: a projection of profile.yaml kept so operators can query it with the sqlite3
 * tool (the original spec's "Common Queries"). The brain itself serves the parsed profile.
 */

export interface ProfileTables {
  business: {
    name: string;
    timezone: string;
    language: string;
    address: string | null;
    phone: string | null;
    mapUrl: string | null;
    bookingPolicy: Profile['booking'];
    messages: Profile['messages'];
    sourceHash: string;
    updatedAt: Date;
  };
  hours: { day: string; dayOfWeek: number; opens: string; closes: string }[];
  exceptions: { date: string; closed: boolean; opens: string | null; closes: string | null; note: string | null }[];
  services: { id: string; name: string; aliases: string[]; durationMinutes: number; price: number | null; currency: string | null; description: string | null; position: number }[];
  faqs: { question: string; answer: string; keywords: string[]; position: number }[];
  contacts: { name: string; phone: string | null; telegramChatId: string | null }[];
}

export interface ProfileRepository {
  /** The hash of the profile.yaml the tables were last written from. */
  storedHash(): Promise<string | undefined>;
  /** Replaces every profile table in one transaction. */
  replace(tables: ProfileTables): Promise<void>;
}

export function profileTables(profile: Profile, sourceHash: string, now: Date): ProfileTables {
  const range = (r: TimeRange) => ({ opens: formatClock(r.open), closes: formatClock(r.close) });
  return {
    business: {
      name: profile.name,
      timezone: profile.timezone,
      language: profile.language,
      address: profile.address ?? null,
      phone: profile.phone ?? null,
      mapUrl: profile.mapUrl ?? null,
      bookingPolicy: profile.booking,
      messages: profile.messages,
      sourceHash,
      updatedAt: now,
    },
    hours: WEEKDAYS.flatMap((day, i) => profile.hours[day].map((r) => ({ day, dayOfWeek: i + 1, ...range(r) }))),
    exceptions: profile.exceptions.flatMap((e): ProfileTables['exceptions'] =>
      e.hours
        ? e.hours.map((r) => ({ date: e.date, closed: false, ...range(r), note: e.note ?? null }))
        : [{ date: e.date, closed: true, opens: null, closes: null, note: e.note ?? null }],
    ),
    services: profile.services.map((s, position) => ({
      id: s.id,
      name: s.name,
      aliases: s.aliases,
      durationMinutes: s.duration,
      price: s.price ?? null,
      currency: s.currency ?? null,
      description: s.description ?? null,
      position,
    })),
    faqs: profile.faq.map((f, position) => ({ question: f.question, answer: f.answer, keywords: f.keywords, position })),
    contacts: profile.escalation.contacts.map((c) => ({ name: c.name, phone: c.phone ?? null, telegramChatId: c.telegramChatId ?? null })),
  };
}
