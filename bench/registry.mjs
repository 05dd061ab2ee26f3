// The shared registry on PostgreSQL (WR_DATABASE_URL): what the brain pays to re-read the other
// hosts' tenants every 2 s and to look a tenant up per request, and what a registry change costs
// (PostgreSQL transaction + tenants.json rewrite) next to tenants.json alone.
//
//   node bench/registry.mjs [tenants]      (npm run build first)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Paths } from '../dist/core/paths.js';
import { RegistryView } from '../dist/core/registry.js';
import { openRegistryDb, SharedRegistryView, updateTenants } from '../dist/core/shared-registry.js';
import { PgServer } from '../dist/core/sql/postgres.js';
import { startPostgres } from './postgres.mjs';

const count = Number(process.argv[2] ?? 1000);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = async (fn) => {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
};

const cluster = await startPostgres();
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'wr-bench-registry-'));
try {
  const url = await cluster.database();
  const server = new PgServer(url);
  const db = await openRegistryDb(server);
  await db.write(async (tx) => {
    for (let i = 0; i < count; i++) {
      await tx.run('INSERT INTO tenants (id, host, name, port, transport, created_at, key_hash) VALUES (?, ?, ?, ?, ?, ?, ?)', [`t${i}`, `vps-${i % 5}`, `Shop ${i}`, 3000 + i, 'baileys', new Date().toISOString(), 'a'.repeat(64)]);
    }
  });
  const paths = new Paths(home);
  const view = new SharedRegistryView(server, 'here', new RegistryView(paths));
  const refreshes = [];
  for (let i = 0; i < 30; i++) refreshes.push(await time(() => view.refresh()));
  const lookups = 200_000;
  const lookup = await time(() => {
    for (let i = 0; i < lookups; i++) view.get(`t${i % count}`);
  });
  const listing = await time(() => {
    for (let i = 0; i < lookups; i++) view.list();
  });
  const changes = async (config) => {
    const ms = [];
    for (let i = 0; i < 20; i++) ms.push(await time(() => updateTenants(config, (tenants) => ({ tenants: [...tenants.filter((t) => t.id !== 'bench'), { id: 'bench', name: 'Bench', port: 2900, transport: 'simulator', createdAt: new Date().toISOString(), keyHash: String(i % 10).repeat(64) }], result: undefined }))));
    return median(ms);
  };
  const pgChange = await changes({ paths, WR_DATABASE_URL: url, WR_HOST: 'here' });
  const fileChange = await changes({ paths: new Paths(fs.mkdtempSync(path.join(home, 'sqlite-'))) });
  await server.close();
  console.log(`shared registry, ${count} tenants on other hosts:`);
  console.log(`  brain refresh (all rows, every 2 s): median ${median(refreshes).toFixed(2)} ms`);
  console.log(`  per request: get ${((lookup * 1e6) / lookups).toFixed(0)} ns, list (authentication) ${((listing * 1e6) / lookups).toFixed(0)} ns`);
  console.log(`  registry change: ${pgChange.toFixed(1)} ms on PostgreSQL + tenants.json, ${fileChange.toFixed(1)} ms tenants.json alone (median of 20)`);
} finally {
  cluster.stop();
  fs.rmSync(home, { recursive: true, force: true });
}
