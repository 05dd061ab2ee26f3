// End to end: simulator gateways for many tenants, messages injected at a fixed rate; latency from
// the gateway storing a message to the reply being sent, measured from the gateways' own databases.
// The first seconds after start are reported apart: every process is still running cold code.
import fs from 'node:fs';
import path from 'node:path';
import sqlite3 from 'sqlite3';
import { addTenants, makeHome, MESSAGES, percentile, sleep, startProgram } from './lib.mjs';

function query(file, sql, params = []) {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (err) => {
      if (err) return reject(err);
      db.all(sql, params, (e, rows) => db.close(() => (e ? reject(e) : resolve(rows))));
    });
  });
}

export async function benchEndToEnd({ tenants = 20, rate = 50, seconds = 30, coldSeconds = 5 } = {}) {
  const h = await makeHome();
  const children = [];
  try {
    const ids = addTenants(h.env, tenants);
    const registry = JSON.parse(fs.readFileSync(path.join(h.home, 'tenants.json'), 'utf8')).tenants;
    children.push(await startProgram(h.env, 'brain/main.js'));
    for (const id of ids) children.push(await startProgram({ ...h.env, WR_DEMO: '1' }, 'gateway/main.js', [id]));
    const port = Object.fromEntries(registry.map((t) => [t.id, t.port]));
    const key = Object.fromEntries(ids.map((id) => [id, fs.readFileSync(path.join(h.home, 'tenants', id, 'secret'), 'utf8').trim()]));
    const health = async (id) => (await fetch(`http://127.0.0.1:${port[id]}/health`)).json();
    const deadline = Date.now() + 30_000;
    while ((await Promise.all(ids.map(health))).some((x) => x.status !== 'connected')) {
      if (Date.now() > deadline) throw new Error('gateways did not pair');
      await sleep(200);
    }

    /** Injects `count` messages at `rate`/s, each to the next tenant; resolves with how many were stored. */
    async function inject(prefix, count) {
      let accepted = 0;
      const started = Date.now();
      const inflight = [];
      for (let i = 0; i < count; i++) {
        const wait = started + (i * 1000) / rate - Date.now();
        if (wait > 0) await sleep(wait);
        const id = ids[i % ids.length];
        inflight.push(
          fetch(`http://127.0.0.1:${port[id]}/simulate/inbound`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${key[id]}` },
            body: JSON.stringify({ from: `+3461${String(i % 500).padStart(7, '0')}`, text: MESSAGES[i % MESSAGES.length], id: `${prefix}${i}` }),
          }).then((r) => r.status === 202 && accepted++),
        );
      }
      await Promise.all(inflight);
      return accepted;
    }

    /** Inbound → reply latencies of the messages with this id prefix, waiting up to 20 s for stragglers. */
    async function latencies(prefix, accepted) {
      const settle = Date.now() + 20_000;
      for (;;) {
        const ms = [];
        for (const id of ids) {
          const rows = await query(
            path.join(h.home, 'tenants', id, 'gateway.db'),
            'SELECT CAST((julianday(s.sent_at) - julianday(i.created_at)) * 86400000 AS INTEGER) AS ms FROM inbox i JOIN outbox o ON o.inbox_id = i.id JOIN sim_outbox s ON s.wa_id = o.wa_id WHERE i.message_id LIKE ?',
            [`${prefix}%`],
          );
          ms.push(...rows.map((r) => r.ms));
        }
        if (ms.length >= accepted || Date.now() > settle) return ms.sort((a, b) => a - b);
        await sleep(500);
      }
    }

    const coldAccepted = await inject('COLD', rate * coldSeconds);
    const cold = await latencies('COLD', coldAccepted);
    const accepted = await inject('E2E', rate * seconds);
    const warm = await latencies('E2E', accepted);
    return {
      tenants, rate, seconds, injected: rate * seconds, accepted, replied: warm.length, lost: accepted - warm.length, p50: percentile(warm, 50), p99: percentile(warm, 99),
      coldStart: { seconds: coldSeconds, injected: rate * coldSeconds, lost: coldAccepted - cold.length, p50: percentile(cold, 50), p99: percentile(cold, 99) },
    };
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await sleep(500);
    h.cleanup();
  }
}
