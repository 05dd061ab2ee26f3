import fs from 'node:fs';
import type { Config } from '../../core/config.js';
import { ensureDir, readFileIfExists, writeFileAtomic } from '../../core/fs.js';
import { generateKey, hashKey, writeTenantKey } from '../../core/keys.js';
import { allocatePort, isPortFree } from '../../core/ports.js';
import { minimalProfile, profileToYaml, renameProfileYaml } from '../../core/profile.js';
import type { Tenant, Transport } from '../../core/registry.js';
import { updateTenants } from '../../core/shared-registry.js';
import { hasControl, invisibleIn, invisibleNameError } from '../../core/text.js';
import { OpsError } from './errors.js';
import { syncGateway } from './processes.js';

/** Adding a tenant, for `wr-console tenant add` and the console's `a` alike. */

export interface NewTenant {
  id: string;
  name: string;
  transport: Transport;
  port?: number;
  /** Profile YAML, already validated; without it a kept profile.yaml stays, or a minimal one is written; either is given `name`. */
  profileText?: string;
}

/** Registers a tenant under the registry lock: port, key, data folder, profile. Used by the CLI and the TUI. */
export async function registerTenant(config: Config, input: NewTenant): Promise<{ tenant: Tenant; reused: boolean }> {
  const { id, name, transport, port: requestedPort } = input;
  // The profile is given this name: one the profile would refuse must not reach a kept profile.yaml.
  if (!name.trim()) throw new OpsError('the business name is required: give the name customers know the business by');
  if (name.length > 100) throw new OpsError(`the business name is ${name.length} characters: at most 100 are accepted`);
  if (hasControl(name)) throw new OpsError('the business name has control characters or line breaks: give it as one line of plain text');
  const invisible = invisibleIn(name);
  if (invisible) throw new OpsError(invisibleNameError(invisible));
  const paths = config.paths;
  const reused = fs.existsSync(paths.tenantDir(id));
  const key = generateKey();
  const tenant = await updateTenants(config, async (tenants) => {
    if (tenants.some((t) => t.id === id)) throw new OpsError(`tenant "${id}" already exists`);
    const owners = new Map(tenants.map((t) => [t.port, t.id]));
    const reserved = new Set([...owners.keys(), config.BRAIN_PORT, config.MONITOR_PORT]);
    let port: number;
    if (requestedPort !== undefined) {
      if (owners.has(requestedPort)) throw new OpsError(`port ${requestedPort} is already assigned to tenant "${owners.get(requestedPort)}"`);
      if (requestedPort === config.BRAIN_PORT) throw new OpsError(`port ${requestedPort} is the brain's port (BRAIN_PORT)`);
      if (requestedPort === config.MONITOR_PORT) throw new OpsError(`port ${requestedPort} is the monitor's port (MONITOR_PORT)`);
      if (!(await isPortFree(requestedPort))) throw new OpsError(`port ${requestedPort} is in use by another program`);
      port = requestedPort;
    } else {
      port = await allocatePort(config.WR_PORT_BASE, reserved);
    }
    ensureDir(paths.tenantDir(id));
    writeTenantKey(paths, id, key);
    // The profile names the business wherever the registry's name is shown: the two must agree,
    // so a given or kept profile takes this name (its comments kept).
    const kept = readFileIfExists(paths.profile(id));
    const given = input.profileText ?? kept;
    const text = given === undefined ? profileToYaml(minimalProfile(name)) : renameProfileYaml(given, name);
    // A kept file as it was still becomes private, as every profile.yaml wr writes is.
    if (text !== kept) writeFileAtomic(paths.profile(id), text, 0o600);
    else fs.chmodSync(paths.profile(id), 0o600);
    const created: Tenant = { id, name, port, transport, createdAt: new Date().toISOString(), keyHash: hashKey(key) };
    return { tenants: [...tenants, created], result: created };
  });
  return { tenant, reused };
}

/** Registers a tenant and, when PM2 runs, starts its gateway (the console's `a`; the CLI prints between the two). */
export async function addTenant(config: Config, env: NodeJS.ProcessEnv, input: NewTenant, say: (line: string) => void): Promise<{ tenant: Tenant; reused: boolean }> {
  const added = await registerTenant(config, input);
  await syncGateway(config, env, added.tenant.id, true, say);
  return added;
}
