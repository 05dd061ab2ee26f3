import { execFile } from 'node:child_process';

/**
 * Backups of PostgreSQL schemas with the server's own tools: pg_dump takes a consistent snapshot
 * of a schema while wr writes to it, pg_restore puts it back in one transaction. The connection
 * goes to them through PG* variables, so the password never shows in a process list.
 */

function connectionEnv(url: string): NodeJS.ProcessEnv {
  const u = new URL(url);
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, PGHOST: u.hostname, PGPORT: u.port || '5432', PGDATABASE: decodeURIComponent(u.pathname.slice(1)) || 'postgres' };
  if (u.username) env.PGUSER = decodeURIComponent(u.username);
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  const sslmode = u.searchParams.get('sslmode');
  if (sslmode) env.PGSSLMODE = sslmode;
  return env;
}

function run(tool: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(tool, args, { env, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return reject(new Error(`${tool} not found: install the PostgreSQL client tools (apt-get install postgresql-client, the server's major version or newer)`));
      reject(new Error(`${tool} failed: ${stderr.trim().split('\n').at(-1) ?? err.message}`));
    }),
  );
}

/** One schema (tables, data, sequences) into `file`, pg_dump's custom format. */
export async function dumpSchema(url: string, schema: string, file: string): Promise<void> {
  await run('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--schema=${schema}`, `--file=${file}`], connectionEnv(url));
}

/** The tables a dump holds; fails when the file is not a readable dump. */
export async function dumpTables(file: string): Promise<string[]> {
  const list = await run('pg_restore', ['--list', file], { PATH: process.env.PATH });
  return [...list.matchAll(/ TABLE DATA \S+ (\S+) /g)].map((m) => m[1]!).sort();
}

/** Replaces the dumped schema on the server with the dump, in one transaction. */
export async function restoreSchema(url: string, file: string): Promise<void> {
  await run('pg_restore', ['--clean', '--if-exists', '--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error', `--dbname=${decodeURIComponent(new URL(url).pathname.slice(1)) || 'postgres'}`, file], connectionEnv(url));
}
