import { afterEach } from 'vitest';
import { readRegistry } from '../../core/registry.js';
import type { GatewayRunOptions } from '../../gateway/server.js';
import { startTestBrain, type TestBrain } from './brain.js';
import { startTestGateway, type TestGateway } from './gateway.js';
import { cli, exampleProfile, freePort, makeHome, type TestHome } from './home.js';

/** What an end-to-end test runs: its private home, the brain, one tenant's gateway in this process. */
export interface BrainAndGateway {
  t: TestHome;
  brain: TestBrain | undefined;
  gw: TestGateway;
  /** Where the gateway calls the brain: reserved even when the brain is not up yet. */
  brainPort: number;
}

export interface BrainAndGatewayOptions {
  tenant: string;
  /** `tenant add`'s flags for it (or made from the home: a profile written there); the demo clinic's profile on the simulator unless given. */
  add?: string[] | ((t: TestHome) => string[]);
  /** More `tenant add` argument lists, added after it. */
  others?: string[][];
  /** Settings for the home (wr.env and the environment). */
  env?: Record<string, string>;
  /** A home made already, when the gateway's options need it before it starts. */
  home?: TestHome;
  /** false: the gateway starts with its brain down; start one on `brainPort` later. */
  brainUp?: boolean;
  /** The gateway on the port the registry gave the tenant (what `wr-console chat` calls), not a free one. */
  registryPort?: boolean;
  gateway?: GatewayRunOptions;
}

/** A private home with the tenant added, the brain (no rate limit to speak of) and the tenant's gateway. */
export async function startBrainAndGateway(opts: BrainAndGatewayOptions): Promise<BrainAndGateway> {
  const t = opts.home ?? makeHome({ ...opts.env });
  const add = typeof opts.add === 'function' ? opts.add(t) : opts.add;
  await cli(t.env, 'tenant', 'add', opts.tenant, ...(add ?? ['--profile', exampleProfile, '--transport', 'simulator']));
  for (const argv of opts.others ?? []) await cli(t.env, 'tenant', 'add', ...argv);
  const brainPort = await freePort();
  const brain = opts.brainUp === false ? undefined : await startTestBrain(t, { BRAIN_RATE_LIMIT: '100000' }, brainPort);
  const port = opts.registryPort ? readRegistry(t.config.paths).find((r) => r.id === opts.tenant)!.port : undefined;
  const gw = await startTestGateway(t, opts.tenant, `http://127.0.0.1:${brainPort}`, { ...(port ? { port } : {}), ...opts.gateway });
  return { t, brain, gw, brainPort };
}

interface Closable {
  close(): Promise<unknown>;
}

/**
 * After each test, closes what `running` names (the gateway first, so nothing it holds is lost,
 * then the brain, then the rest) and deletes the home; then `forget` clears the test file's own
 * variables, so the next test starts from none.
 */
export function closeAfterEach(
  running: () => { t: TestHome | undefined; gw: TestGateway | undefined; brain: TestBrain | undefined; others?: (Closable | undefined)[] },
  forget: () => void,
): void {
  afterEach(async () => {
    const { t, gw, brain, others = [] } = running();
    forget();
    await gw?.close();
    await brain?.close();
    for (const other of others) await other?.close();
    t?.cleanup();
  });
}
