import path from 'node:path';
import { BRAIN, gatewayName, MONITOR, tenantOfGateway } from '../../core/apps.js';
import type { Config } from '../../core/config.js';
import { applyRestore, BackupError, createBackup, defaultBackupDir, planRestore, verifyBackup } from '../backup.js';
import { daemonRunning } from '../../core/pm2/daemon.js';
import { CliError, parseCommand, type Output } from './command.js';
import { startApps, appsFor, withPm2 } from './processes.js';

export async function backupCommand(config: Config, argv: string[], io: Output): Promise<void> {
  const args = parseCommand(
    {
      usage: 'wr-console backup [--out DIR]',
      summary: 'Copies every database (consistently, while wr runs), WhatsApp session, key, profile and setting, and checks each database copy.',
      options: { out: { type: 'string' } },
      optionHelp: ['--out DIR           where to write it (default WR_HOME/backups/<UTC time>)'],
      positionals: { min: 0, max: 0 },
    },
    argv,
    io,
  );
  if (!args) return;
  const out = typeof args.values.out === 'string' ? path.resolve(args.values.out) : defaultBackupDir(config.paths);
  try {
    const manifest = await createBackup(config, out, io.out);
    io.out(`backup of ${manifest.tenants.length} tenant(s) written to ${out}`);
  } catch (err) {
    if (err instanceof BackupError) throw new CliError(err.message);
    throw err;
  }
}

export async function restoreCommand(config: Config, argv: string[], io: Output, env: NodeJS.ProcessEnv): Promise<void> {
  const args = parseCommand(
    {
      usage: 'wr-console restore DIR [--tenant ID] [--force]',
      summary: 'Restores a backup: stops what it touches, puts the data back, restarts what was running.',
      options: { tenant: { type: 'string' }, force: { type: 'boolean' } },
      optionHelp: ['--tenant ID         restore only this tenant', '--force             replace data that exists now (it is lost)'],
      positionals: { min: 1, max: 1 },
    },
    argv,
    io,
  );
  if (!args) return;
  const dir = path.resolve(args.positionals[0]!);
  try {
    const plan = await planRestore(config, dir, typeof args.values.tenant === 'string' ? args.values.tenant : undefined);
    if (plan.overwrites.length > 0 && !args.values.force) {
      throw new CliError(`restoring would replace the current data of ${plan.overwrites.join(', ')}; add --force to replace it (take a backup first)`);
    }
    await verifyBackup(dir, plan.tenants);
    const touched = [BRAIN, ...plan.tenants.map(gatewayName), ...(plan.full ? [MONITOR] : [])];
    let wasRunning: string[] = [];
    if (await daemonRunning(env)) {
      wasRunning = await withPm2(env, false, async (pm2) => {
        const online = (await pm2.list()).filter((p) => touched.includes(p.name) && p.status === 'online').map((p) => p.name);
        for (const name of online) await pm2.stop(name);
        return online;
      });
      if (wasRunning.length) io.out(`stopped ${wasRunning.join(', ')}`);
    }
    await applyRestore(config, dir, plan, io.out);
    if (wasRunning.length) {
      await withPm2(env, false, async (pm2) => {
        for (const name of wasRunning) {
          const target = name === BRAIN ? 'brain' : name === MONITOR ? 'monitor' : tenantOfGateway(name)!;
          for (const line of await startApps(pm2, appsFor(config, target, env.WR_DEMO === '1'))) io.out(line);
        }
      });
    }
    io.out(`restored ${plan.tenants.length} tenant(s) from ${dir}`);
  } catch (err) {
    if (err instanceof BackupError) throw new CliError(err.message);
    throw err;
  }
}
