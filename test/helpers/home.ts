import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { loadConfig, type Config } from '../../core/config.js';
import { projectRoot } from '../../core/paths.js';
import { runCli } from '../../console/cli/run.js';

export interface TestHome {
  home: string;
  env: NodeJS.ProcessEnv;
  config: Config;
  cleanup(): void;
}

/**
 * A private WR_HOME in a temp dir, with an environment that points every program at it. The brain,
 * the monitor and the tenants' gateways get free ports unless the test sets them: the defaults
 * (3000, 3001, 2900) belong to a running demo or to a parallel suite.
 */
export function makeHome(extraEnv: Record<string, string> = {}): TestHome {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'wr-test-'));
  const unset = PORT_SETTINGS.filter((k) => extraEnv[k] === undefined);
  const ports = Object.fromEntries(freePortsSync(unset.length).map((port, i) => [unset[i], String(port)]));
  // A private PM2_HOME too: a test must never touch the operator's PM2 daemon.
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, WR_HOME: home, PM2_HOME: path.join(home, 'pm2'), LOG_LEVEL: 'silent', ...ports, ...extraEnv };
  // Settings go in wr.env, as an operator's do: the CLI refuses shell settings that wr.env does not hold.
  const settings = Object.entries(env).filter(([k, v]) => v !== undefined && !['PATH', 'HOME', 'WR_HOME', 'PM2_HOME', 'WR_DEMO', 'LOG_LEVEL'].includes(k));
  fs.writeFileSync(path.join(home, 'wr.env'), settings.map(([k, v]) => `${k}=${JSON.stringify(v)}\n`).join(''), { mode: 0o600 });
  return { home, env, config: loadConfig(env, { alerts: false }), cleanup: () => fs.rmSync(home, { recursive: true, force: true }) };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI in-process: same code path as the binary, minus process start-up. */
export async function cli(env: NodeJS.ProcessEnv, ...argv: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, env);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

/** The built wr-console binary in a child process (needs `npm run build`). */
export function cliProcess(env: NodeJS.ProcessEnv, ...argv: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(projectRoot, 'dist/console/main.js'), ...argv], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: stdout.trim(), stderr: stderr.trim() }));
  });
}

export const exampleProfile = path.join(projectRoot, 'examples/demo-dental.yaml');

const PORT_SETTINGS = ['BRAIN_PORT', 'MONITOR_PORT', 'WR_PORT_BASE'] as const;

/** Distinct ports nothing listens on right now, for makeHome, which must stay synchronous. */
function freePortsSync(n: number): number[] {
  if (n === 0) return [];
  // Held open together while chosen, so the kernel never hands out the same port twice.
  const script = `const net=require('node:net');const s=Array.from({length:${n}},()=>net.createServer());
Promise.all(s.map((x)=>new Promise((r)=>x.listen(0,'127.0.0.1',r)))).then(()=>{process.stdout.write(s.map((x)=>x.address().port).join(' '));s.forEach((x)=>x.close())})`;
  return execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).split(' ').map(Number);
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
