import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadConfig } from '../../core/config.js';
import { projectRoot } from '../../core/paths.js';
import type { Pm2Client } from '../../core/pm2/client.js';
import type { LiveBackend } from '../../console/tui/backend.js';
import { cliProcess, makeHome, type TestHome } from './home.js';

export interface Stack {
  home: TestHome;
  brainPort: number;
  portBase: number;
  /** Runs wr-console (the built binary) against this stack. */
  wr(...argv: string[]): ReturnType<typeof cliProcess>;
  stop(): Promise<void>;
}

/**
 * A private wr installation for PM2-level tests: temp WR_HOME with its own ports in wr.env (the
 * only configuration PM2's processes see) and a private PM2_HOME, so the operator's daemon is
 * never touched. stop() kills this PM2 daemon.
 */
export async function makeStack(extraEnv: Record<string, string> = {}): Promise<Stack> {
  const home = makeHome(extraEnv);
  fs.appendFileSync(home.config.paths.envFile, 'GATEWAY_SEND_PER_MINUTE=600\n');
  return {
    home,
    brainPort: home.config.BRAIN_PORT,
    portBase: home.config.WR_PORT_BASE,
    wr: (...argv) => cliProcess(home.env, ...argv),
    async stop() {
      pm2Cli(home.env, 'kill');
      home.cleanup();
    },
  };
}

/** PM2's own CLI against a stack's PM2_HOME; returns its standard output. */
export function pm2Cli(env: NodeJS.ProcessEnv, ...args: string[]): string {
  return spawnSync(process.execPath, [path.join(projectRoot, 'node_modules/pm2/bin/pm2'), ...args], { env, encoding: 'utf8', timeout: 30_000 }).stdout;
}

/** The processes PM2 manages for a stack, as `pm2 jlist` reports them. */
export function pm2Processes(env: NodeJS.ProcessEnv): { name: string; pid: number; pm2_env: { status: string } }[] {
  const out = pm2Cli(env, 'jlist');
  return JSON.parse(out.slice(out.indexOf('[')));
}

/**
 * The console's live backend over a stack's PM2 daemon, as the TUI opens it. PM2 reads PM2_HOME when
 * first imported, so this worker is pointed at the stack's daemon before PM2 is loaded.
 */
export async function openLiveBackend(stack: Stack): Promise<{ pm2: Pm2Client; backend: LiveBackend }> {
  process.env.PM2_HOME = stack.home.env.PM2_HOME;
  const { Pm2Client } = await import('../../core/pm2/client.js');
  const { LiveBackend } = await import('../../console/tui/backend.js');
  const pm2 = new Pm2Client();
  await pm2.connect();
  const backend = new LiveBackend(loadConfig(stack.home.env, { alerts: false }), stack.home.env, pm2);
  await backend.open();
  return { pm2, backend };
}
