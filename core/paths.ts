import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Tenant ids end up in file paths and PM2 names, so they are checked before any path is built. */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;

export class InvalidTenantIdError extends Error {
  constructor(id: unknown) {
    super(
      `invalid tenant id ${JSON.stringify(id)}: use 1-32 lowercase letters, digits or dashes, starting with a letter or digit`,
    );
    this.name = 'InvalidTenantIdError';
  }
}

export function isTenantId(id: unknown): id is string {
  return typeof id === 'string' && TENANT_ID_PATTERN.test(id);
}

export function assertTenantId(id: unknown): string {
  if (!isTenantId(id)) throw new InvalidTenantIdError(id);
  return id;
}

/** The directory holding wr's package.json, whether we run from sources (vitest) or from dist/. */
function findProjectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      const { name } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string };
      if (name === 'wr') return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the wr project root (package.json named "wr")');
    dir = parent;
  }
}

export const projectRoot = findProjectRoot();

/** Every file wr reads or writes under WR_HOME, in one place. */
export class Paths {
  readonly home: string;

  constructor(home: string) {
    this.home = path.resolve(home);
  }

  get registry(): string {
    return path.join(this.home, 'tenants.json');
  }
  get registryLock(): string {
    return path.join(this.home, 'tenants.lock');
  }
  get adminKey(): string {
    return path.join(this.home, 'admin.key');
  }
  get envFile(): string {
    return path.join(this.home, 'wr.env');
  }
  get monitorDb(): string {
    return path.join(this.home, 'monitor.db');
  }
  get backups(): string {
    return path.join(this.home, 'backups');
  }
  /** The classifier's trained model when the installation's node_modules is read-only (brain/receptionist/model-cache.ts). */
  get modelCache(): string {
    return path.join(this.home, 'cache', 'wr-classifier');
  }
  get tenantsDir(): string {
    return path.join(this.home, 'tenants');
  }
  tenantDir(id: string): string {
    return path.join(this.tenantsDir, assertTenantId(id));
  }
  tenantDb(id: string): string {
    return path.join(this.tenantDir(id), 'tenant.db');
  }
  gatewayDb(id: string): string {
    return path.join(this.tenantDir(id), 'gateway.db');
  }
  /** Photos, videos and documents customers sent, within the profile's media quota. */
  mediaDir(id: string): string {
    return path.join(this.tenantDir(id), 'media');
  }
  /** Room a Baileys gateway reserves for messages it cannot store in gateway.db (gateway/spill.ts). */
  inboundSpill(id: string): string {
    return path.join(this.tenantDir(id), 'inbound.spill');
  }
  authDir(id: string): string {
    return path.join(this.tenantDir(id), 'auth');
  }
  secret(id: string): string {
    return path.join(this.tenantDir(id), 'secret');
  }
  profile(id: string): string {
    return path.join(this.tenantDir(id), 'profile.yaml');
  }
}

export function defaultHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.WR_HOME ? path.resolve(env.WR_HOME) : path.join(projectRoot, 'data');
}
