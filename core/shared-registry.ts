import fs from 'node:fs';
import os from 'node:os';
import type { Config } from './config.js';
import { readFileIfExists } from './fs.js';
import { readRegistry, RegistryError, registryText, RegistryView, TenantSchema, updateRegistry, withRegistryLock, writeRegistryText, type RegistryChange, type RegistryOutcome, type Tenant, type TenantDirectory } from './registry.js';
import { DatabaseUnavailable, type Migration, type SqlReader, type WriteTx } from './sql/database.js';
import { PgDatabase, PgServer } from './sql/postgres.js';

/**
 * The registry when WR_DATABASE_URL is set: PostgreSQL's `wr_registry.tenants` is the authority,
 * shared by every host, and each row names the host whose gateway serves the tenant. tenants.json
 * stays as this host's synchronous copy (PM2's ecosystem, the console, the monitor and the gateways
 * read it), rewritten from PostgreSQL after every change, so nothing that reads it had to change.
 */

export const REGISTRY_SCHEMA = 'wr_registry';

/** SQL both engines accept; only PostgreSQL holds a shared registry, SQLite's is tenants.json. */
const migrations: Migration[] = [
  {
    name: '001-tenants',
    up: `CREATE TABLE tenants (
      id VARCHAR(32) NOT NULL PRIMARY KEY,
      host VARCHAR(64) NOT NULL,
      name VARCHAR(100) NOT NULL,
      port INTEGER NOT NULL,
      transport VARCHAR(16) NOT NULL,
      created_at VARCHAR(40) NOT NULL,
      key_hash CHAR(64) NOT NULL,
      UNIQUE (host, port)
    )`,
  },
];

interface Row {
  id: string;
  host: string;
  name: string;
  port: number;
  transport: string;
  created_at: string;
  key_hash: string;
}

const COLUMNS = 'id, host, name, port, transport, created_at, key_hash';

function toTenant(row: Row): Tenant {
  return TenantSchema.parse({ id: row.id, name: row.name, port: row.port, transport: row.transport, createdAt: row.created_at, keyHash: row.key_hash });
}

/** This machine's name in the registry: WR_HOST, or the hostname. */
export function registryHost(config: Pick<Config, 'WR_HOST'>): string {
  return config.WR_HOST ?? os.hostname().slice(0, 64);
}

export function openRegistryDb(server: PgServer): Promise<PgDatabase> {
  return PgDatabase.open(server, REGISTRY_SCHEMA, migrations);
}

async function withRegistryDb<T>(url: string, work: (db: PgDatabase) => Promise<T>): Promise<T> {
  const server = new PgServer(url, () => {}, 2);
  try {
    return await work(await openRegistryDb(server));
  } catch (err) {
    if (err instanceof DatabaseUnavailable) {
      throw new RegistryError(`the shared registry on PostgreSQL (WR_DATABASE_URL) cannot be reached (${err.message}); nothing was changed: try again when it is back`);
    }
    throw err;
  } finally {
    await server.close();
  }
}

/**
 * This host's tenants as PostgreSQL holds them, plus the local ones it does not hold yet (registered
 * before WR_DATABASE_URL was set): publishing those is what `db migrate` does, and any registry
 * change does it too, so the next rewrite of tenants.json cannot drop them. An id another host
 * already holds is refused: ids name schemas, and two tenants cannot share one.
 */
async function hostTenants(tx: SqlReader, host: string, local: readonly Tenant[]): Promise<Tenant[]> {
  const rows = await tx.all<Row>(`SELECT ${COLUMNS} FROM tenants`);
  const elsewhere = new Map(rows.filter((r) => r.host !== host).map((r) => [r.id, r.host]));
  const clash = local.find((t) => elsewhere.has(t.id));
  if (clash) {
    throw new RegistryError(
      `tenant "${clash.id}" of this host (${host}) is registered on host "${elsewhere.get(clash.id)}" in the shared registry: remove it from one host (or give this host another tenant id); nothing was changed`,
    );
  }
  const mine = rows.filter((r) => r.host === host).map(toTenant);
  const known = new Set(rows.map((r) => r.id));
  return [...mine, ...local.filter((t) => !known.has(t.id))];
}

async function storeHostTenants(tx: WriteTx, host: string, tenants: readonly Tenant[]): Promise<void> {
  const taken = await tx.all<{ id: string; host: string }>('SELECT id, host FROM tenants WHERE host <> ?', [host]);
  const elsewhere = new Map(taken.map((r) => [r.id, r.host]));
  const clash = tenants.find((t) => elsewhere.has(t.id));
  if (clash) throw new RegistryError(`tenant id "${clash.id}" is taken by host "${elsewhere.get(clash.id)}" in the shared registry: choose another id`);
  await tx.run('DELETE FROM tenants WHERE host = ?', [host]);
  for (const t of tenants) {
    await tx.run(`INSERT INTO tenants (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`, [t.id, host, t.name, t.port, t.transport, t.createdAt, t.keyHash]);
  }
}


/**
 * A registry change: in one PostgreSQL transaction (the registry's lock: one writer across every
 * host) when WR_DATABASE_URL is set, with tenants.json rewritten with this host's tenants before
 * it commits; on SQLite, tenants.json alone. `change` sees this host's tenants only.
 *
 * The order is what keeps the two stores in step: a tenants.json that cannot be written (full or
 * read-only disk) fails inside the transaction, so PostgreSQL rolls back and nothing is stored
 * anywhere. Were the file written after the commit, PostgreSQL (and every other host's brain) would
 * hold a change this host's gateways, console and the caller were told had failed. If the commit
 * itself fails, tenants.json is put back as it was.
 */
export function updateTenants<T>(config: Pick<Config, 'paths' | 'WR_DATABASE_URL' | 'WR_HOST'>, change: RegistryChange<T>): Promise<T> {
  const url = config.WR_DATABASE_URL;
  if (!url) return updateRegistry(config.paths, change);
  const host = registryHost(config);
  const paths = config.paths;
  return withRegistryDb(url, (db) =>
    withRegistryLock(paths, async () => {
      const local = readRegistry(paths);
      const before = readFileIfExists(paths.registry);
      let undo: RegistryOutcome<T>['undo'];
      let rewritten = false;
      try {
        return await db.write(async (tx) => {
          const outcome = await change(await hostTenants(tx, host, local));
          undo = outcome.undo;
          await storeHostTenants(tx, host, outcome.tenants);
          const text = registryText(outcome.tenants);
          // Unchanged: a write that cannot change anything must not fail.
          if (text !== before) {
            writeRegistryText(paths, text);
            rewritten = true;
          }
          return outcome.result;
        });
      } catch (err) {
        // Nothing of the change is in PostgreSQL: tenants.json must not hold it either.
        const failure = rewritten ? (restoreRegistry(paths, before, err as Error) ?? err) : err;
        throw undo ? await undo(failure as Error) : failure;
      }
    }),
  );
}

/**
 * Puts tenants.json back as `before` after PostgreSQL failed to commit a change it had been
 * rewritten with; when even that fails, resolves to the error that says so (the caller still puts
 * back what the change did besides).
 */
function restoreRegistry(paths: Pick<Config, 'paths'>['paths'], before: string | undefined, commitErr: Error): RegistryError | undefined {
  try {
    if (before === undefined) fs.rmSync(paths.registry, { force: true });
    else writeRegistryText(paths, before);
    return undefined;
  } catch (err) {
    return new RegistryError(
      `the shared registry on PostgreSQL did not store the change (${commitErr.message}), and ${paths.registry} could not be put back as it was (${(err as Error).message}): it lists the change on this host only; fix the cause, then run wr-console db migrate all, which rewrites it from the shared registry`,
    );
  }
}

/** Publishes this host's tenants.json to the shared registry (`db migrate`); resolves to how many it holds for this host. */
export async function publishRegistry(config: Pick<Config, 'paths' | 'WR_DATABASE_URL' | 'WR_HOST'>): Promise<number> {
  return updateTenants(config, (tenants) => ({ tenants, result: tenants.length }));
}

/**
 * The brain's registry on PostgreSQL: every host's tenants, so any brain instance on any host
 * authenticates any tenant's key. This host's tenants come from its tenants.json, which every
 * change of them rewrites as it commits, so a key rotated or a tenant removed here is refused at
 * once (and tenants registered before the shared registry existed are served); the other hosts'
 * come from PostgreSQL, re-read every `intervalMs`, keeping the last good copy while it cannot be read.
 */
export class SharedRegistryView implements TenantDirectory {
  private others = new Map<string, Tenant>();
  private timer?: NodeJS.Timeout;
  private failing = false;
  /** A slow read (PostgreSQL stalling) must not pile up others behind it. */
  private reading = false;
  private db?: PgDatabase;

  constructor(
    private readonly server: PgServer,
    private readonly host: string,
    private readonly local: RegistryView,
    private readonly onError: (err: Error) => void = () => {},
    private readonly intervalMs = 2_000,
  ) {}

  /** The first read (awaited, so a fresh brain knows every tenant), then one every interval. */
  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.intervalMs).unref();
  }

  async refresh(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      this.db ??= await openRegistryDb(this.server);
      const rows = await this.db.all<Row>(`SELECT ${COLUMNS} FROM tenants WHERE host <> ?`, [this.host]);
      const next = new Map<string, Tenant>();
      for (const row of rows) {
        try {
          next.set(row.id, toTenant(row));
        } catch (err) {
          this.onError(new RegistryError(`wr_registry.tenants row "${row.id}" is invalid (${(err as Error).message}); it is ignored`));
        }
      }
      this.others = next;
      this.failing = false;
    } catch (err) {
      if (!this.failing) this.onError(new RegistryError(`the shared registry on PostgreSQL cannot be read (${(err as Error).message}); keeping the last good copy`));
      this.failing = true;
    } finally {
      this.reading = false;
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Rebuilt only when either part changed: authentication reads it on every request. */
  private merged: { mine: readonly Tenant[]; others: Map<string, Tenant>; all: readonly Tenant[] } | undefined;

  list(): readonly Tenant[] {
    const mine = this.local.list();
    if (this.merged?.mine !== mine || this.merged.others !== this.others) {
      const ids = new Set(mine.map((t) => t.id));
      this.merged = { mine, others: this.others, all: [...mine, ...[...this.others.values()].filter((t) => !ids.has(t.id))] };
    }
    return this.merged.all;
  }

  get(id: string): Tenant | undefined {
    return this.local.get(id) ?? this.others.get(id);
  }
}

/** Puts a profile back as it was before a save. */
type PutBack = () => Promise<void> | void;

/** The registry could not take a profile's new name; `rolledBack` says whether the profile was put back as it was. */
export class RenameFailed extends RegistryError {
  constructor(
    message: string,
    readonly rolledBack: boolean,
  ) {
    super(message);
    this.name = 'RenameFailed';
  }
}

/**
 * Writes a tenant's profile and gives the tenant the profile's name in the registry, under the
 * registry's lock: the profile is the business's own record, and `tenant list`, the console and the
 * monitor's alerts read the registry, so the two must never disagree. `write` runs first; if it
 * fails, the registry is not touched. If the registry then cannot be stored, the function `write`
 * returned puts the profile back, and the caller gets a RenameFailed saying so (or saying that the
 * two disagree until the next change, when even that failed). A function for `name` is read under
 * the lock, after `write`: a rename that waited for the lock must not put back a name a later
 * change replaced. Resolves to the old name when the name changed.
 */
export function saveProfileNamed(
  config: Pick<Config, 'paths' | 'WR_DATABASE_URL' | 'WR_HOST'>,
  id: string,
  nameOrCurrent: string | (() => string),
  write: () => Promise<PutBack | void> | PutBack | void,
): Promise<string | undefined> {
  return updateTenants(config, async (tenants) => {
    const putBack = await write();
    const name = typeof nameOrCurrent === 'function' ? nameOrCurrent() : nameOrCurrent;
    const before = tenants.find((t) => t.id === id);
    // Another host's tenant (shared registry): that host's registry names it.
    if (!before || before.name === name) return { tenants, result: undefined };
    const undo = async (err: Error): Promise<Error> => {
      const why = `the registry could not be written to list ${id} as "${name}" (${err.message})`;
      try {
        if (!putBack) throw new Error('nothing to put it back with');
        await putBack();
      } catch (undoErr) {
        return new RenameFailed(
          `${why}, and the profile could not be put back (${(undoErr as Error).message}): the profile names the business "${name}" while tenant list shows "${before.name}" until the next change of the profile; fix the cause and save the profile again`,
          false,
        );
      }
      return new RenameFailed(`${why}; the profile was put back as it was, so nothing changed: fix the cause and try again`, true);
    };
    return { tenants: tenants.map((t) => (t.id === id ? { ...t, name } : t)), result: before.name, undo };
  });
}
