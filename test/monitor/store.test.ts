import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { MONITOR_SCHEMA, MonitorStore } from '../../monitor/store.js';
import { usePostgres } from '../helpers/postgres.js';

/** The monitor's store on its monitor.db file and on PostgreSQL's wr_monitor schema, with the same tests. */

const cluster = usePostgres();
let dir: string;
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe.each([
  ['SQLite', async (): Promise<string | undefined> => undefined],
  ['PostgreSQL', (): Promise<string | undefined> => cluster.current.database()],
] as const)('monitor store on %s', (engine, databaseUrl) => {
  it('keeps incidents, watch state and the deduplicated alert outbox across a reopen', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wr-mstore-'));
    const file = path.join(dir, 'monitor.db');
    const url = await databaseUrl();
    let store = await MonitorStore.open(file, url);
    const now = new Date('2026-03-16T10:00:00.000Z');
    await store.write(async (transaction) => {
      await store.Watch.upsert({ target: 'wr-gw-a', state: { failures: 2, lastSeen: 5 }, updatedAt: now }, { transaction });
      const row = await store.Incident.create({ key: 'down:a', kind: 'gateway_down', target: 'wr-gw-a', title: 'down', status: 'open', openedAt: now, remindedAt: now }, { transaction });
      const alert = { dedupe: `open:${row.id}:111`, incidentId: row.id, channel: 'telegram' as const, recipient: '111', text: 'down', source: null };
      await store.enqueue([alert, { ...alert, dedupe: `open:${row.id}:222`, recipient: '222' }], transaction);
      // The same alert queued again (a restarted monitor) is not sent twice.
      await store.enqueue([alert], transaction);
    });
    await store.close();

    store = await MonitorStore.open(file, url);
    try {
      expect(await store.openIncidents()).toEqual([expect.objectContaining({ key: 'down:a', severity: 0, openedAt: now, resolvedAt: null })]);
      expect((await store.dueAlerts(new Date('2026-12-31T00:00:00Z'))).map((a) => a.recipient)).toEqual(['111', '222']);
      expect((await store.Watch.findAll()).map((w) => w.get({ plain: true }))).toEqual([{ target: 'wr-gw-a', state: { failures: 2, lastSeen: 5 }, updatedAt: now }]);
      // With PostgreSQL there is no monitor.db at all.
      expect(fs.existsSync(file)).toBe(engine === 'SQLite');
      if (url) {
        // …and its tables are in the monitor's own schema, apart from the tenants'.
        const client = new pg.Client(url);
        await client.connect();
        const tables = await client.query("SELECT table_schema AS schema, table_name AS name FROM information_schema.tables WHERE table_name IN ('incidents', 'alerts') ORDER BY 2");
        await client.end();
        expect(tables.rows).toEqual([{ schema: MONITOR_SCHEMA, name: 'alerts' }, { schema: MONITOR_SCHEMA, name: 'incidents' }]);
      }
    } finally {
      await store.close();
    }
  });
});
