// Scale: 100 simulator tenants started under PM2 (time until every gateway is connected, total
// memory), and the console's frame time with 100 tenants.
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { makeHome, root, sleep, wr } from './lib.mjs';

function pm2(env, ...args) {
  return spawnSync(process.execPath, [path.join(root, 'node_modules/pm2/bin/pm2'), ...args], { env, encoding: 'utf8' }).stdout;
}

export async function benchScale({ tenants = 100 } = {}) {
  const h = await makeHome({ MONITOR_INTERVAL_MS: 10_000 });
  try {
    for (let i = 0; i < tenants; i++) wr(h.env, 'tenant', 'add', `s${String(i).padStart(3, '0')}`, '--name', `Shop ${i}`, '--transport', 'simulator');
    const registry = JSON.parse(fs.readFileSync(path.join(h.home, 'tenants.json'), 'utf8')).tenants;
    const started = Date.now();
    wr({ ...h.env, WR_DEMO: '1' }, 'start');
    let healthy = 0;
    while (Date.now() - started < 300_000) {
      const states = await Promise.all(registry.map((t) => fetch(`http://127.0.0.1:${t.port}/health`).then((r) => r.json(), () => null)));
      healthy = states.filter((s) => s?.status === 'connected').length;
      if (healthy === registry.length) break;
      await sleep(500);
    }
    const secondsToHealthy = (Date.now() - started) / 1000;
    await sleep(3000);
    const list = JSON.parse(pm2(h.env, 'jlist').replace(/^[^[]*/, ''));
    const totalRssMb = list.reduce((sum, p) => sum + (p.monit?.memory ?? 0), 0) / 1024 / 1024;
    pm2(h.env, 'kill');
    return { tenants, healthy, secondsToHealthy, processes: list.length, totalRssMb };
  } finally {
    h.cleanup();
  }
}

/**
 * Renders the real App over a fake backend with `n` tenants; the time per frame after a change,
 * as wall time and as this process's CPU time (on a busy shared box the wall time mostly measures
 * the other processes). `build` is the root of the build to measure (another checkout, to compare).
 */
export async function benchConsoleFrame({ tenants = 100, frames = 50, build = root } = {}) {
  // As wr-console does before it loads React.
  process.env.NODE_ENV ??= 'production';
  const { createRequire } = await import('node:module');
  // The build's own Ink and React: the ones its App renders with.
  const requireFrom = createRequire(path.join(build, 'package.json'));
  const { render } = await import(requireFrom.resolve('ink'));
  const React = (await import(requireFrom.resolve('react'))).default;
  const { App } = await import(path.join(build, 'dist/console/tui/App.js'));
  const rows = Array.from({ length: tenants }, (_, i) => ({
    id: `s${String(i).padStart(3, '0')}`, name: `Shop ${i}`, port: 3000 + i, transport: 'simulator', pm2: 'online', restarts: 0, uptimeSince: Date.now(), wa: i % 7 ? 'connected' : 'qr',
    handoff: false, messagesToday: i, backlog: 0, failed: 0, lastSeen: new Date().toISOString(), lastDisconnect: null, parkedReason: null, escalations: 0,
  }));
  let state = { at: Date.now(), host: 'bench', pm2: 'connected', brain: { pm2: 'online', healthy: true }, monitor: { pm2: 'online' }, rows, qr: {}, crashes: {}, lastErrors: {}, alertsConfigured: true, incidents: [], escalations: [], warnings: [], bus: 'live' };
  const listeners = new Set();
  // A full log beside the table (160 columns): 500 pino lines, some longer than the pane.
  const logs = Array.from({ length: 500 }, (_, i) => ({ at: i, process: 's000', stream: 'out', text: `2026-11-28T16:46:00: ${JSON.stringify({ level: i % 50 ? 30 : 50, time: Date.now(), pid: 1, hostname: 'h', name: 'wr-gw-s000', msg: `message ${i} ${'x'.repeat(i % 120)}` })}` }));
  const backend = { snapshot: () => state, logs: () => (process.env.NOLOGS ? [] : logs), subscribe: (l) => (listeners.add(l), () => listeners.delete(l)) };
  const stdout = Object.assign(new EventEmitter(), { columns: 160, rows: 50, isTTY: true, write: () => true });
  const stdin = Object.assign(new EventEmitter(), { isTTY: true, setRawMode() {}, setEncoding() {}, read: () => null, ref() {}, unref() {}, resume() {}, pause() {} });
  const app = render(React.createElement(App, { backend, tickMs: 3_600_000 }), { stdout, stdin, patchConsole: false, exitOnCtrlC: false, debug: true });
  await sleep(200);
  const times = [];
  const cpu = [];
  for (let f = 0; f < frames; f++) {
    state = { ...state, at: Date.now(), rows: state.rows.map((r, i) => (i === f % tenants ? { ...r, messagesToday: r.messagesToday + 1 } : r)) };
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (const l of listeners) l();
    app.rerender(React.createElement(App, { backend, tickMs: 3_600_000 }));
    const c = process.cpuUsage(c0);
    times.push(performance.now() - t0);
    cpu.push((c.user + c.system) / 1000);
    await sleep(5);
  }
  app.unmount();
  const p50 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { tenants, frames, p50Ms: p50(times), maxMs: Math.max(...times), cpuP50Ms: p50(cpu) };
}

/** CPU seconds a process (and its children) used so far, from /proc. */
function cpuSeconds(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime, stime, cutime, cstime (fields 14-17 of stat; here from the state field on).
  return fields.slice(11, 15).reduce((s, x) => s + Number(x), 0) / 100;
}

/**
 * Idle CPU of the console beside `pm2 monit`, each alone in a terminal (tmux) for `seconds` over
 * the same running installation (`tenants` simulator tenants, the brain and the monitor).
 */
export async function benchConsoleIdle({ tenants = 20, seconds = 30 } = {}) {
  const h = await makeHome();
  const session = `wr-idle-${process.pid}`;
  const tmux = (...args) => spawnSync('tmux', args, { encoding: 'utf8' });
  try {
    for (let i = 0; i < tenants; i++) wr(h.env, 'tenant', 'add', `i${String(i).padStart(3, '0')}`, '--name', `Shop ${i}`, '--transport', 'simulator');
    wr({ ...h.env, WR_DEMO: '1' }, 'start');
    await sleep(10_000);
    const env = Object.entries(h.env).map(([k, v]) => `'${k}=${v}'`).join(' ');
    const measure = async (command) => {
      tmux('new-session', '-d', '-s', session, '-x', '160', '-y', '50', `env -u CI ${env} ${command}`);
      await sleep(5_000);
      const pid = Number(tmux('list-panes', '-t', session, '-F', '#{pane_pid}').stdout.trim());
      // The pane runs env, which execs the program: the same pid.
      const before = cpuSeconds(pid);
      await sleep(seconds * 1000);
      const used = cpuSeconds(pid) - before;
      tmux('kill-session', '-t', session);
      await sleep(500);
      return (100 * used) / seconds;
    };
    const consolePct = await measure(`${process.execPath} ${path.join(root, 'dist/console/main.js')}`);
    const monitPct = await measure(`${process.execPath} ${path.join(root, 'node_modules/pm2/bin/pm2')} monit`);
    return { tenants, seconds, consolePct, monitPct };
  } finally {
    tmux('kill-session', '-t', session);
    pm2(h.env, 'kill');
    h.cleanup();
  }
}
