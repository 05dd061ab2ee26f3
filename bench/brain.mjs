// Brain throughput and latency with the rule engine, against an Express hello-world on the same machine.
import autocannon from 'autocannon';
import fs from 'node:fs';
import path from 'node:path';
import { addTenants, freePort, makeHome, MESSAGES, startProgram } from './lib.mjs';

function run(opts) {
  return new Promise((resolve, reject) => autocannon(opts, (err, result) => (err ? reject(err) : resolve(result))));
}

function chatRequests(ids, keys) {
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
      const steady = await run({ url: h.brainUrl, connections: 32, duration: seconds, overallRate: 200, requests: chatRequests(ids, keys) });

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
        steady200: { rps: steady.requests.average, p50: steady.latency.p50, p99: steady.latency.p99, errors: steady.errors + steady.non2xx },
      };
    } finally {
      brain.kill('SIGTERM');
    }
  } finally {
    h.cleanup();
  }
}
