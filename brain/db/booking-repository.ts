import type { SqlDatabase, SqlReader, WriteTx } from '../../core/sql/database.js';
import type { Booking, BookingRepository, BookingWrites, NewBooking, Range } from '../domain/bookings.js';
import type { BusyPeriod } from '../domain/calendar.js';
import { readTime, timeValue, type SqlRow } from './columns.js';

const BUSY = "SELECT start_at, end_at FROM bookings WHERE status = 'confirmed' AND start_at >= ? AND start_at < ?";
const BUSY_EXCEPT = `${BUSY} AND id <> ?`;

function busy(db: SqlReader, range: Range, exclude: number | undefined): Promise<BusyPeriod[]> {
  const params = [timeValue(range.from), timeValue(range.to)];
  return db
    .all<SqlRow>(exclude === undefined ? BUSY : BUSY_EXCEPT, exclude === undefined ? params : [...params, exclude])
    .then((rows) => rows.map((r) => ({ startAt: readTime(r.start_at), endAt: readTime(r.end_at) })));
}

function booking(r: SqlRow): Booking {
  return {
    id: r.id as number,
    serviceId: r.service_id as string,
    sender: r.sender as string,
    customerName: r.customer_name as string,
    startAt: readTime(r.start_at),
    endAt: readTime(r.end_at),
    status: r.status as Booking['status'],
    createdAt: readTime(r.created_at),
    updatedAt: readTime(r.updated_at),
  };
}

class SqlBookingWrites implements BookingWrites {
  constructor(private readonly tx: WriteTx) {}

  busy(range: Range, exclude?: number): Promise<BusyPeriod[]> {
    return busy(this.tx, range, exclude);
  }

  async findSame(sender: string, serviceId: string, startAt: Date): Promise<Booking | undefined> {
    const row = await this.tx.get<SqlRow>("SELECT * FROM bookings WHERE sender = ? AND service_id = ? AND start_at = ? AND status = 'confirmed' ORDER BY id LIMIT 1", [
      sender, serviceId, timeValue(startAt),
    ]);
    return row && booking(row);
  }

  async insert(b: NewBooking): Promise<Booking> {
    const id = await this.tx.insert(
      'INSERT INTO bookings (service_id, sender, customer_name, start_at, end_at, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [b.serviceId, b.sender, b.customerName, timeValue(b.startAt), timeValue(b.endAt), b.status, timeValue(b.createdAt), timeValue(b.updatedAt)],
    );
    return { id, ...b };
  }

  async move(id: number, sender: string, startAt: Date, endAt: Date, at: Date): Promise<boolean> {
    const { changes } = await this.tx.run("UPDATE bookings SET start_at = ?, end_at = ?, updated_at = ? WHERE id = ? AND sender = ? AND status = 'confirmed'", [
      timeValue(startAt), timeValue(endAt), timeValue(at), id, sender,
    ]);
    return changes === 1;
  }

  async cancel(id: number, sender: string, at: Date): Promise<boolean> {
    const { changes } = await this.tx.run("UPDATE bookings SET status = 'cancelled', updated_at = ? WHERE id = ? AND sender = ?", [timeValue(at), id, sender]);
    return changes === 1;
  }
}

/** The bookings table. */
export class SqlBookingRepository implements BookingRepository {
  constructor(private readonly db: SqlDatabase) {}

  busy(range: Range, exclude?: number): Promise<BusyPeriod[]> {
    return busy(this.db, range, exclude);
  }

  async upcomingFor(sender: string, after: Date): Promise<Booking[]> {
    const rows = await this.db.all<SqlRow>("SELECT * FROM bookings WHERE sender = ? AND status = 'confirmed' AND start_at > ? ORDER BY start_at, id", [sender, timeValue(after)]);
    return rows.map(booking);
  }

  async list(opts: { from?: Date; to?: Date; status?: Booking['status'] }): Promise<Booking[]> {
    const filters: [string, string][] = [];
    if (opts.from) filters.push(['start_at >= ?', timeValue(opts.from)]);
    if (opts.to) filters.push(['start_at < ?', timeValue(opts.to)]);
    if (opts.status) filters.push(['status = ?', opts.status]);
    const where = filters.length ? ` WHERE ${filters.map(([sql]) => sql).join(' AND ')}` : '';
    const rows = await this.db.all<SqlRow>(`SELECT * FROM bookings${where} ORDER BY start_at, id`, filters.map(([, v]) => v));
    return rows.map(booking);
  }

  write<T>(work: (tx: BookingWrites) => Promise<T>): Promise<T> {
    return this.db.write((tx) => work(new SqlBookingWrites(tx)));
  }
}
