// The brain's data layer on its hot path: chat turns through the ChatService and the rule engine,
// in process (no HTTP), 10 tenants, 32 turns in flight. Each turn reads the idempotency record and
// the conversation, may read bookings, and records itself in one transaction.
//
//   node bench/data.mjs                  this checkout's build (npm run build first)
//   node bench/data.mjs <root> [<root>…] several builds side by side, rounds interleaved,
//                                       e.g. a `git archive` of the commit before a change
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeHome, MESSAGES, percentile, root } from './lib.mjs';

const TENANTS = 10;
const IN_FLIGHT = 32;
const TURNS = 5000;
const ROUNDS = 3;

/** One round in a fresh process: `root`'s build against a fresh home. */
async function round(buildRoot, home) {
  const dist = (p) => path.join(buildRoot, 'dist', p);
  const { loadConfig } = await import(dist('core/config.js'));
  const { createLogger } = await import(dist('core/logger.js'));
  const { RegistryView } = await import(dist('core/registry.js'));
  const { Tenants } = await import(dist('brain/tenants.js'));
  const { ChatService } = await import(dist('brain/services/chat.js'));
  const { RuleEngine } = await import(dist('brain/receptionist/rule-engine.js'));
  const config = loadConfig({ ...process.env, WR_HOME: home });
  const log = createLogger('bench', 'warn');
  const tenants = new Tenants(config.paths, new RegistryView(config.paths), log);
  const chat = new ChatService(new RuleEngine(), log);
  const ids = tenants.registry.list().map((t) => t.id);
  for (const id of ids) await chat.warm(await tenants.get(id));
  // Each sender's turns run one at a time in the service: spread them, as real customers are.
  const turn = async (i) => {
    const tenant = await tenants.get(ids[i % ids.length]);
    const started = performance.now();
    await chat.handle(tenant, { message: MESSAGES[i % MESSAGES.length], sender: `+3460${String(i % 3000).padStart(7, '0')}`, messageId: `b-${i}`, timestamp: '2026-03-16T10:00:00Z' });
    return performance.now() - started;
  };
  for (let i = 0; i < 500; i++) await turn(TURNS + i); // warm the code paths
  const latencies = [];
  let next = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < TURNS) latencies.push(await turn(next++));
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const { user, system } = process.cpuUsage(cpu);
  await tenants.closeAll();
  latencies.sort((a, b) => a - b);
  // CPU per turn (every thread: SQLite runs on libuv's pool) is the steadier figure on a shared machine.
  return { turnsPerSecond: TURNS / seconds, cpuMsPerTurn: (user + system) / 1000 / TURNS, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

if (process.argv[2] === '--round') {
  // The last line: a build may log to stdout before it.
  process.stdout.write(`\n${JSON.stringify(await round(process.argv[3], process.argv[4]))}\n`);
  process.exit(0);
}

/** Tenants added by the build's own CLI with its own demo profile, so every build reads them. */
function addTenantsWith(buildRoot, env) {
  for (let i = 0; i < TENANTS; i++) {
    const args = [path.join(buildRoot, 'dist/console/main.js'), 'tenant', 'add', `t${String(i).padStart(3, '0')}`, '--profile', path.join(buildRoot, 'examples/demo-dental.yaml'), '--transport', 'simulator'];
    const r = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tenant add failed for ${buildRoot}: ${r.stderr}`);
  }
}

const roots = process.argv.length > 2 ? process.argv.slice(2).map((r) => path.resolve(r)) : [root];
const results = new Map(roots.map((r) => [r, []]));
console.log(`data layer hot path: ${TURNS} chat turns, ${TENANTS} tenants, ${IN_FLIGHT} in flight, ${ROUNDS} rounds per build, interleaved`);
for (let r = 0; r < ROUNDS; r++) {
  for (const buildRoot of roots) {
    const h = await makeHome();
    try {
      addTenantsWith(buildRoot, h.env);
      const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--round', buildRoot, h.home], { encoding: 'utf8', env: { ...h.env, LOG_LEVEL: 'warn' } });
      if (child.status !== 0) throw new Error(`round failed for ${buildRoot}: ${child.stderr}`);
      results.get(buildRoot).push(JSON.parse(child.stdout.trim().split('\n').at(-1)));
    } finally {
      h.cleanup();
    }
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [buildRoot, rs] of results) {
  const tps = rs.map((x) => x.turnsPerSecond);
  console.log(
    `  ${buildRoot}: median ${median(tps).toFixed(0)} turns/s (rounds ${tps.map((x) => x.toFixed(0)).join(', ')}), CPU ${median(rs.map((x) => x.cpuMsPerTurn)).toFixed(3)} ms/turn, p50 ${median(rs.map((x) => x.p50)).toFixed(1)} ms, p99 ${median(rs.map((x) => x.p99)).toFixed(1)} ms`,
  );
}
