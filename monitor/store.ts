import { DataTypes, Op, type ModelStatic, type Transaction } from 'sequelize';
import { ModelDatabase, ModelStore, type Migration, type Row } from '../core/sql/model-database.js';

/**
 * The monitor's store: watch state, incidents and the alert outbox, so a restarted monitor neither
 * repeats nor forgets. monitor.db by default; the `wr_monitor` schema on WR_DATABASE_URL's server
 * when that is set, so incidents live with the tenants' data.
 */

export const MONITOR_SCHEMA = 'wr_monitor';

const { INTEGER, STRING, TEXT, DATE, JSON } = DataTypes;
const id = { type: INTEGER, primaryKey: true, autoIncrement: true };

const migrations: Migration[] = [
  {
    name: '001-initial',
    async up({ context: qi }) {
      await qi.createTable('watch', { target: { type: STRING(64), primaryKey: true }, state: { type: JSON, allowNull: false }, updated_at: { type: DATE, allowNull: false } });
      await qi.createTable('incidents', {
        id,
        key: { type: STRING(128), allowNull: false },
        kind: { type: STRING(32), allowNull: false },
        target: { type: STRING(64), allowNull: false },
        title: { type: TEXT, allowNull: false },
        status: { type: STRING(16), allowNull: false },
        opened_at: { type: DATE, allowNull: false },
        reminded_at: { type: DATE, allowNull: false },
        resolved_at: DATE,
      });
      await qi.addIndex('incidents', ['status', 'key']);
      await qi.createTable('alerts', {
        id,
        dedupe: { type: STRING(255), allowNull: false, unique: true },
        incident_id: INTEGER,
        channel: { type: STRING(16), allowNull: false },
        recipient: { type: STRING(64), allowNull: false },
        text: { type: TEXT, allowNull: false },
        status: { type: STRING(16), allowNull: false },
        attempts: { type: INTEGER, allowNull: false, defaultValue: 0 },
        next_attempt_at: { type: DATE, allowNull: false },
        last_error: TEXT,
        source: { type: STRING(128) },
        created_at: { type: DATE, allowNull: false },
        sent_at: DATE,
      });
      await qi.addIndex('alerts', ['status', 'next_attempt_at']);
      await qi.createTable('settings', { key: { type: STRING(64), primaryKey: true }, value: { type: TEXT, allowNull: false } });
    },
  },
  {
    // How bad an open incident is, so it is alerted again when it gets worse.
    name: '002-incident-severity',
    // Plain SQL both engines accept: Sequelize's addColumn names PostgreSQL's "public" schema, not the store's.
    async up({ context: qi }) {
      await qi.sequelize.query('ALTER TABLE incidents ADD COLUMN severity INTEGER NOT NULL DEFAULT 0');
    },
  },
];

export interface IncidentRow { id: number; key: string; kind: string; target: string; title: string; severity: number; status: 'open' | 'resolved'; openedAt: Date; remindedAt: Date; resolvedAt: Date | null }
export interface AlertRow {
  id: number;
  dedupe: string;
  incidentId: number | null;
  channel: 'telegram' | 'sms';
  recipient: string;
  text: string;
  status: 'pending' | 'sent' | 'dead';
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  /** For escalations: "<tenant>:<escalation_outbox id>". */
  source: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

export class MonitorStore extends ModelStore {
  readonly Watch: ModelStatic<Row<{ target: string; state: unknown; updatedAt: Date }>>;
  readonly Incident: ModelStatic<Row<IncidentRow, 'id' | 'resolvedAt' | 'severity'>>;
  readonly Alert: ModelStatic<Row<AlertRow, 'id' | 'attempts' | 'lastError' | 'sentAt' | 'incidentId' | 'source'>>;
  readonly Settings: ModelStatic<Row<{ key: string; value: string }>>;

  private constructor(db: ModelDatabase) {
    super(db);
    const s = db.sequelize;
    const opts = (tableName: string) => ({ tableName, underscored: true, timestamps: false });
    this.Watch = s.define('Watch', { target: { type: STRING, primaryKey: true }, state: JSON, updatedAt: DATE }, opts('watch')) as never;
    this.Incident = s.define('Incident', { id, key: STRING, kind: STRING, target: STRING, title: TEXT, severity: { type: INTEGER, defaultValue: 0 }, status: STRING, openedAt: DATE, remindedAt: DATE, resolvedAt: DATE }, opts('incidents')) as never;
    this.Alert = s.define('Alert', {
      id, dedupe: STRING, incidentId: INTEGER, channel: STRING, recipient: STRING, text: TEXT, status: STRING, attempts: { type: INTEGER, defaultValue: 0 }, nextAttemptAt: DATE, lastError: TEXT, source: STRING, createdAt: DATE, sentAt: DATE,
    }, opts('alerts')) as never;
    this.Settings = s.define('Settings', { key: { type: STRING, primaryKey: true }, value: TEXT }, opts('settings')) as never;
  }

  /** monitor.db at `file`, or the wr_monitor schema when `databaseUrl` (WR_DATABASE_URL) is given. */
  static async open(file: string, databaseUrl?: string): Promise<MonitorStore> {
    return new MonitorStore(await ModelDatabase.open(databaseUrl ? { url: databaseUrl, schema: MONITOR_SCHEMA } : { file }, migrations));
  }

  async openIncidents(): Promise<IncidentRow[]> {
    return (await this.Incident.findAll({ where: { status: 'open' }, order: [['id', 'ASC']] })).map((r) => r.get({ plain: true }) as IncidentRow);
  }

  async dueAlerts(now: Date): Promise<AlertRow[]> {
    return (await this.Alert.findAll({ where: { status: 'pending', nextAttemptAt: { [Op.lte]: now } }, order: [['id', 'ASC']], limit: 100 })).map((r) => r.get({ plain: true }) as AlertRow);
  }

  /** Queues alerts; one already queued under the same dedupe key is not queued again. */
  async enqueue(alerts: Omit<AlertRow, 'id' | 'attempts' | 'lastError' | 'sentAt' | 'status' | 'nextAttemptAt' | 'createdAt'>[], transaction?: Transaction): Promise<void> {
    if (alerts.length === 0) return;
    const now = new Date();
    const rows = alerts.map((a) => ({ ...a, status: 'pending' as const, nextAttemptAt: now, createdAt: now }));
    if (transaction) await this.Alert.bulkCreate(rows, { ignoreDuplicates: true, transaction });
    else await this.write((t) => this.Alert.bulkCreate(rows, { ignoreDuplicates: true, transaction: t }));
  }
}
