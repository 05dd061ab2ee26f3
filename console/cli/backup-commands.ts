import path from 'node:path';
import type { Config } from '../../core/config.js';
import { BackupError, createBackup, defaultBackupDir } from '../backup.js';
import { restoreBackup } from '../ops/restore.js';
import { CliError, parseCommand, type Output } from './command.js';

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
  const plan = await restoreBackup(config, env, dir, { tenant: typeof args.values.tenant === 'string' ? args.values.tenant : undefined, force: args.values.force === true }, io.out);
  io.out(`restored ${plan.tenants.length} tenant(s) from ${dir}`);
}
