import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BRAIN } from '../../core/apps.js';
import type { Config } from '../../core/config.js';
import { projectRoot } from '../../core/paths.js';
import { readRegistry } from '../../core/registry.js';
import { daemonRunning } from '../../core/pm2/daemon.js';
import { CliError, parseCommand, type Output } from './command.js';
import { appsFor, startApps, withPm2 } from '../ops/processes.js';

const USAGE = 'wr-console db migrate <tenant|all>';

/** The brain's copy mode (its code owns the tenant schema); resolves to its exit code. */
function runCopy(env: NodeJS.ProcessEnv, tenants: string[], replace: boolean, io: Output): Promise<number> {
  const args = [path.join(projectRoot, 'dist/brain/main.js'), replace ? '--copy-to-postgres-replace' : '--copy-to-postgres', ...tenants];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = (stream: NodeJS.ReadableStream, each: (line: string) => void) => {
      let rest = '';
      stream.on('data', (d: Buffer) => {
        const parts = (rest + d.toString()).split('\n');
        rest = parts.pop()!;
        parts.filter(Boolean).forEach(each);
      });
    };
    lines(child.stdout, (line) => {
      const { tenant, rows } = JSON.parse(line) as { tenant: string; rows: Record<string, number> };
      const total = Object.values(rows).reduce((a, b) => a + b, 0);
      io.out(`${tenant}: ${total} rows in ${Object.keys(rows).length} tables copied, row counts match (${Object.entries(rows).filter(([, n]) => n > 0).map(([t, n]) => `${t} ${n}`).join(', ')})`);
    });
    lines(child.stderr, (line) => io.err(line.replace(/^wr-brain: /, '')));
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}

/**
 * Moves tenants' data from their tenant.db into PostgreSQL with the service running: a first copy
 * while the brain serves on; then, if PM2 runs the brain, the brain stops (gateways keep every
 * message in their queue meanwhile), a final copy takes what was written since, and the brain
 * starts again, on PostgreSQL. Each copy is one transaction, verified by row counts.
 */
async function migrate(config: Config, target: string, io: Output, env: NodeJS.ProcessEnv): Promise<void> {
  if (!config.WR_DATABASE_URL) throw new CliError(`WR_DATABASE_URL is not set: put WR_DATABASE_URL=postgres://user:password@host:5432/database in ${config.paths.envFile} first`);
  if (!fs.existsSync(path.join(projectRoot, 'dist/brain/main.js'))) throw new CliError('dist/brain/main.js is missing: run npm run build first');
  const registered = readRegistry(config.paths).map((t) => t.id);
  if (target !== 'all' && !registered.includes(target)) throw new CliError(`unknown tenant "${target}": see wr-console tenant list`);
  const wanted = target === 'all' ? registered : [target];
  const tenants = wanted.filter((id) => fs.existsSync(config.paths.tenantDb(id)));
  for (const id of wanted.filter((w) => !tenants.includes(w))) io.out(`${id}: no tenant.db, nothing to copy`);
  if (tenants.length === 0) return;

  if ((await runCopy(env, tenants, false, io)) !== 0) throw new CliError('the copy failed for the tenants above; their PostgreSQL schemas were left as they were');
  const brainOnline = (await daemonRunning(env)) && (await withPm2(env, false, async (pm2) => (await pm2.list()).some((p) => p.name === BRAIN && p.status === 'online')));
  if (!brainOnline) {
    io.out('the brain is not running under PM2: it serves these tenants from PostgreSQL when it starts (wr-console start)');
    return;
  }
  await withPm2(env, false, (pm2) => pm2.stop(BRAIN));
  io.out(`${BRAIN}: stopped for the final copy (gateways queue messages meanwhile)`);
  const final = await runCopy(env, tenants, true, io);
  const lines = await withPm2(env, false, (pm2) => startApps(pm2, appsFor(config, 'brain')));
  for (const line of lines) io.out(line);
  if (final !== 0) throw new CliError('the final copy failed for the tenants above; they are not served until it succeeds: run the command again');
  io.out(`done: ${tenants.join(', ')} served from PostgreSQL; each tenant.db stays as it was, as a backup`);
}

export async function dbCommand(config: Config, argv: string[], io: Output, env: NodeJS.ProcessEnv): Promise<void> {
  const args = parseCommand(
    {
      usage: USAGE,
      summary: "Copies tenants' data from their tenant.db into PostgreSQL (WR_DATABASE_URL) while wr runs, verified by row counts.",
      options: {},
      positionals: { min: 2, max: 2 },
    },
    argv,
    io,
  );
  if (!args) return;
  const [verb, target] = args.positionals as [string, string];
  if (verb !== 'migrate') throw new CliError(`unknown db command "${verb}": usage: ${USAGE}`);
  await migrate(config, target, io, env);
}
