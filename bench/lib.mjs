// Shared plumbing for the benchmarks: private installations, processes, and their memory.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cliPath = path.join(root, 'dist/console/main.js');

export function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** A temp WR_HOME with its own ports, its settings in wr.env (what PM2's processes read). */
export async function makeHome(settings = {}) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'wr-bench-'));
  const brainPort = await freePort();
  const portBase = 20000 + Math.floor(Math.random() * 20000);
  const all = { BRAIN_PORT: brainPort, MONITOR_PORT: await freePort(), WR_PORT_BASE: portBase, LOG_LEVEL: 'warn', BRAIN_RATE_LIMIT: 10_000_000, GATEWAY_SEND_PER_MINUTE: 6000, GATEWAY_SEND_BURST: 1000, ...settings };
  fs.writeFileSync(path.join(home, 'wr.env'), Object.entries(all).map(([k, v]) => `${k}=${v}`).join('\n') + '\n', { mode: 0o600 });
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, WR_HOME: home, PM2_HOME: path.join(home, 'pm2') };
  return { home, env, brainPort, brainUrl: `http://127.0.0.1:${brainPort}`, cleanup: () => fs.rmSync(home, { recursive: true, force: true }) };
}

export function wr(env, ...args) {
  const r = spawnSync(process.execPath, [cliPath, ...args], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`wr-console ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim();
}

export function addTenants(env, count, transport = 'simulator', prefix = 't') {
  const ids = [];
  for (let i = 0; i < count; i++) {
    const id = `${prefix}${String(i).padStart(3, '0')}`;
    wr(env, 'tenant', 'add', id, '--profile', path.join(root, 'examples/demo-dental.yaml'), '--transport', transport);
    ids.push(id);
  }
  return ids;
}

/**
 * Starts one of wr's programs as a child process, with the Node flags PM2 gives it in production,
 * and waits for its "ready".
 */
export async function startProgram(env, script, args = [], { stdout = 'ignore' } = {}) {
  const { GATEWAY_NODE_ARGS } = await import(path.join(root, 'dist/core/apps.js'));
  const nodeArgs = script.startsWith('gateway/') ? GATEWAY_NODE_ARGS : [];
  const child = spawn(process.execPath, [...nodeArgs, path.join(root, 'dist', script), ...args], { env, stdio: ['ignore', stdout, 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.on('message', (m) => m === 'ready' && resolve(child));
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

export function rssMb(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const MESSAGES = ['what are your opening hours?', 'where are you?', 'how much is a cleaning?', 'do you accept insurance?', 'hello', 'thanks!', 'can I book a check-up on friday at 10?', 'is there parking nearby?'];
