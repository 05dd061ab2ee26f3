import fs from 'node:fs';
import { HttpError } from '../core/http-errors.js';
import type { Logger } from '../core/logger.js';
import type { Paths } from '../core/paths.js';
import { minimalProfile, type Profile } from '../core/profile.js';
import type { Tenant, TenantDirectory } from '../core/registry.js';
import { DatabaseUnavailable } from '../core/sql/database.js';
import { tenantSchema, type PgServer } from '../core/sql/postgres.js';
import { TenantDb } from './db/tenant-db.js';
import { ProfileSource } from './services/profile-store.js';

/** What a request for one tenant works with. */
export interface TenantContext {
  tenant: Tenant;
  db: TenantDb;
  profiles: ProfileSource;
  profile: Profile;
}

interface OpenTenant {
  createdAt: string;
  ready: Promise<{ db: TenantDb; profiles: ProfileSource }>;
}

/**
 * Opens each tenant's database on first use and closes it when the tenant leaves the registry.
 * Keyed by id and creation time, so a tenant removed and added again gets a fresh database handle.
 */
export class Tenants {
  private readonly open = new Map<string, OpenTenant>();
  /** Tenants whose database is being replaced (a restore): closed, and refused with 503 until resumed. */
  private readonly suspended = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly paths: Paths,
    readonly registry: TenantDirectory,
    private readonly log: Logger,
    /** WR_DATABASE_URL's server: each tenant's data in its own schema there, and no tenant.db. */
    private readonly pg?: PgServer,
    /**
     * Gives a tenant its profile's business name in the registry (`tenant list`, the console, alerts):
     * `current` is read once the registry is locked, so a PUT that renamed meanwhile is not undone.
     */
    private readonly rename?: (id: string, current: () => string) => Promise<string | undefined>,
  ) {}

  async get(id: string): Promise<TenantContext | undefined> {
    // The gateway keeps the message and retries: nothing is lost while the file is replaced.
    if (this.suspended.has(id)) throw new HttpError(503, `tenant "${id}" is being restored; retry shortly`, undefined, { 'Retry-After': '2' });
    const tenant = this.registry.get(id);
    const entry = this.open.get(id);
    if (entry && entry.createdAt !== tenant?.createdAt) await this.close(id);
    if (!tenant) return undefined;
    let current = this.open.get(id);
    if (!current) {
      current = { createdAt: tenant.createdAt, ready: this.openTenant(tenant) };
      this.open.set(id, current);
      current.ready.catch(() => this.open.delete(id));
    }
    const { db, profiles } = await current.ready;
    const profile = await profiles.refresh();
    return { tenant, db, profiles, profile };
  }

  private async openTenant(tenant: Tenant): Promise<{ db: TenantDb; profiles: ProfileSource }> {
    const file = this.paths.tenantDb(tenant.id);
    // Serving such a tenant from an empty schema would look like a business that forgot everything.
    if (this.pg && fs.existsSync(file) && !(await this.pg.schemaExists(tenantSchema(tenant.id)))) {
      throw new DatabaseUnavailable(`tenant ${tenant.id} still has its data in ${file}, not on PostgreSQL: the operator must run wr-console db migrate ${tenant.id}`, 60);
    }
    const db = await TenantDb.open(this.pg ? { server: this.pg, tenant: tenant.id } : file);
    const profiles = new ProfileSource(
      this.paths.profile(tenant.id),
      db,
      minimalProfile(tenant.name),
      (err) => this.log.error({ tenant: tenant.id, err: err.message }, 'profile.yaml is invalid; serving the last valid profile'),
      // Not awaited: the registry's lock may be held by the very PUT or import that changed the file.
      () =>
        void this.rename?.(tenant.id, () => profiles.profile.name).then(
          // The old name, or undefined when the registry already listed this one (a PUT, another brain).
          (old) => old !== undefined && this.log.info({ tenant: tenant.id }, "the registry now lists the tenant under its profile's name"),
          (err: Error) => this.log.warn({ tenant: tenant.id, err: err.message }, "the profile's new name is not in the registry yet; it is tried again when profile.yaml changes or the brain restarts"),
        ),
    );
    this.log.info({ tenant: tenant.id }, 'tenant database opened');
    return { db, profiles };
  }

  /**
   * Closes a tenant's database so its file can be replaced; requests for it get 503 until
   * `resume`, or until `maxMs` passes (a restore that died must not leave the tenant unserved).
   */
  async suspend(id: string, maxMs = 120_000): Promise<void> {
    clearTimeout(this.suspended.get(id));
    this.suspended.set(id, setTimeout(() => this.resume(id), maxMs).unref());
    await this.close(id);
    this.log.info({ tenant: id }, 'tenant suspended for a restore');
  }

  /** Serves the tenant again; its database is opened afresh on the next request. */
  resume(id: string): void {
    clearTimeout(this.suspended.get(id));
    if (this.suspended.delete(id)) this.log.info({ tenant: id }, 'tenant resumed');
  }

  /** Closes databases of tenants that are no longer registered. */
  async sweep(): Promise<void> {
    await Promise.all([...this.open.keys()].filter((id) => !this.registry.get(id)).map((id) => this.close(id)));
  }

  private async close(id: string): Promise<void> {
    const entry = this.open.get(id);
    this.open.delete(id);
    if (!entry) return;
    try {
      const { db } = await entry.ready;
      await db.close();
      this.log.info({ tenant: id }, 'tenant database closed');
    } catch {
      // It never opened; nothing to close.
    }
  }

  get openCount(): number {
    return this.open.size;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.open.keys()].map((id) => this.close(id)));
  }
}
