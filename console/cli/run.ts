import { ConfigError, loadConfig, shellMismatches, type Config } from '../../core/config.js';
import { RegistryError } from '../../core/registry.js';
import { Pm2Error } from '../../core/pm2/client.js';
import { GatewayUnreachable } from '../gateway-api.js';
import { OpsError } from '../ops/errors.js';
import { CliError, stdio, type Output } from './command.js';
import { backupCommand, restoreCommand } from './backup-commands.js';
import { dbCommand } from './db-commands.js';
import { chatCommand, qrCommand } from './gateway-commands.js';
import { alertCommand, statusCommand } from './monitor-commands.js';
import { restartCommand, startCommand, stopCommand } from './processes.js';
import { tenantCommand } from './tenant.js';

export type Handler = (config: Config, argv: string[], io: Output, env: NodeJS.ProcessEnv) => Promise<void>;

const COMMANDS: Record<string, [string, Handler]> = {
  start: ['start everything (or brain, monitor, a tenant) under PM2', startCommand],
  stop: ['stop everything (or brain, monitor, a tenant)', stopCommand],
  restart: ['restart everything (or brain, monitor, a tenant)', restartCommand],
  status: ['the connection status of every tenant, the brain and the monitor', statusCommand],
  tenant: ['add, list, remove, key and import tenants', tenantCommand],
  qr: ["print a tenant's WhatsApp pairing QR", qrCommand],
  chat: ['talk to a simulator tenant as a customer', chatCommand],
  alert: ['alert test: a test alert through every configured channel', alertCommand],
  backup: ['a consistent copy of all data while wr runs', backupCommand],
  restore: ['put a backup back (stops and restarts what it touches)', restoreCommand],
  db: ["db migrate <tenant|all>: move tenants' data to PostgreSQL", dbCommand],
};

function help(): string {
  return [
    'usage: wr-console [--readonly]        the operator console (TUI)',
    '       wr-console <command> [options]',
    '',
    'wr: a multi-tenant WhatsApp receptionist. Data lives in WR_HOME (default ./data).',
    '',
    'commands:',
    ...Object.entries(COMMANDS).map(([name, [summary]]) => `  ${name.padEnd(8)} ${summary}`),
    '',
    'Each command takes --help.',
  ].join('\n');
}

/** The configuration the CLI and the TUI act on: refused when the shell says something wr.env does not. */
export function operatorConfig(env: NodeJS.ProcessEnv): Config {
  // Alert settings matter to `alert test` alone, which reports their problems.
  const config = loadConfig(env, { alerts: false });
  const mismatches = shellMismatches(env);
  if (mismatches.length > 0) throw new ConfigError(mismatches);
  return config;
}

/** Runs one CLI invocation and returns the exit code; every failure is a message, never a stack. */
export async function runCli(argv: string[], io: Output = stdio, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(help());
    return 0;
  }
  const command = COMMANDS[name];
  try {
    if (!command) throw new CliError(`unknown command "${name}"`, [help()], 2);
    await command[1](operatorConfig(env), rest, io, env);
    return 0;
  } catch (err) {
    if (err instanceof CliError) {
      io.err(`wr-console: ${err.message}`);
      for (const line of err.details) io.err(line);
      return err.exitCode;
    }
    if (err instanceof ConfigError) {
      for (const line of err.problems) io.err(`wr-console: ${line}`);
      return 2;
    }
    if (err instanceof OpsError || err instanceof RegistryError || err instanceof Pm2Error || err instanceof GatewayUnreachable) {
      io.err(`wr-console: ${err.message}`);
      return 1;
    }
    io.err(`wr-console: unexpected error: ${(err as Error).stack ?? String(err)}`);
    return 1;
  }
}
