import os from 'node:os';
import { sendTestAlerts } from '../../core/alerts.js';
import type { Config } from '../../core/config.js';
import { formatStatus, statusProblem, statusReport } from '../../core/status.js';
import { CliError, parseCommand, type Output } from './command.js';

export async function statusCommand(config: Config, argv: string[], io: Output): Promise<void> {
  const args = parseCommand(
    { usage: 'wr-console status [--json]', summary: 'The CONNECTION STATUS SUMMARY of every tenant, the brain and the monitor. Exits 1 when anything is not up.', options: { json: { type: 'boolean' } }, positionals: { min: 0, max: 0 } },
    argv,
    io,
  );
  if (!args) return;
  const report = await statusReport(config);
  io.out(args.values.json ? JSON.stringify(report, null, 2) : formatStatus(report));
  // Non-zero when anything is down, so a script or a cron check can act on it.
  const problem = statusProblem(report);
  if (problem) throw new CliError(problem);
}

export async function alertCommand(config: Config, argv: string[], io: Output): Promise<void> {
  const args = parseCommand(
    { usage: 'wr-console alert test', summary: 'Sends a test alert through every configured channel (Telegram, SMS) and reports each result.', options: {}, positionals: { min: 1, max: 1 } },
    argv,
    io,
  );
  if (!args) return;
  if (args.positionals[0] !== 'test') throw new CliError(`unknown alert command "${args.positionals[0]}"`, ['usage: wr-console alert test'], 2);
  for (const line of config.alertProblems) io.out(line);
  const { ok, lines } = await sendTestAlerts(config, os.hostname());
  for (const line of lines) io.out(line);
  if (!ok || config.alertProblems.length > 0) throw new CliError('not every channel works: see above');
}
