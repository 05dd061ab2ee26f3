// The brain on each data engine, side by side in one run: SQLite with the brain in fork mode, and
// PostgreSQL (a throwaway local cluster) with 1 and with 2 brain processes in PM2 cluster mode.
// Same load for each: 10 tenants, 32 connections, as fast as it goes.
//
//   node bench/backends.mjs [seconds]      (npm run build first; npm run bench runs it too)
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { chatRequests, run } from './brain.mjs';
import { addTenants, makeHome, root, sleep, wr } from './lib.mjs';
import { startPostgres } from './postgres.mjs';

const pm2 = (env, ...args) => spawnSync(process.execPath, [path.join(root, 'node_modules/pm2/bin/pm2'), ...args], { env, encoding: 'utf8', timeout: 30_000 });

async function measure(settings, seconds) {
  const h = await makeHome(settings);
  try {
    const ids = addTenants(h.env, 10);
    const keys = Object.fromEntries(ids.map((id) => [id, fs.readFileSync(path.join(h.home, 'tenants', id, 'secret'), 'utf8').trim()]));
    wr(h.env, 'start', 'brain');
    const deadline = Date.now() + 60_000;
    for (;;) {
      const ok = await fetch(`${h.brainUrl}/health`).then((r) => r.ok, () => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error('the brain did not start');
      await sleep(200);
    }
    // Warm up: every tenant opened and its classifier trained in every process.
    await run({ url: h.brainUrl, connections: 8, amount: 400, requests: chatRequests(ids, keys) });
    const r = await run({ url: h.brainUrl, connections: 32, duration: seconds, requests: chatRequests(ids, keys) });
    const errors = r.errors + r.non2xx + r.timeouts;
    return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors };
  } finally {
    pm2(h.env, 'kill');
    h.cleanup();
  }
}

export async function benchBackends({ seconds = 10 } = {}) {
  const cluster = await startPostgres();
  try {
    return {
      sqliteFork: await measure({}, seconds),
      postgres1: await measure({ WR_DATABASE_URL: await cluster.database() }, seconds),
      postgres2: await measure({ WR_DATABASE_URL: await cluster.database(), BRAIN_INSTANCES: 2 }, seconds),
    };
  } finally {
    cluster.stop();
  }
}

export function printBackends(b) {
  const line = (name, x) => `  ${name.padEnd(30)} ${x.rps.toFixed(0).padStart(5)} messages/s  p50 ${x.p50} ms  p99 ${x.p99} ms  errors ${x.errors}`;
  console.log(line('SQLite, brain in fork mode', b.sqliteFork));
  console.log(line('PostgreSQL, 1 brain process', b.postgres1));
  console.log(line('PostgreSQL, 2 brain processes', b.postgres2));
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const seconds = Number(process.argv[2] ?? 10);
  console.log(`data engines: 10 tenants, 32 connections, ${seconds} s each…`);
  printBackends(await benchBackends({ seconds }));
  process.exit(0);
}
