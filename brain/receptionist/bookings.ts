import { DateTime } from 'luxon';
import { Op, type Transaction } from 'sequelize';
import type { BookingRow } from '../db/models.js';
import type { TenantDb } from '../db/tenant-db.js';
import type { BusyPeriod } from './calendar.js';

/** Booking queries the tools share. Every time is stored in UTC; callers work in the tenant's zone. */

/** Confirmed bookings that could overlap anything starting on the same local days as `around`. */
export async function busyNear(db: TenantDb, around: DateTime, opts: { exclude?: number; transaction?: Transaction } = {}): Promise<BusyPeriod[]> {
  const rows = await db.models.Booking.findAll({
    attributes: ['id', 'startAt', 'endAt'],
    where: {
      status: 'confirmed',
      startAt: { [Op.gte]: around.minus({ days: 2 }).toJSDate(), [Op.lt]: around.plus({ days: 16 }).toJSDate() },
      ...(opts.exclude !== undefined ? { id: { [Op.ne]: opts.exclude } } : {}),
    },
    transaction: opts.transaction,
  });
  return rows.map((r) => ({ startAt: r.startAt, endAt: r.endAt }));
}

/** The customer's confirmed bookings that have not started yet, soonest first. */
export async function upcomingFor(db: TenantDb, sender: string, now: DateTime): Promise<BookingRow[]> {
  const rows = await db.models.Booking.findAll({
    where: { sender, status: 'confirmed', startAt: { [Op.gt]: now.toJSDate() } },
    order: [['startAt', 'ASC'], ['id', 'ASC']],
  });
  return rows.map((r) => r.get({ plain: true }) as BookingRow);
}
