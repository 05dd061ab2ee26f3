import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { projectRoot } from '../../core/paths.js';
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
