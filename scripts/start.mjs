#!/usr/bin/env node
// `npm start`: build if the sources changed, create the demo tenant when there is none, start
// everything under PM2 (simulator tenants pair by themselves), then open the console.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cliPath = path.join(root, 'dist/console/main.js');
const env = { ...process.env, WR_DEMO: '1' };

function newest(dir) {
  let latest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(p));
    else if (/\.tsx?$/.test(entry.name)) latest = Math.max(latest, fs.statSync(p).mtimeMs);
  }
  return latest;
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env, cwd: root, ...opts });
  if (r.status !== 0 && !opts.allowFail) process.exit(r.status ?? 1);
  return r;
}

const sources = Math.max(...['core', 'brain', 'gateway', 'monitor', 'console'].filter((d) => fs.existsSync(path.join(root, d))).map((d) => newest(path.join(root, d))));
if (!fs.existsSync(cliPath) || fs.statSync(cliPath).mtimeMs < sources) {
  console.log('building…');
  run('npm', ['run', 'build', '--silent']);
}

const listed = run(process.execPath, [cliPath, 'tenant', 'list', '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
if (JSON.parse(String(listed.stdout)).length === 0) {
  console.log('no tenant yet: adding "demo", a dental clinic on the WhatsApp simulator');
  run(process.execPath, [cliPath, 'tenant', 'add', 'demo', '--profile', path.join(root, 'examples/demo-dental.yaml'), '--transport', 'simulator']);
}

run(process.execPath, [cliPath, 'start']);
if (process.stdout.isTTY && process.stdin.isTTY) {
  run(process.execPath, [cliPath], { allowFail: true });
} else {
  console.log('wr is running. Open the console with: wr-console   (or: node dist/console/main.js)');
}
