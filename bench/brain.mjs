// Brain throughput and latency with the rule engine, against an Express hello-world on the same machine.
import autocannon from 'autocannon';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { addTenants, freePort, makeHome, MESSAGES, percentile, sleep, startProgram } from './lib.mjs';

export function run(opts) {
  return new Promise((resolve, reject) => autocannon(opts, (err, result) => (err ? reject(err) : resolve(result))));
}

export function chatRequests(ids, keys) {
  let n = 0;
  return [
    {
      method: 'POST',
      path: '/api/chat',
      setupRequest(req) {
        const i = n++;
        const tenant = ids[i % ids.length];
        req.headers = { 'content-type': 'application/json', authorization: `Bearer ${keys[tenant]}`, 'x-client-id': tenant };
        req.body = JSON.stringify({ message: MESSAGES[i % MESSAGES.length], sender: `+3460${String(i % 100000).padStart(7, '0')}`, messageId: `bench-${process.pid}-${i}` });
        return req;
      },
    },
  ];
}

/**
 * A steady rate, evenly spaced, over 32 keep-alive connections; each latency counts from when the
 * request was due, so a stalled server cannot hide its backlog. (autocannon's overallRate
 * releases each connection's share at the top of every second: bursts of 32, not a steady rate.)
 */
async function steadyRate(url, ids, keys, rate, seconds) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const post = (tenant, body) =>
    new Promise((resolve) => {
      const req = http.request(`${url}/api/chat`, { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${keys[tenant]}`, 'x-client-id': tenant } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      });
      req.on('error', () => resolve(0));
      req.end(JSON.stringify(body));
    });
  const latencies = [];
  let errors = 0;
  const inflight = [];
  const started = performance.now();
  for (let i = 0; i < rate * seconds; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const tenant = ids[i % ids.length];
    const body = { message: MESSAGES[i % MESSAGES.length], sender: `+3462${String(i % 100000).padStart(7, '0')}`, messageId: `steady-${process.pid}-${i}` };
    inflight.push(post(tenant, body).then((status) => (status === 200 ? latencies.push(performance.now() - due) : errors++)));
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { rps: latencies.length / elapsed, p50: Math.round(percentile(latencies, 50)), p99: Math.round(percentile(latencies, 99)), errors };
}

export async function benchBrain({ seconds = 15 } = {}) {
  const h = await makeHome();
  try {
    const ids = addTenants(h.env, 10);
    const keys = Object.fromEntries(ids.map((id) => [id, fs.readFileSync(path.join(h.home, 'tenants', id, 'secret'), 'utf8').trim()]));
    const brain = await startProgram(h.env, 'brain/main.js');
    try {
      // Warm up: open every tenant database and train its classifier once.
      for (const id of ids) await fetch(`${h.brainUrl}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${keys[id]}`, 'x-client-id': id }, body: JSON.stringify({ message: 'hello', sender: '+34600000000' }) });
      const max = await run({ url: h.brainUrl, connections: 32, duration: seconds, requests: chatRequests(ids, keys) });
      const steady = await steadyRate(h.brainUrl, ids, keys, 200, seconds);

      const helloPort = await freePort();
      const { spawn } = await import('node:child_process');
      const hello = spawn(process.execPath, ['-e', `const e=require('express');const a=e();a.get('/',(q,s)=>s.send('hello world'));a.listen(${helloPort},'127.0.0.1',()=>process.send('ready'))`], { cwd: path.resolve('.'), stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      await new Promise((r) => hello.on('message', r));
      const base = await run({ url: `http://127.0.0.1:${helloPort}/`, connections: 32, duration: seconds });
      hello.kill();
      const errors = max.errors + max.non2xx;
      return {
        chat: { rps: max.requests.average, p50: max.latency.p50, p99: max.latency.p99, errors },
        hello: { rps: base.requests.average },
        ratio: max.requests.average / base.requests.average,
        steady200: steady,
      };
    } finally {
      brain.kill('SIGTERM');
    }
  } finally {
    h.cleanup();
  }
}
