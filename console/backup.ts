import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Config } from '../core/config.js';
import { ensureDir, writeFileAtomic } from '../core/fs.js';
import { isTenantId, Paths } from '../core/paths.js';
import { readRegistry, type Tenant } from '../core/registry.js';
import { updateTenants } from '../core/shared-registry.js';
import { dumpSchema, dumpTables, restoreSchema } from '../core/sql/pg-dump.js';
import { PgServer, tenantSchema } from '../core/sql/postgres.js';
import { readRecords } from '../core/spill-records.js';
import { copyDatabase, integrityCheck, rowCounts } from '../core/sqlite/raw.js';
import { version } from '../core/version.js';

/**
 * Backups of a running system: every SQLite database copied with VACUUM INTO (consistent under
 * writes, never a `cp` of a live WAL file) and checked with integrity_check; with PostgreSQL
 * (WR_DATABASE_URL), each tenant's schema and the monitor's as a pg_dump file (`*.pgdump`, checked
 * by listing it); WhatsApp auth state, keys, profiles and configuration copied as files.
 * Everything 0600 in a 0700 folder, described by manifest.json.
 */

/** The monitor's schema on PostgreSQL (monitor/store.ts creates it; the console never imports the monitor). */
const MONITOR_SCHEMA = 'wr_monitor';
const PG_DUMP = '.pgdump';

const Manifest = z.object({
  format: z.literal(1),
  createdAt: z.string(),
  version: z.string(),
  tenants: z.array(z.string().refine(isTenantId)),
  databases: z.record(z.string(), z.object({ integrity: z.string(), rows: z.record(z.string(), z.number()) })),
});
export type Manifest = z.infer<typeof Manifest>;

/**
 * Copied in this order, each at its own moment: the brain commits a turn before the gateway marks
 * the message answered, so a gateway.db copied first never counts as answered a turn the brain's
 * later copy lacks (restored, that turn would be a reply, a booking, the brain never made and the
 * gateway never asks again). The other way round a restored gateway asks again about a message the
 * brain's copy already holds: the brain gives its recorded answer, nothing is lost.
 */
const TENANT_DATABASES = ['gateway.db', 'tenant.db'];
const TENANT_FILES = ['secret', 'profile.yaml'];
const SPILL = 'inbound.spill';
const HOME_FILES = ['tenants.json', 'admin.key', 'wr.env'];

export class BackupError extends Error {}

function copyFilePrivate(from: string, to: string): void {
  ensureDir(path.dirname(to));
  fs.copyFileSync(from, to);
  fs.chmodSync(to, 0o600);
}

/** The records at the start of a spill file (none when it is missing). */
function spillRecords(file: string): { payloads: Buffer[]; bytes: Buffer } {
  if (!fs.existsSync(file)) return { payloads: [], bytes: Buffer.alloc(0) };
  const content = fs.readFileSync(file);
  const { payloads, tail } = readRecords(content);
  return { payloads, bytes: content.subarray(0, tail) };
}

/**
 * A gateway that could not store messages (full disk) keeps them in its spill file, already
 * acknowledged to WhatsApp: they are carried in the backup (their records only, not the reserve).
 * Read before gateway.db, so a message stored meanwhile is in one copy or the other.
 */
function backupSpill(from: string, to: string): number {
  const { payloads, bytes } = spillRecords(from);
  if (payloads.length === 0) return 0;
  ensureDir(path.dirname(to));
  fs.writeFileSync(to, bytes, { mode: 0o600 });
  return payloads.length;
}

/**
 * Puts the backup's held messages where the gateway takes them back at its next start, after any
 * that wait there already (acknowledged too, so kept); a message in both is stored once.
 */
function restoreSpill(from: string, to: string): number {
  const restored = spillRecords(from);
  if (restored.payloads.length === 0) return 0;
  fs.writeFileSync(`${to}.restoring`, Buffer.concat([spillRecords(to).bytes, restored.bytes]), { mode: 0o600 });
  fs.renameSync(`${to}.restoring`, to);
  return restored.payloads.length;
}

/**
 * Copies a folder a running gateway may be changing: WhatsApp removes used pre-keys and sessions
 * while the copy goes on, so a file listed a moment ago may be gone; it is left out, as its owner
 * meant. Files are replaced by rename (whole, old or new), never rewritten in place.
 */
function copyTreePrivate(from: string, to: string): number {
  if (!fs.existsSync(from)) return 0;
  ensureDir(to);
  let n = 0;
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    if (entry.name.endsWith('.tmp')) continue;
    if (entry.isDirectory()) n += copyTreePrivate(path.join(from, entry.name), path.join(to, entry.name));
    else if (entry.isFile()) {
      try {
        copyFilePrivate(path.join(from, entry.name), path.join(to, entry.name));
        n++;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
  }
  return n;
}

export function defaultBackupDir(paths: Paths, now = new Date()): string {
  return path.join(paths.backups, now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z'));
}

export async function createBackup(config: Config, outDir: string, say: (line: string) => void): Promise<Manifest> {
  if (fs.existsSync(outDir) && !fs.statSync(outDir).isDirectory()) throw new BackupError(`${outDir} is a file, not a folder: choose another --out`);
  if (fs.existsSync(outDir) && fs.readdirSync(outDir).length > 0) throw new BackupError(`${outDir} is not empty: choose another --out`);
  ensureDir(outDir);
  const tenants = readRegistry(config.paths);
  const manifest: Manifest = { format: 1, createdAt: new Date().toISOString(), version, tenants: tenants.map((t) => t.id), databases: {} };
  const backupDb = async (from: string, rel: string) => {
    if (!fs.existsSync(from)) return;
    const to = path.join(outDir, rel);
    ensureDir(path.dirname(to));
    await copyDatabase(from, to);
    fs.chmodSync(to, 0o600);
    const integrity = await integrityCheck(to);
    if (integrity !== 'ok') throw new BackupError(`the copy of ${from} fails its integrity check (${integrity}); the source may be damaged`);
    manifest.databases[rel] = { integrity, rows: await rowCounts(to) };
    say(`${rel}: ${Object.values(manifest.databases[rel]!.rows).reduce((a, b) => a + b, 0)} rows, integrity ok`);
  };
  for (const f of HOME_FILES) if (fs.existsSync(path.join(config.home, f))) copyFilePrivate(path.join(config.home, f), path.join(outDir, f));
  const url = config.WR_DATABASE_URL;
  const schemas = url ? await existingSchemas(url, [MONITOR_SCHEMA, ...tenants.map((t) => tenantSchema(t.id))]) : new Set<string>();
  const backupSchema = async (schema: string, rel: string) => {
    if (!url || !schemas.has(schema)) return;
    const to = path.join(outDir, rel);
    ensureDir(path.dirname(to));
    await dumpSchema(url, schema, to);
    fs.chmodSync(to, 0o600);
    const tables = await dumpTables(to);
    manifest.databases[rel] = { integrity: 'ok', rows: {} };
    say(`${rel}: schema ${schema}, ${tables.length} tables dumped`);
  };
  await backupDb(config.paths.monitorDb, 'monitor.db');
  await backupSchema(MONITOR_SCHEMA, `monitor${PG_DUMP}`);
  for (const t of tenants) {
    const rel = (name: string) => path.join('tenants', t.id, name);
    const held = backupSpill(config.paths.inboundSpill(t.id), path.join(outDir, rel(SPILL)));
    if (held) say(`${rel(SPILL)}: ${held} received messages not yet stored`);
    for (const db of TENANT_DATABASES) await backupDb(path.join(config.paths.tenantDir(t.id), db), rel(db));
    await backupSchema(tenantSchema(t.id), rel(`tenant${PG_DUMP}`));
    for (const f of TENANT_FILES) if (fs.existsSync(path.join(config.paths.tenantDir(t.id), f))) copyFilePrivate(path.join(config.paths.tenantDir(t.id), f), path.join(outDir, rel(f)));
    const authFiles = copyTreePrivate(config.paths.authDir(t.id), path.join(outDir, rel('auth')));
    if (authFiles) say(`${rel('auth')}: ${authFiles} files`);
    // Photos and documents customers sent: kept once, so backed up like the rest.
    const mediaFiles = copyTreePrivate(config.paths.mediaDir(t.id), path.join(outDir, rel('media')));
    if (mediaFiles) say(`${rel('media')}: ${mediaFiles} files`);
  }
  writeFileAtomic(path.join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, 0o600);
  return manifest;
}

export function readManifest(dir: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  } catch (err) {
    throw new BackupError(`${dir} is not a wr backup (manifest.json: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const parsed = Manifest.safeParse(json);
  if (!parsed.success) throw new BackupError(`${dir}/manifest.json is not a wr backup manifest (${parsed.error.issues[0]?.message})`);
  return parsed.data;
}

export interface RestorePlan {
  tenants: string[];
  /** Whether the whole installation (registry, keys, configuration, monitor) is restored too. */
  full: boolean;
  /** Tenants whose current data would be replaced. */
  overwrites: string[];
}

export async function planRestore(config: Config, dir: string, tenant?: string): Promise<RestorePlan> {
  const manifest = readManifest(dir);
  if (tenant !== undefined && !manifest.tenants.includes(tenant)) throw new BackupError(`the backup has no tenant "${tenant}" (it has: ${manifest.tenants.join(', ') || 'none'})`);
  const tenants = tenant !== undefined ? [tenant] : manifest.tenants;
  const dumps = Object.keys(manifest.databases).some((rel) => rel.endsWith(PG_DUMP));
  if (dumps && !config.WR_DATABASE_URL) throw new BackupError(`the backup holds PostgreSQL data: set WR_DATABASE_URL in ${config.paths.envFile} to the server to restore it to; nothing was restored`);
  const onServer = config.WR_DATABASE_URL ? await existingSchemas(config.WR_DATABASE_URL, tenants.map(tenantSchema)) : new Set<string>();
  return {
    tenants,
    full: tenant === undefined,
    overwrites: tenants.filter((id) => fs.existsSync(config.paths.tenantDb(id)) || fs.existsSync(config.paths.gatewayDb(id)) || onServer.has(tenantSchema(id))),
  };
}

/** Which of `schemas` exist on the server. */
async function existingSchemas(url: string, schemas: string[]): Promise<Set<string>> {
  const server = new PgServer(url);
  try {
    const found = new Set<string>();
    for (const s of schemas) if (await server.schemaExists(s)) found.add(s);
    return found;
  } catch (err) {
    throw new BackupError(`cannot reach PostgreSQL (WR_DATABASE_URL): ${(err as Error).message}`);
  } finally {
    await server.close();
  }
}

/** Checks every database in the backup before anything is touched. */
export async function verifyBackup(dir: string, tenants: string[]): Promise<void> {
  const manifest = readManifest(dir);
  for (const rel of Object.keys(manifest.databases)) {
    const id = rel.split(path.sep)[1];
    if (rel.startsWith('tenants') && id && !tenants.includes(id)) continue;
    const file = path.join(dir, rel);
    const result = rel.endsWith(PG_DUMP) ? await dumpTables(file).then(() => 'ok', (err: Error) => err.message) : await integrityCheck(file);
    if (result !== 'ok') throw new BackupError(`${rel} in the backup fails its integrity check (${result}); nothing was restored`);
  }
}

/** Puts the backup's files in place; callers stop and restart what uses them. */
export async function applyRestore(config: Config, dir: string, plan: RestorePlan, say: (line: string) => void): Promise<void> {
  const backupRegistry = readRegistry(new Paths(dir));
  const restoreDb = (rel: string, to: string) => {
    const from = path.join(dir, rel);
    if (!fs.existsSync(from)) return;
    for (const suffix of ['-wal', '-shm', '-journal']) fs.rmSync(`${to}${suffix}`, { force: true });
    copyFilePrivate(from, `${to}.restoring`);
    fs.renameSync(`${to}.restoring`, to);
    say(`${rel}: restored`);
  };
  const restoreDump = async (rel: string) => {
    const from = path.join(dir, rel);
    if (!fs.existsSync(from) || !config.WR_DATABASE_URL) return;
    await restoreSchema(config.WR_DATABASE_URL, from);
    say(`${rel}: restored into PostgreSQL`);
  };
  if (plan.full) {
    // The shared registry is the authority on PostgreSQL: this host's rows become the backup's, or
    // the next registry change would bring back tenants the restored tenants.json no longer lists.
    if (config.WR_DATABASE_URL) await updateTenants(config, () => ({ tenants: backupRegistry, result: undefined }));
    for (const f of HOME_FILES) if (fs.existsSync(path.join(dir, f))) copyFilePrivate(path.join(dir, f), path.join(config.home, f));
    restoreDb('monitor.db', config.paths.monitorDb);
    await restoreDump(`monitor${PG_DUMP}`);
  }
  for (const id of plan.tenants) {
    const tdir = config.paths.tenantDir(id);
    ensureDir(tdir);
    for (const db of TENANT_DATABASES) restoreDb(path.join('tenants', id, db), path.join(tdir, db));
    const held = restoreSpill(path.join(dir, 'tenants', id, SPILL), config.paths.inboundSpill(id));
    if (held) say(`${path.join('tenants', id, SPILL)}: ${held} received messages, stored when the gateway starts`);
    await restoreDump(path.join('tenants', id, `tenant${PG_DUMP}`));
    for (const f of TENANT_FILES) if (fs.existsSync(path.join(dir, 'tenants', id, f))) copyFilePrivate(path.join(dir, 'tenants', id, f), path.join(tdir, f));
    fs.rmSync(config.paths.authDir(id), { recursive: true, force: true });
    copyTreePrivate(path.join(dir, 'tenants', id, 'auth'), config.paths.authDir(id));
    copyTreePrivate(path.join(dir, 'tenants', id, 'media'), config.paths.mediaDir(id));
    if (!plan.full) {
      const entry = backupRegistry.find((t) => t.id === id);
      if (entry) await updateTenants(config, (tenants: Tenant[]) => ({ tenants: [...tenants.filter((t) => t.id !== id), entry], result: undefined }));
    }
  }
}
