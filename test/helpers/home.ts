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
 * the monitor and the tenants' gateways (a whole block of GATEWAY_PORTS from WR_PORT_BASE) get free
 * ports unless the test sets them: the defaults (3000, 3001, 2900) belong to a running demo or to a
 * parallel suite.
 */
export function makeHome(extraEnv: Record<string, string> = {}): TestHome {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'wr-test-'));
  const ports = testPortsSync(extraEnv);
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

/**
 * Gateway ports are allocated from WR_PORT_BASE upward, one per tenant: the most tenants a test
 * registers at once is 8 (test/core/registry.test.ts), so a home's base must have that many free.
 */
export const GATEWAY_PORTS = 8;

/**
 * Free ports for the settings the test left unset: WR_PORT_BASE is the start of a block of
 * GATEWAY_PORTS ports nothing listens on; BRAIN_PORT and MONITOR_PORT lie outside it. Blocks are
 * aligned to GATEWAY_PORTS, so two homes' blocks are either the same (seen taken, skipped) or apart.
 * Synchronous (makeHome is): a child process chooses them, holding every port it chose open until
 * all are chosen, so the kernel never hands out the same port twice.
 */
function testPortsSync(extraEnv: Record<string, string>): Record<string, string> {
  const wantBase = extraEnv.WR_PORT_BASE === undefined;
  const others = (['BRAIN_PORT', 'MONITOR_PORT'] as const).filter((k) => extraEnv[k] === undefined);
  if (!wantBase && others.length === 0) return {};
  const script = `const net=require('node:net');const size=${GATEWAY_PORTS};
const listen=(port)=>new Promise((r)=>{const s=net.createServer();s.once('error',()=>r(null));s.listen({port,host:'127.0.0.1',exclusive:true},()=>r(s))});
(async()=>{const held=[];let base=0;
for(let tries=0;${wantBase}&&!base&&tries<200;tries++){const probe=await listen(0);const start=Math.floor(probe.address().port/size)*size;probe.close();
if(start<1024||start+size>65536)continue;const block=await Promise.all(Array.from({length:size},(_,i)=>listen(start+i)));
if(block.every(Boolean)){held.push(...block);base=start}else block.forEach((s)=>s&&s.close())}
if(${wantBase}&&!base){process.stderr.write('no block of '+size+' free ports found');process.exit(1)}
const extra=await Promise.all(Array.from({length:${others.length}},()=>listen(0)));held.push(...extra);
process.stdout.write(JSON.stringify({base,extra:extra.map((s)=>s.address().port)}));held.forEach((s)=>s.close())})()`;
  const { base, extra } = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as { base: number; extra: number[] };
  return { ...(wantBase ? { WR_PORT_BASE: String(base) } : {}), ...Object.fromEntries(others.map((k, i) => [k, String(extra[i])])) };
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
