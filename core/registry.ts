import fs from 'node:fs';
import lockfile from 'proper-lockfile';
import { z } from 'zod';
import { ensureDir, writeFileAtomic } from './fs.js';
import { TENANT_ID_PATTERN, type Paths } from './paths.js';

export const TRANSPORTS = ['baileys', 'simulator'] as const;
export type Transport = (typeof TRANSPORTS)[number];

export const TenantSchema = z.object({
  id: z.string().regex(TENANT_ID_PATTERN),
  name: z.string().min(1).max(100),
  port: z.number().int().min(1).max(65535),
  transport: z.enum(TRANSPORTS),
  createdAt: z.string(),
  keyHash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type Tenant = z.infer<typeof TenantSchema>;

const RegistryFileSchema = z.object({ version: z.literal(1), tenants: z.array(TenantSchema) });

export class RegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistryError';
  }
}

function parseRegistry(file: string, text: string): Tenant[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new RegistryError(
      `${file} is not valid JSON (${(err as Error).message}); it was left untouched: repair it or restore it from a backup`,
    );
  }
  const parsed = RegistryFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new RegistryError(
      `${file} is not a wr registry (${issue.path.join('.') || 'root'}: ${issue.message}); it was left untouched: repair it or restore it from a backup`,
    );
  }
  const seen = new Set<string>();
  for (const t of parsed.data.tenants) {
    if (seen.has(t.id)) throw new RegistryError(`${file} lists tenant "${t.id}" twice; it was left untouched: repair it`);
    seen.add(t.id);
  }
  return parsed.data.tenants;
}

/** The registered tenants; an absent registry is an empty one, a corrupt one is an error. */
export function readRegistry(paths: Paths): Tenant[] {
  let text: string;
  try {
    text = fs.readFileSync(paths.registry, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new RegistryError(`cannot read ${paths.registry}: ${(err as Error).message}`);
  }
  return parseRegistry(paths.registry, text);
}

/** tenants.json's text for these tenants: sorted by id, so the same tenants always give the same text. */
export function registryText(tenants: readonly Tenant[]): string {
  const sorted = [...tenants].sort((a, b) => a.id.localeCompare(b.id));
  return `${JSON.stringify({ version: 1, tenants: sorted }, null, 2)}\n`;
}

export function writeRegistryText(paths: Paths, text: string): void {
  writeFileAtomic(paths.registry, text, 0o600);
}

/**
 * What a registry change makes of the tenants. `undo`, when given, runs under the lock if the new
 * registry cannot be stored: it puts back what the change did besides (a profile it wrote) and
 * gives the error the caller gets.
 */
export interface RegistryOutcome<T> {
  tenants: Tenant[];
  result: T;
  undo?: (err: Error) => Promise<Error>;
}
export type RegistryChange<T> = (tenants: Tenant[]) => Promise<RegistryOutcome<T>> | RegistryOutcome<T>;

/** Read-modify-write of tenants.json under the registry's lock (withRegistryLock). */
export function updateRegistry<T>(paths: Paths, change: RegistryChange<T>): Promise<T> {
  return withRegistryLock(paths, async () => {
    const read = readRegistry(paths);
    const { tenants, result, undo } = await change(read);
    try {
      // The very list it was given back: nothing changed, and a write that cannot change anything must not fail.
      if (tenants !== read) writeRegistryText(paths, registryText(tenants));
    } catch (err) {
      throw undo ? await undo(err as Error) : err;
    }
    return result;
  });
}

/**
 * Runs `work` under the registry's exclusive lock, so two CLI calls cannot lose each other's
 * change. The lock goes stale after 10 s, so a killed process cannot block wr forever.
 */
export async function withRegistryLock<T>(paths: Paths, work: () => Promise<T>): Promise<T> {
  ensureDir(paths.home);
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(paths.home, {
      lockfilePath: paths.registryLock,
      stale: 10_000,
      retries: { retries: 100, minTimeout: 10, maxTimeout: 200, randomize: true },
    });
  } catch (err) {
    throw new RegistryError(`the registry is locked by another wr command (${(err as Error).message}); try again`);
  }
  try {
    return await work();
  } finally {
    await release();
  }
}

/** The registered tenants as a long-running process sees them, read synchronously on every request. */
export interface TenantDirectory {
  list(): readonly Tenant[];
  get(id: string): Tenant | undefined;
}

/**
 * A registry view for long-running processes: re-reads tenants.json when its mtime or size changes,
 * so tenants added or removed with the CLI are seen at once without a restart. A corrupt file keeps
 * the last good view and reports the error once per change.
 */
export class RegistryView implements TenantDirectory {
  private tenants: Tenant[] = [];
  private byId = new Map<string, Tenant>();
  private stamp = '';

  constructor(
    private readonly paths: Paths,
    private readonly onError: (err: Error) => void = () => {},
  ) {}

  private refresh(): void {
    let stamp: string;
    try {
      const st = fs.statSync(this.paths.registry);
      stamp = `${st.mtimeMs}:${st.size}:${st.ino}`;
    } catch {
      stamp = 'absent';
    }
    if (stamp === this.stamp) return;
    const hadFile = this.stamp !== '' && this.stamp !== 'absent';
    this.stamp = stamp;
    if (stamp === 'absent' && hadFile) {
      // A registry that existed and vanished is being replaced or was deleted by mistake: serving
      // an empty one would refuse every tenant's messages in that window.
      this.onError(new RegistryError(`${this.paths.registry} is missing; keeping the last good copy until it is back`));
      return;
    }
    try {
      this.tenants = readRegistry(this.paths);
      this.byId = new Map(this.tenants.map((t) => [t.id, t]));
    } catch (err) {
      this.onError(err as Error);
    }
  }

  list(): readonly Tenant[] {
    this.refresh();
    return this.tenants;
  }

  get(id: string): Tenant | undefined {
    this.refresh();
    return this.byId.get(id);
  }
}
