// npm run bench: brain throughput and latency, end-to-end latency and losses, memory, and the
// receptionist's evaluation. Prints a table and writes bench/results.json.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { benchBackends, printBackends } from './backends.mjs';
import { benchBrain } from './brain.mjs';
import { benchEndToEnd } from './e2e.mjs';
import { root } from './lib.mjs';
import { benchLlm } from './llm.mjs';
import { benchMemory } from './memory.mjs';
import { benchConsoleFrame, benchConsoleIdle, benchScale } from './scale.mjs';

const only = process.argv.slice(2);
const want = (name) => only.length === 0 || only.includes(name);
const results = { machine: { node: process.version, cpus: (await import('node:os')).cpus().length }, at: new Date().toISOString() };
const f = (x, d = 1) => (typeof x === 'number' ? x.toFixed(d) : String(x));

if (want('brain')) {
  console.log('brain: 10 tenants, 32 connections, 15 s as fast as it goes, then a steady 200 messages/s…');
  const b = await benchBrain();
  results.brain = b;
  console.log(`  POST /api/chat      ${f(b.chat.rps, 0)} messages/s  p50 ${b.chat.p50} ms  p99 ${b.chat.p99} ms  errors ${b.chat.errors}`);
  console.log(`  express hello world ${f(b.hello.rps, 0)} requests/s   ratio ${f(b.ratio, 2)} (target ≥ 0.30)`);
  console.log(`  steady 200/s        ${f(b.steady200.rps, 0)} messages/s  p50 ${b.steady200.p50} ms  p99 ${b.steady200.p99} ms (target ≤ 50)  errors ${b.steady200.errors}`);
}
if (want('backends')) {
  console.log('data engines: the brain on SQLite (fork mode) and on a local PostgreSQL with 1 and 2 processes, 10 s each…');
  results.backends = await benchBackends();
  printBackends(results.backends);
}
if (want('e2e')) {
  console.log('end to end: 20 simulator gateways, 50 messages/s: the first 5 s after start, then 30 s measured…');
  const e = await benchEndToEnd();
  results.endToEnd = e;
  console.log(`  injected ${e.injected}, stored ${e.accepted}, answered ${e.replied}, lost ${e.lost}; inbound → reply p50 ${e.p50} ms  p99 ${e.p99} ms (target ≤ 100)`);
  console.log(`  first ${e.coldStart.seconds} s after start (cold code): ${e.coldStart.injected} injected, lost ${e.coldStart.lost}; p50 ${e.coldStart.p50} ms  p99 ${e.coldStart.p99} ms`);
}
if (want('llm')) {
  console.log('LLM engine against a local OpenAI-compatible server…');
  const l = await benchLlm();
  results.llm = l;
  console.log(`  one call after ten 4 KB messages: ${l.requestBytes} bytes (tools ${l.toolsBytes}, system ${l.systemBytes}, history ${l.historyBytes}; untrimmed history was ${l.untrimmedHistoryBytes})`);
  console.log(`  provider hanging, turn budget ${l.timeoutMs} ms: customers waited ${l.hangingWaitsMs.join(', ')} ms (breaker opens after 3 failures)`);
}
if (want('memory')) {
  console.log('memory…');
  const m = await benchMemory();
  results.memory = m;
  console.log(`  bare node ${f(m.bareNode)} MB; idle gateway (simulator) ${f(m.gatewaySimulator)} MB = ${f(m.ratio, 2)}× (target ≤ 2.0); with Baileys ${f(m.gatewayBaileys)} MB (target ≤ 90); brain with 100 tenants ${f(m.brain100Tenants)} MB`);
}
if (want('console')) {
  const c = await benchConsoleFrame();
  results.consoleFrame = c;
  console.log(`console: ${c.tenants} tenants, a frame after a change p50 ${f(c.p50Ms, 2)} ms (CPU ${f(c.cpuP50Ms, 2)} ms), max ${f(c.maxMs, 2)} ms (target ≤ 16)`);
}
if (want('console-idle')) {
  const c = await benchConsoleIdle();
  results.consoleIdle = c;
  console.log(`console idle, ${c.tenants} tenants, ${c.seconds} s each in tmux: wr-console ${f(c.consolePct)} % CPU, pm2 monit ${f(c.monitPct)} % (target: at or below pm2 monit)`);
}
if (want('scale')) {
  console.log('scale: 100 simulator tenants under PM2…');
  const s = await benchScale();
  results.scale = s;
  console.log(`  ${s.healthy}/${s.tenants} connected ${f(s.secondsToHealthy)} s after wr-console start (target ≤ 60); ${s.processes} processes, ${f(s.totalRssMb, 0)} MB in all`);
}
if (want('eval')) {
  console.log('receptionist evaluation…');
  const r = spawnSync('npx', ['vitest', 'run', 'test/eval'], { cwd: root, env: { ...process.env, EVAL_REPORT: '1', CI: 'false' }, encoding: 'utf8' });
  const accuracy = /accuracy: en\s+([\d.]+)%, es\s+([\d.]+)%; out of scope answered "unknown":\s+([\d.]+)%/.exec(r.stdout);
  const dialogues = /dialogues: (\d+)\/(\d+) succeeded/.exec(r.stdout);
  results.eval = { en: Number(accuracy?.[1]), es: Number(accuracy?.[2]), outOfScope: Number(accuracy?.[3]), dialogues: dialogues ? `${dialogues[1]}/${dialogues[2]}` : null };
  console.log(`  intent accuracy en ${results.eval.en}%, es ${results.eval.es}%; out of scope ${results.eval.outOfScope}%; dialogues ${results.eval.dialogues}`);
}
fs.writeFileSync(path.join(root, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log('written to bench/results.json');
process.exit(0);
