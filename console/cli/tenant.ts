import fs from 'node:fs';
import type { Config } from '../../core/config.js';
import { readFileBounded, readFileIfExists, writeFileAtomic } from '../../core/fs.js';
import { generateKey, hashKey, readTenantKey, writeTenantKey } from '../../core/keys.js';
import { assertTenantId, InvalidTenantIdError } from '../../core/paths.js';
import { LIMITS, parseProfileYaml, ProfileError, type Profile } from '../../core/profile.js';
import { readRegistry, TRANSPORTS, type Tenant, type Transport } from '../../core/registry.js';
import { saveProfileNamed, updateTenants } from '../../core/shared-registry.js';
import { neutralise } from '../../core/text.js';
import { syncGateway } from '../ops/processes.js';
import { registerTenant } from '../ops/tenants.js';
import { CliError, confirmDestructive, parseCommand, type Output } from './command.js';

function tenantId(raw: string | undefined): string {
  try {
    return assertTenantId(raw);
  } catch (err) {
    if (err instanceof InvalidTenantIdError) throw new CliError(err.message);
    throw err;
  }
}

/** Reads and validates a profile file; returns its text (comments kept) and the parsed profile. */
function loadProfileFile(file: string): { text: string; profile: Profile } {
  let text: string;
  try {
    text = readFileBounded(file, LIMITS.bytes);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(code ? `cannot read profile ${file}: ${code}` : `profile not imported: ${(err as Error).message}; nothing was changed`);
  }
  try {
    return { text, profile: parseProfileYaml(text, file) };
  } catch (err) {
    if (err instanceof ProfileError) {
      throw new CliError(`invalid profile ${file} (${err.issues.length} problem${err.issues.length > 1 ? 's' : ''}); nothing was changed`, err.message.split('\n'));
    }
    throw err;
  }
}

function parsePort(raw: string): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1024 || port > 65535) throw new CliError(`invalid port "${raw}": use a number from 1024 to 65535`);
  return port;
}

const unknownTenant = (id: string) => new CliError(`no tenant "${id}" (see: wr-console tenant list)`);

/** A registered tenant, or an error that says where to see the ones there are. */
export function findTenant(config: Config, id: string): Tenant {
  const tenant = readRegistry(config.paths).find((t) => t.id === id);
  if (!tenant) throw unknownTenant(id);
  return tenant;
}

async function add(config: Config, argv: string[], io: Output, env: NodeJS.ProcessEnv): Promise<void> {
  const args = parseCommand(
    {
      usage: 'wr-console tenant add <id> --name <name> [--port N] [--transport baileys|simulator] [--profile FILE]',
      summary: 'Registers a tenant: allocates its gateway port, creates its key and data folder.',
      options: { name: { type: 'string' }, port: { type: 'string' }, transport: { type: 'string' }, profile: { type: 'string' } },
      optionHelp: [
        '--name NAME         the business name (defaults to the profile\'s name)',
        '--port N            the gateway port (default: the first free port from 2900)',
        '--transport T       baileys (a real WhatsApp number, the default) or simulator (demo, tests)',
        '--profile FILE      a business profile YAML to import (see examples/demo-dental.yaml)',
      ],
      positionals: { min: 1, max: 1 },
    },
    argv,
    io,
  );
  if (!args) return;
  const id = tenantId(args.positionals[0]);
  // Before the other checks: an existing id is the problem to report, not a missing --name.
  if (readRegistry(config.paths).some((t) => t.id === id)) throw new CliError(`tenant "${id}" already exists`);
  const transport = (args.values.transport ?? 'baileys') as Transport;
  if (!TRANSPORTS.includes(transport)) throw new CliError(`invalid transport "${transport}": use ${TRANSPORTS.join(' or ')}`);
  const requestedPort = typeof args.values.port === 'string' ? parsePort(args.values.port) : undefined;
  const file = typeof args.values.profile === 'string' ? loadProfileFile(args.values.profile) : undefined;
  const name = (typeof args.values.name === 'string' ? args.values.name.trim() : undefined) || file?.profile.name;
  if (!name) throw new CliError('missing --name: give the business name (or a --profile with one)');

  const { tenant, reused } = await registerTenant(config, { id, name, transport, port: requestedPort, profileText: file?.text });
  io.out(`added tenant ${tenant.id} "${neutralise(tenant.name)}": gateway port ${tenant.port}, transport ${tenant.transport}`);
  if (reused) io.out(`reusing the data kept in ${config.paths.tenantDir(id)}`);
  io.out(`data: ${config.paths.tenantDir(id)}`);
  io.out(`key:  wr-console tenant key ${id}`);
  await syncGateway(config, env, id, true, io.out);
}

async function list(config: Config, argv: string[], io: Output): Promise<void> {
  const args = parseCommand(
    { usage: 'wr-console tenant list [--json]', summary: 'Lists registered tenants.', options: { json: { type: 'boolean' } }, positionals: { min: 0, max: 0 } },
    argv,
    io,
  );
  if (!args) return;
  const tenants = readRegistry(config.paths).map(({ keyHash: _hidden, ...t }) => t);
  if (args.values.json) return io.out(JSON.stringify(tenants, null, 2));
  if (tenants.length === 0) return io.out('no tenants yet: wr-console tenant add <id> --name <name>');
  const rows = [['ID', 'NAME', 'PORT', 'TRANSPORT', 'CREATED'], ...tenants.map((t) => [t.id, neutralise(t.name), String(t.port), t.transport, t.createdAt.slice(0, 10)])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) io.out(r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
}

async function remove(config: Config, argv: string[], io: Output, env: NodeJS.ProcessEnv): Promise<void> {
  const args = parseCommand(
    {
      usage: 'wr-console tenant remove <id> [--purge [--yes]]',
      summary: 'Unregisters a tenant. Its data folder is kept unless --purge is given (which asks first).',
      options: { purge: { type: 'boolean' }, yes: { type: 'boolean' } },
      optionHelp: ['--purge             also delete the data folder (database, WhatsApp session, key); asks first', '--yes               with --purge: do not ask (scripts)'],
      positionals: { min: 1, max: 1 },
    },
    argv,
    io,
  );
  if (!args) return;
  const id = tenantId(args.positionals[0]);
  const dir = config.paths.tenantDir(id);
  const registered = readRegistry(config.paths).some((t) => t.id === id);
  // A tenant removed earlier keeps its folder, and its removal said --purge deletes it: so it does.
  if (!registered && !(args.values.purge && fs.existsSync(dir))) throw unknownTenant(id);
  if (args.values.purge) await confirmDestructive(`Delete ${dir}: ${id}'s database, WhatsApp session and key? This cannot be undone.`, args.values.yes === true);
  if (registered) {
    await updateTenants(config, (tenants) => {
      if (!tenants.some((t) => t.id === id)) throw unknownTenant(id);
      return { tenants: tenants.filter((t) => t.id !== id), result: undefined };
    });
    await syncGateway(config, env, id, false, io.out);
  }
  if (args.values.purge) {
    fs.rmSync(dir, { recursive: true, force: true });
    io.out(registered ? `removed tenant ${id} and deleted ${dir}` : `deleted ${dir}, kept since tenant ${id} was removed`);
  } else {
    io.out(`removed tenant ${id}; its data is kept in ${dir} (adding "${id}" again reuses it; --purge deletes it)`);
  }
}

async function key(config: Config, argv: string[], io: Output): Promise<void> {
  const args = parseCommand(
    {
      usage: 'wr-console tenant key <id> [--rotate]',
      summary: "Prints the tenant's API key (for Authorization: Bearer). --rotate replaces it; the old key stops working at once.",
      options: { rotate: { type: 'boolean' } },
      positionals: { min: 1, max: 1 },
    },
    argv,
    io,
  );
  if (!args) return;
  const id = tenantId(args.positionals[0]);
  if (args.values.rotate) {
    const fresh = generateKey();
    await updateTenants(config, (tenants) => {
      const tenant = tenants.find((t) => t.id === id);
      if (!tenant) throw unknownTenant(id);
      const before = readTenantKey(config.paths, id);
      writeTenantKey(config.paths, id, fresh);
      // A registry that cannot take the new hash keeps the old one: the key file must keep the old
      // key too, or the gateway (which reads it at start) and `tenant key` hold a key nothing accepts.
      const undo = async (err: Error): Promise<Error> => {
        try {
          if (before === undefined) fs.rmSync(config.paths.secret(id), { force: true });
          else writeTenantKey(config.paths, id, before);
        } catch (undoErr) {
          return new CliError(
            `the registry could not store ${id}'s new key (${err.message}), and ${config.paths.secret(id)} could not be put back (${(undoErr as Error).message}): it holds a key the brain refuses; fix the cause, then run wr-console tenant key ${id} --rotate`,
          );
        }
        return new CliError(`the registry could not store ${id}'s new key (${err.message}); the old key was kept and still works: fix the cause and rotate again`);
      };
      return { tenants: tenants.map((t) => (t.id === id ? { ...t, keyHash: hashKey(fresh) } : t)), result: undefined, undo };
    });
    return io.out(fresh);
  }
  findTenant(config, id);
  const stored = readTenantKey(config.paths, id);
  if (!stored) throw new CliError(`the key file ${config.paths.secret(id)} is missing: run wr-console tenant key ${id} --rotate`);
  io.out(stored);
}

async function importProfile(config: Config, argv: string[], io: Output): Promise<void> {
  const args = parseCommand(
    {
      usage: 'wr-console tenant import <id> FILE',
      summary: "Validates a business profile YAML and makes it the tenant's profile. A running brain applies it on its next request.",
      options: {},
      positionals: { min: 2, max: 2 },
    },
    argv,
    io,
  );
  if (!args) return;
  const id = tenantId(args.positionals[0]);
  findTenant(config, id);
  const { text, profile } = loadProfileFile(args.positionals[1]!);
  const file = config.paths.profile(id);
  const renamed = await saveProfileNamed(config, id, profile.name, () => {
    const before = readFileIfExists(file);
    writeFileAtomic(file, text, 0o600);
    return () => (before === undefined ? fs.rmSync(file, { force: true }) : writeFileAtomic(file, before, 0o600));
  });
  io.out(`imported "${neutralise(profile.name)}" into ${id}: ${profile.services.length} services, ${profile.faq.length} FAQ entries, timezone ${profile.timezone}`);
  if (renamed !== undefined) io.out(`${id} is now listed as "${neutralise(profile.name)}" (was "${neutralise(renamed)}")`);
}

const SUBCOMMANDS: Record<string, [string, (config: Config, argv: string[], io: Output, env: NodeJS.ProcessEnv) => Promise<void>]> = {
  add: ['register a tenant', add],
  list: ['list tenants', list],
  remove: ['unregister a tenant (data kept unless --purge)', remove],
  key: ["print or rotate a tenant's API key", key],
  import: ["replace a tenant's business profile from a YAML file", importProfile],
};

export async function tenantCommand(config: Config, argv: string[], io: Output, env: NodeJS.ProcessEnv): Promise<void> {
  const [sub, ...rest] = argv;
  const entry = sub ? SUBCOMMANDS[sub] : undefined;
  if (!entry) {
    const help = ['usage: wr-console tenant <command> [options]', '', 'commands:', ...Object.entries(SUBCOMMANDS).map(([n, [d]]) => `  ${n.padEnd(8)} ${d}`)];
    if (!sub || sub === '--help' || sub === '-h') return io.out(help.join('\n'));
    throw new CliError(`unknown tenant command "${sub}"`, help, 2);
  }
  await entry[1](config, rest, io, env);
}
