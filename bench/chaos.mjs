// npm run chaos: faults under load. kill -9 the brain and the gateway while customers write,
// 10,000 generated requests against every endpoint, a backup taken mid-load. Each scenario must
// end with 0 messages lost, 0 replies sent twice, 0 databases corrupted, 0 5xx. Every fifth
// customer message is not text (a voice note, a photo, a location, a contact card, a sticker):
// each of those must be answered exactly once too.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { addTenants, makeHome, MESSAGES, root, sleep, startProgram, wr } from './lib.mjs';

const quick = process.argv.includes('--quick');
const sql = (file, q) => execFileSync('sqlite3', [file, q], { encoding: 'utf8' }).trim();
const results = {};
let failed = false;
const check = (name, ok, detail) => {
  results[name] = { ok, ...detail };
  if (!ok) failed = true;
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name}: ${JSON.stringify(detail)}`);
};

/** What customers send besides text; each gets exactly one reply. */
const MEDIA = [{ kind: 'audio', seconds: 9 }, { kind: 'image' }, { kind: 'location', latitude: 40.4168, longitude: -3.7038 }, { kind: 'contact' }, { kind: 'sticker' }];
const customerMessage = (i) => (i % 5 === 4 ? MEDIA[Math.floor(i / 5) % MEDIA.length] : { text: MESSAGES[i % MESSAGES.length] });

async function killUnderLoad({ total, kills, victim }) {
  const h = await makeHome({ GATEWAY_RETRY_CAP_MS: 500 });
  const [id] = addTenants(h.env, 1);
  const port = JSON.parse(fs.readFileSync(path.join(h.home, 'tenants.json'))).tenants[0].port;
  const key = fs.readFileSync(path.join(h.home, 'tenants', id, 'secret'), 'utf8').trim();
  const procs = { brain: await startProgram(h.env, 'brain/main.js'), gateway: await startProgram({ ...h.env, WR_DEMO: '1' }, 'gateway/main.js', [id]) };
  const restart = async (which) => {
    procs[which].kill('SIGKILL');
    await new Promise((r) => procs[which].once('exit', r));
    // What PM2 does after a crash: start it again.
    procs[which] = which === 'brain' ? await startProgram(h.env, 'brain/main.js') : await startProgram({ ...h.env, WR_DEMO: '1' }, 'gateway/main.js', [id]);
  };
  try {
    await sleep(2000);
    let acked = 0;
    const killEvery = Math.floor(total / (kills + 1));
    for (let i = 0; i < total; i++) {
      if (i > 0 && i % killEvery === 0 && i / killEvery <= kills) await restart(victim);
      for (let attempt = 0; ; attempt++) {
        try {
          const res = await fetch(`http://127.0.0.1:${port}/simulate/inbound`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ from: `+3462${String(i % 40).padStart(7, '0')}`, ...customerMessage(i), id: `C${i}` }) });
          if (res.status === 202) {
            acked++;
            break;
          }
        } catch {
          // The gateway is restarting: the customer's phone would retry too.
        }
        await sleep(100);
      }
    }
    const db = path.join(h.home, 'tenants', id, 'gateway.db');
    const deadline = Date.now() + 60_000;
    while (Number(sql(db, 'SELECT count(*) FROM sim_outbox;')) < acked && Date.now() < deadline) await sleep(500);
    await sleep(1000);
    const replies = Number(sql(db, 'SELECT count(*) FROM sim_outbox;'));
    const distinct = Number(sql(db, 'SELECT count(DISTINCT inbox_id) FROM outbox;'));
    const outbox = Number(sql(db, 'SELECT count(*) FROM outbox;'));
    const integrity = [sql(db, 'PRAGMA integrity_check;'), sql(path.join(h.home, 'tenants', id, 'tenant.db'), 'PRAGMA integrity_check;')];
    const media = Number(sql(db, "SELECT count(*) FROM inbox WHERE kind <> 'text';"));
    return { acked, media, replies, lost: acked - replies, duplicated: outbox - distinct + Math.max(0, replies - acked), integrity };
  } finally {
    for (const p of Object.values(procs)) p.kill('SIGKILL');
    h.cleanup();
  }
}

async function fuzz(runs) {
  const h = await makeHome();
  const [a, b] = addTenants(h.env, 2);
  const registry = JSON.parse(fs.readFileSync(path.join(h.home, 'tenants.json'))).tenants;
  const keys = { [a]: fs.readFileSync(path.join(h.home, 'tenants', a, 'secret'), 'utf8').trim(), [b]: fs.readFileSync(path.join(h.home, 'tenants', b, 'secret'), 'utf8').trim() };
  const brain = await startProgram(h.env, 'brain/main.js');
  const gateway = await startProgram({ ...h.env, WR_DEMO: '1' }, 'gateway/main.js', [a]);
  const secretOfB = 'secret-of-tenant-b-42';
  await fetch(`${h.brainUrl}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${keys[b]}`, 'x-client-id': b }, body: JSON.stringify({ message: secretOfB, sender: '+34600000042' }) });
  const gwPort = registry.find((t) => t.id === a).port;
  const json = fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.boolean(), fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.constant(null))), fc.record({ message: fc.oneof(fc.string({ maxLength: 5000 }), fc.integer()), sender: fc.oneof(fc.string(), fc.constant('+34600111222')), timestamp: fc.oneof(fc.string(), fc.date().map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString()))), messageId: fc.string() }, { requiredKeys: [] }));
  const endpoint = fc.constantFrom(
    ['brain', 'POST', '/api/chat'], ['brain', 'GET', '/api/profile'], ['brain', 'PUT', '/api/profile'], ['brain', 'GET', '/api/conversations'], ['brain', 'GET', '/api/bookings'],
    ['brain', 'GET', '/api/escalations'], ['brain', 'POST', '/api/escalations/1/resolve'], ['brain', 'GET', '/health'],
    ['gw', 'GET', '/health'], ['gw', 'GET', '/qr'], ['gw', 'POST', '/pair'], ['gw', 'POST', '/handoff/on'], ['gw', 'POST', '/handoff/off'], ['gw', 'POST', '/handoff/chat/x/on'],
    ['gw', 'POST', '/simulate/inbound'], ['gw', 'GET', '/simulate/outbox'],
  );
  const stats = { requests: 0, fiveHundreds: 0, leaks: 0 };
  await fc.assert(
    fc.asyncProperty(endpoint, json, fc.constantFrom('own', 'other', 'none', 'garbage'), fc.string({ maxLength: 40 }), fc.oneof(fc.constant(a), fc.constant(b), fc.string({ maxLength: 40 })), async ([target, method, p], body, who, query, clientId) => {
      const keyFor = { own: keys[a], other: keys[b], none: undefined, garbage: 'x'.repeat(43) }[who];
      const headers = { 'content-type': 'application/json', ...(keyFor ? { authorization: `Bearer ${keyFor}` } : {}), 'x-client-id': /^[\x20-\x7e]*$/.test(clientId) ? clientId : a };
      const url = `${target === 'brain' ? h.brainUrl : `http://127.0.0.1:${gwPort}`}${p}${method === 'GET' && query ? `?q=${encodeURIComponent(query)}&limit=${encodeURIComponent(query)}` : ''}`;
      const res = await fetch(url, { method, headers, body: method === 'GET' ? undefined : JSON.stringify(body) });
      const text = await res.text();
      stats.requests++;
      if (res.status >= 500) stats.fiveHundreds++;
      if (text.includes(secretOfB) && !(who === 'other' && clientId === b)) stats.leaks++;
      // No stack trace ever leaves a process.
      return res.status < 500 && !/\bat .*\.(js|ts|mjs):\d+/.test(text);
    }),
    { numRuns: runs, endOnFailure: true },
  ).catch((err) => {
    stats.error = String(err.message).split('\n').slice(0, 6).join(' | ');
  });
  const alive = await fetch(`${h.brainUrl}/health`).then((r) => r.ok, () => false) && (await fetch(`http://127.0.0.1:${gwPort}/health`).then((r) => r.ok, () => false));
  brain.kill('SIGKILL');
  gateway.kill('SIGKILL');
  h.cleanup();
  return { ...stats, alive };
}

async function backupUnderLoad() {
  const h = await makeHome();
  const [id] = addTenants(h.env, 1);
  const key = fs.readFileSync(path.join(h.home, 'tenants', id, 'secret'), 'utf8').trim();
  const brain = await startProgram(h.env, 'brain/main.js');
  let writing = true;
  let n = 0;
  const load = (async () => {
    while (writing) await fetch(`${h.brainUrl}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'x-client-id': id }, body: JSON.stringify({ message: 'hello', sender: `+3463${String(n % 1000).padStart(7, '0')}`, messageId: `b${n++}` }) }).then((r) => r.text());
  })();
  await sleep(1500);
  const out = path.join(h.home, 'backup');
  wr(h.env, 'backup', '--out', out);
  writing = false;
  await load;
  brain.kill('SIGTERM');
  const fresh = await makeHome();
  wr(fresh.env, 'restore', out);
  const integrity = sql(path.join(fresh.home, 'tenants', id, 'tenant.db'), 'PRAGMA integrity_check;');
  const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
  const rows = Number(sql(path.join(fresh.home, 'tenants', id, 'tenant.db'), 'SELECT count(*) FROM messages;'));
  h.cleanup();
  fresh.cleanup();
  return { integrity, restoredMessages: rows, backedUpMessages: manifest.databases[`tenants/${id}/tenant.db`].rows.messages };
}

/** WR_HOME on a small tmpfs that fills up, then frees space again. Needs root to mount it. */
async function fullDisk() {
  const mnt = fs.mkdtempSync('/tmp/wr-full-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', mnt], { stdio: 'ignore' });
  } catch {
    fs.rmSync(mnt, { recursive: true, force: true });
    return { skipped: 'mounting a tmpfs needs root' };
  }
  const h = await makeHome();
  // The installation moves onto the small disk.
  fs.cpSync(h.home, mnt, { recursive: true });
  const env = { ...h.env, WR_HOME: mnt, PM2_HOME: path.join(mnt, 'pm2') };
  const [id] = addTenants(env, 1);
  const key = fs.readFileSync(path.join(mnt, 'tenants', id, 'secret'), 'utf8').trim();
  const brain = await startProgram(env, 'brain/main.js');
  const chat = (i) =>
    fetch(`${h.brainUrl}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'x-client-id': id }, body: JSON.stringify({ message: 'x'.repeat(3000), sender: `+3464${String(i).padStart(7, '0')}`, messageId: `f${i}` }) }).then(async (r) => ({ status: r.status, body: await r.json() }));
  try {
    const acked = new Set();
    for (let i = 0; i < 20; i++) if ((await chat(i)).status === 200) acked.add(`f${i}`);
    // Fill the disk.
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${path.join(mnt, 'filler')}`, 'bs=64k'], { stdio: 'ignore' });
    } catch {
      // dd stops with "No space left on device": that is the point.
    }
    const whileFull = [];
    for (let i = 20; i < 220; i++) {
      const r = await chat(i);
      whileFull.push(r.status);
      if (r.status === 200) acked.add(`f${i}`);
    }
    const refusals = whileFull.filter((s) => s === 503).length;
    const other = whileFull.filter((s) => s !== 503 && s !== 200);
    fs.rmSync(path.join(mnt, 'filler'));
    const after = [];
    for (let i = 220; i < 240; i++) {
      const r = await chat(i);
      after.push(r.status);
      if (r.status === 200) acked.add(`f${i}`);
    }
    brain.kill('SIGTERM');
    await new Promise((r) => brain.once('exit', r));
    const db = path.join(mnt, 'tenants', id, 'tenant.db');
    const stored = new Set(sql(db, 'SELECT message_id FROM processed_messages;').split('\n'));
    return { refusalsWhileFull: refusals, otherStatuses: other, recoveredStatuses: [...new Set(after)], lostAcknowledged: [...acked].filter((m) => !stored.has(m)).length, integrity: sql(db, 'PRAGMA integrity_check;') };
  } finally {
    brain.kill('SIGKILL');
    execFileSync('umount', [mnt]);
    fs.rmSync(mnt, { recursive: true, force: true });
    h.cleanup();
  }
}

const scale = quick ? 0.2 : 1;
{
  const r = await killUnderLoad({ total: Math.round(1000 * scale), kills: 5, victim: 'brain' });
  check('kill -9 the brain 5 times during load', r.lost === 0 && r.duplicated === 0 && r.integrity.every((x) => x === 'ok'), r);
}
{
  const r = await killUnderLoad({ total: Math.round(1000 * scale), kills: 3, victim: 'gateway' });
  check('kill -9 the gateway during load', r.lost === 0 && r.duplicated === 0 && r.integrity.every((x) => x === 'ok'), r);
}
{
  const r = await fuzz(Math.round(10_000 * scale));
  check('generated requests against every endpoint', r.fiveHundreds === 0 && r.leaks === 0 && r.alive && !r.error, r);
}
{
  const r = await fullDisk();
  if (r.skipped) console.log(`SKIP a tenant database on a full disk: ${r.skipped}`);
  else check('a tenant database on a full disk', r.refusalsWhileFull > 0 && r.otherStatuses.length === 0 && r.recoveredStatuses.join() === '200' && r.lostAcknowledged === 0 && r.integrity === 'ok', r);
}
{
  const r = await backupUnderLoad();
  check('backup during writes is restorable', r.integrity === 'ok' && r.restoredMessages === r.backedUpMessages, r);
}
fs.writeFileSync(path.join(root, 'bench/chaos-results.json'), `${JSON.stringify(results, null, 2)}\n`);
process.exit(failed ? 1 : 0);
