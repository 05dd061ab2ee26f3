import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MonitorStore } from '../../monitor/store.js';
import { startTestBrain } from '../helpers/brain.js';
import { engines } from '../helpers/engines.js';
import { cli, exampleProfile, makeHome, type TestHome } from '../helpers/home.js';

/** wr-console backup and restore with the tenants' data and the monitor's incidents on PostgreSQL. */

const [, postgres] = engines();
let t: TestHome;
afterEach(() => t?.cleanup());

describe('backup and restore on PostgreSQL', () => {
  it('dump each tenant schema and the monitor schema while wr runs, and put them back', async () => {
    t = makeHome({ ...(await postgres!.settings()) });
    const url = t.config.WR_DATABASE_URL!;
    await cli(t.env, 'tenant', 'add', 'clinic-a', '--profile', exampleProfile);
    const brain = await startTestBrain(t);
    const chat = (sender: string) => brain.call('POST', '/api/chat', { key: brain.keyOf('clinic-a'), tenant: 'clinic-a', body: { message: 'hello', sender } });
    expect((await chat('+34600100001')).status).toBe(200);
    const monitor = await MonitorStore.open(t.config.paths.monitorDb, url);
    const now = new Date();
    await monitor.write((transaction) => monitor.Incident.create({ key: 'k', kind: 'gateway_down', target: 'wr-gw-clinic-a', title: 'down', status: 'open', openedAt: now, remindedAt: now }, { transaction }));

    const out = path.join(t.home, 'backup-1');
    const backup = await cli(t.env, 'backup', '--out', out);
    expect(backup.code).toBe(0);
    expect(backup.stdout).toContain('monitor.pgdump: schema wr_monitor, 5 tables dumped');
    expect(backup.stdout).toContain(`${path.join('tenants', 'clinic-a', 'tenant.pgdump')}: schema tenant_clinic_a, 14 tables dumped`);
    expect(fs.statSync(path.join(out, 'tenants/clinic-a/tenant.pgdump')).mode & 0o777).toBe(0o600);
    // No file of the password's: the URL stays in wr.env, which the backup copies 0600 as before.
    expect(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')).not.toContain('postgres://');

    // Later changes, then the restore takes both stores back to the backup.
    expect((await chat('+34600100002')).status).toBe(200);
    expect((await cli(t.env, 'tenant', 'add', 'later', '--name', 'Later')).code).toBe(0);
    await monitor.write((transaction) => monitor.Incident.update({ status: 'resolved' }, { where: { key: 'k' }, transaction }));
    await monitor.close();
    await brain.close();
    expect(postgres!.query(t, 'clinic-a', 'SELECT count(*) FROM conversations;')).toBe('2');
    const refused = await cli(t.env, 'restore', out);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('restoring would replace the current data of clinic-a');
    const restored = await cli(t.env, 'restore', out, '--force');
    expect(restored.stderr).toBe('');
    expect(restored.stdout).toContain(`${path.join('tenants', 'clinic-a', 'tenant.pgdump')}: restored into PostgreSQL`);
    expect(postgres!.query(t, 'clinic-a', 'SELECT sender FROM conversations;')).toBe('+34600100001');
    const reopened = await MonitorStore.open(t.config.paths.monitorDb, url);
    expect((await reopened.openIncidents()).map((i) => i.key)).toEqual(['k']);
    await reopened.close();
    // The brain serves the restored data.
    const again = await startTestBrain(t);
    const { conversations } = await (await again.call('GET', '/api/conversations', { key: again.adminKey, tenant: 'clinic-a' })).json();
    expect(conversations.map((c: { sender: string }) => c.sender)).toEqual(['+34600100001']);
    // The shared registry went back to the backup's too: a tenant added after it is gone everywhere.
    expect(again.tenants.registry.list().map((x) => x.id)).toEqual(['clinic-a']);
    await again.close();
  });

  it('refuses a backup that holds PostgreSQL data when no server is configured', async () => {
    t = makeHome({ ...(await postgres!.settings()) });
    await cli(t.env, 'tenant', 'add', 'clinic-a', '--profile', exampleProfile);
    const brain = await startTestBrain(t);
    await brain.close();
    const out = path.join(t.home, 'backup-1');
    expect((await cli(t.env, 'backup', '--out', out)).code).toBe(0);
    const envFile = fs.readFileSync(t.config.paths.envFile, 'utf8');
    fs.writeFileSync(t.config.paths.envFile, envFile.replace(/^WR_DATABASE_URL=.*\n/m, ''));
    const { WR_DATABASE_URL: _url, ...env } = t.env;
    const refused = await cli(env, 'restore', out, '--force');
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining('the backup holds PostgreSQL data: set WR_DATABASE_URL') });
  });
});
