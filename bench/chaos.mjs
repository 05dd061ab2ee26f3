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

/**
 * A backup taken while customers write to the brain and to a gateway (photos included), with the
 * backup running in its own process so the load really goes on during it. Every message
 * acknowledged before the backup started must be in the restored tenant.db and gateway.db, and
 * every photo the gateway had finished keeping must be restored whole.
 */
async function backupUnderLoad() {
  const h = await makeHome({ GATEWAY_RETRY_CAP_MS: 500 });
  const [id] = addTenants(h.env, 1);
  const key = tenantKey(h.home, id);
  const port = gatewayPort(h.home, id);
  const photo = path.join(h.home, 'photo.jpg');
  fs.writeFileSync(photo, Buffer.alloc(256 * 1024, 7));
  const procs = [await startProgram(h.env, 'brain/main.js'), await startProgram({ ...h.env, WR_DEMO: '1' }, 'gateway/main.js', [id])];
  const acked = { brain: [], gateway: [] };
  const statuses = {};
  let writing = true;
  let n = 0;
  const post = (url, headers, body) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers }, body: JSON.stringify(body) }).then(async (r) => (await r.text(), r.status), () => 0);
  const brainWriter = async () => {
    while (writing) {
      const i = n++;
      const messageId = `b${i}`;
      const status = await post(`${h.brainUrl}/api/chat`, { 'x-client-id': id }, { message: 'hello', sender: `+3463${String(i % 1000).padStart(7, '0')}`, messageId });
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status === 200) acked.brain.push({ messageId, at: Date.now() });
    }
  };
  const gatewayWriter = async () => {
    while (writing) {
      const i = n++;
      const msg = i % 3 === 0 ? { kind: 'image', file: photo } : { text: MESSAGES[i % MESSAGES.length] };
      const status = await post(`http://127.0.0.1:${port}/simulate/inbound`, {}, { from: `+3469${String(i % 40).padStart(7, '0')}`, ...msg, id: `G${i}` });
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status === 202) acked.gateway.push({ id: `G${i}`, at: Date.now() });
    }
  };
  const load = Promise.all([brainWriter(), brainWriter(), brainWriter(), gatewayWriter(), gatewayWriter()]);
  const out = path.join(h.home, 'backup');
  const fresh = await makeHome();
  try {
    await sleep(1500);
    const startedAt = Date.now();
    const backup = spawn(process.execPath, [path.join(root, 'dist/console/main.js'), 'backup', '--out', out], { env: h.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    backup.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise((r) => backup.once('exit', r));
    const finishedAt = Date.now();
    const duringBackup = [...acked.brain, ...acked.gateway].filter((a) => a.at >= startedAt && a.at <= finishedAt).length;
    writing = false;
    await load;
    if (code !== 0) return { backupFailed: stderr.trim() };
    wr(fresh.env, 'restore', out);
    const tdb = path.join(fresh.home, 'tenants', id, 'tenant.db');
    const gdb = path.join(fresh.home, 'tenants', id, 'gateway.db');
    const before = (list) => list.filter((a) => a.at < startedAt);
    const inBrain = new Set(sql(tdb, 'SELECT message_id FROM processed_messages;').split('\n'));
    const inGateway = new Set(sql(gdb, 'SELECT message_id FROM inbox WHERE from_me = 0;').split('\n'));
    // Photos the gateway had kept (its prepared column names the file) must come back whole.
    const kept = sql(gdb, "SELECT json_extract(prepared, '$.saved') FROM inbox WHERE json_extract(prepared, '$.saved') IS NOT NULL;").split('\n').filter(Boolean);
    const photosMissing = kept.filter((f) => fs.statSync(path.join(fresh.home, 'tenants', id, 'media', path.basename(f)), { throwIfNoEntry: false })?.size !== 256 * 1024).length;
    // A turn the gateway counts as answered must be in the brain's copy too (its booking, its history).
    const answeredByGateway = sql(gdb, "SELECT substr(chat || '/' || participant || '/' || message_id, 1, 110) FROM inbox WHERE from_me = 0 AND status = 'done';").split('\n').filter(Boolean);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    return {
      statuses,
      answeredByGateway: answeredByGateway.length,
      answeredButNotInBrain: answeredByGateway.filter((m) => !inBrain.has(m)).length,
      ackedBeforeBackup: { brain: before(acked.brain).length, gateway: before(acked.gateway).length },
      ackedDuringBackup: duringBackup,
      backupMs: finishedAt - startedAt,
      missing: { brain: before(acked.brain).filter((a) => !inBrain.has(a.messageId)).length, gateway: before(acked.gateway).filter((a) => !inGateway.has(a.id)).length },
      photosKept: kept.length,
      photosMissing,
      integrity: [sql(tdb, 'PRAGMA integrity_check;'), sql(gdb, 'PRAGMA integrity_check;')],
      restoredMessages: Number(sql(tdb, 'SELECT count(*) FROM messages;')),
      backedUpMessages: manifest.databases[`tenants/${id}/tenant.db`].rows.messages,
    };
  } finally {
    writing = false;
    for (const p of procs) p.kill('SIGKILL');
    h.cleanup();
    fresh.cleanup();
  }
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

// ── issue 11: nothing acknowledged is ever lost ─────────────────────────────

const tenantKey = (home, id) => fs.readFileSync(path.join(home, 'tenants', id, 'secret'), 'utf8').trim();
const gatewayPort = (home, id) => JSON.parse(fs.readFileSync(path.join(home, 'tenants.json'))).tenants.find((t) => t.id === id).port;

/** How many POSIX locks /proc/locks shows process `pid` holding on `file`. */
function locksHeldOn(file, pid) {
  const { ino } = fs.statSync(file);
  return fs.readFileSync('/proc/locks', 'utf8').split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f[1] === 'POSIX' && Number(f[4]) === pid && Number(f[5]?.split(':')[2]) === ino).length;
}

/**
 * A customer's phone writing to a simulator gateway: one try, returns the HTTP status (0 when the
 * gateway is unreachable). After a 401 it reads the tenant's key file again, as a script would
 * after a rotation.
 */
function phone(home, id) {
  const port = gatewayPort(home, id);
  let key = tenantKey(home, id);
  return async (body) => {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`http://127.0.0.1:${port}/simulate/inbound`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body) }).catch(() => null);
      if (!res) return 0;
      await res.text();
      if (res.status !== 401 || attempt > 0) return res.status;
      key = tenantKey(home, id);
    }
  };
}

/** Sends until acknowledged (202), as WhatsApp re-delivers what was not acknowledged. */
async function deliver(send, body) {
  for (;;) {
    if ((await send(body)) === 202) return;
    await sleep(100);
  }
}

/**
 * Acknowledged vs stored (gateway, brain) vs answered (the brain's turn done) vs replied (sent),
 * read from the files with sqlite3 once the gateway has worked through its inbox. A customer
 * who asked for a person gets one reply and then silence: replied may be below answered.
 */
async function figures(home, id, acknowledged) {
  const gdb = path.join(home, 'tenants', id, 'gateway.db');
  const answered = () => Number(sql(gdb, "SELECT count(*) FROM inbox WHERE status = 'done';"));
  const unsent = () => Number(sql(gdb, "SELECT count(*) FROM outbox WHERE status = 'pending';"));
  const deadline = Date.now() + 60_000;
  while ((answered() < acknowledged || unsent() > 0) && Date.now() < deadline) await sleep(300);
  return {
    acknowledged,
    stored: Number(sql(gdb, 'SELECT count(*) FROM inbox WHERE from_me = 0;')),
    storedByBrain: Number(sql(path.join(home, 'tenants', id, 'tenant.db'), 'SELECT count(*) FROM processed_messages;')),
    answered: answered(),
    replied: Number(sql(gdb, 'SELECT count(*) FROM sim_outbox;')),
    repliesQueued: Number(sql(gdb, "SELECT count(*) FROM outbox WHERE status <> 'cancelled';")),
    failed: Number(sql(gdb, "SELECT count(*) FROM inbox WHERE status = 'failed';")),
    retriedByGateway: Number(sql(gdb, 'SELECT count(*) FROM inbox WHERE attempts > 0;')),
  };
}
const nothingLost = (f) => f.stored === f.acknowledged && f.storedByBrain >= f.acknowledged && f.answered === f.acknowledged && f.replied === f.repliesQueued && f.failed === 0;

/** The README's own `sqlite3 …` on every database while customers write, with /proc/locks checked each time, then kill -9 of everything. */
async function outsideReader(total) {
  const h = await makeHome({ GATEWAY_RETRY_CAP_MS: 500, MONITOR_INTERVAL_MS: 500 });
  const [id] = addTenants(h.env, 1);
  const procs = { brain: await startProgram(h.env, 'brain/main.js'), gateway: await startProgram({ ...h.env, WR_DEMO: '1' }, 'gateway/main.js', [id]), monitor: await startProgram(h.env, 'monitor/main.js') };
  const dbs = [[path.join(h.home, 'tenants', id, 'tenant.db'), 'brain'], [path.join(h.home, 'tenants', id, 'gateway.db'), 'gateway'], [path.join(h.home, 'monitor.db'), 'monitor']];
  try {
    await sleep(2000);
    const send = phone(h.home, id);
    let reads = 0;
    let lockChecks = 0;
    let locksMissing = 0;
    for (let i = 0; i < total; i++) {
      await deliver(send, { from: `+3465${String(i % 40).padStart(7, '0')}`, text: MESSAGES[i % MESSAGES.length], id: `R${i}` });
      if (i % 5 === 0) {
        for (const [db, owner] of dbs) {
          sql(db, 'SELECT count(*) FROM sqlite_master;');
          reads++;
          lockChecks++;
          if (locksHeldOn(db, procs[owner].pid) === 0) locksMissing++;
        }
      }
    }
    const f = await figures(h.home, id, total);
    for (const p of Object.values(procs)) p.kill('SIGKILL');
    await sleep(300);
    // After the crash, what the files hold (the WAL an outside reader once deleted lived only in the brain's memory).
    const afterCrash = await figures(h.home, id, total);
    const integrity = dbs.map(([db]) => sql(db, 'PRAGMA integrity_check;'));
    return { ...afterCrash, repliedBeforeCrash: f.replied, outsideReads: reads, lockChecks, locksMissing, integrity };
  } finally {
    for (const p of Object.values(procs)) p.kill('SIGKILL');
    h.cleanup();
  }
}

/** The gateway's disk fills up under traffic: refusals (503, not acknowledged) while full, every acknowledged message answered after. Needs root to mount a tmpfs. */
async function fullDiskGateway(total) {
  const mnt = fs.mkdtempSync('/tmp/wr-gwfull-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=32m', 'tmpfs', mnt], { stdio: 'ignore' });
  } catch {
    fs.rmSync(mnt, { recursive: true, force: true });
    return { skipped: 'mounting a tmpfs needs root' };
  }
  const h = await makeHome({ GATEWAY_RETRY_CAP_MS: 500 });
  fs.cpSync(h.home, mnt, { recursive: true });
  const env = { ...h.env, WR_HOME: mnt, PM2_HOME: path.join(mnt, 'pm2') };
  const [id] = addTenants(env, 1);
  const procs = [await startProgram(env, 'brain/main.js'), await startProgram({ ...env, WR_DEMO: '1' }, 'gateway/main.js', [id])];
  try {
    await sleep(2000);
    const send = phone(mnt, id);
    const text = (i) => `${MESSAGES[i % MESSAGES.length]} ${'x'.repeat(500)}`;
    const body = (i) => ({ from: `+3466${String(i % 40).padStart(7, '0')}`, text: text(i), id: `D${i}` });
    const third = Math.round(total / 3);
    for (let i = 0; i < third; i++) await deliver(send, body(i));
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${path.join(mnt, 'filler')}`, 'bs=64k'], { stdio: 'ignore' });
    } catch {
      // "No space left on device": the point.
    }
    const refused = [];
    let ackedWhileFull = 0;
    for (let i = third; i < 2 * third; i++) {
      const status = await send(body(i));
      if (status === 202) ackedWhileFull++;
      else refused.push(i);
    }
    const health = await fetch(`http://127.0.0.1:${gatewayPort(mnt, id)}/health`).then(async (r) => ({ status: r.status, storeError: (await r.json()).storeError }), () => ({ status: 0 }));
    fs.rmSync(path.join(mnt, 'filler'));
    // Space is back: the refused messages come again (never acknowledged, so WhatsApp still has them), then new ones.
    for (const i of refused) await deliver(send, body(i));
    for (let i = 2 * third; i < total; i++) await deliver(send, body(i));
    const f = await figures(mnt, id, total);
    return { ...f, refusedWhileFull: refused.length, ackedWhileFull, healthWhileFull: health, integrity: sql(path.join(mnt, 'tenants', id, 'gateway.db'), 'PRAGMA integrity_check;') };
  } finally {
    for (const p of procs) p.kill('SIGKILL');
    await sleep(300);
    execFileSync('umount', [mnt]);
    fs.rmSync(mnt, { recursive: true, force: true });
    h.cleanup();
  }
}

/** The tenant's key rotated, then tenants.json removed and restored, both while customers write. */
async function keyAndRegistry(total) {
  const h = await makeHome({ GATEWAY_RETRY_CAP_MS: 500 });
  const [id] = addTenants(h.env, 1);
  const procs = [await startProgram(h.env, 'brain/main.js'), await startProgram({ ...h.env, WR_DEMO: '1' }, 'gateway/main.js', [id])];
  try {
    await sleep(2000);
    const send = phone(h.home, id);
    const registry = path.join(h.home, 'tenants.json');
    let next = 0;
    const writer = async () => {
      for (let i = next++; i < total; i = next++) await deliver(send, { from: `+3467${String(i % 40).padStart(7, '0')}`, text: MESSAGES[i % MESSAGES.length], id: `K${i}` });
    };
    const load = Promise.all([writer(), writer(), writer(), writer()]);
    while (next < total / 3) await sleep(20);
    wr(h.env, 'tenant', 'key', id, '--rotate');
    while (next < (2 * total) / 3) await sleep(20);
    fs.renameSync(registry, `${registry}.away`);
    await sleep(1500);
    fs.renameSync(`${registry}.away`, registry);
    await load;
    return await figures(h.home, id, total);
  } finally {
    for (const p of procs) p.kill('SIGKILL');
    h.cleanup();
  }
}

/** NUL and control characters in every field a customer or an operator controls. */
async function controlCharacters(total) {
  const h = await makeHome({ GATEWAY_RETRY_CAP_MS: 500 });
  const [id] = addTenants(h.env, 1);
  const procs = [await startProgram(h.env, 'brain/main.js'), await startProgram({ ...h.env, WR_DEMO: '1' }, 'gateway/main.js', [id])];
  const nasty = '\u0000\u0007\u001b[2J\u001b]0;pwned\u0007\u009b31m\u007f';
  try {
    await sleep(2000);
    const send = phone(h.home, id);
    const statuses = [];
    for (let i = 0; i < total; i++) {
      const text = i % 4 === 0 ? `I want to talk to a person${nasty}` : `${MESSAGES[i % MESSAGES.length]}${nasty}`;
      await deliver(send, { from: `+3468${String(i % 20).padStart(7, '0')}`, text, name: `Ana${nasty}`, id: `N${i}` });
    }
    // Fields that cannot hold them are refused at the boundary, in one line, never a 5xx.
    statuses.push(await send({ from: '+34680000001', text: 'hello', id: `bad${nasty}` }));
    statuses.push(await send({ from: `+3468${nasty}`, text: 'hello' }));
    const admin = fs.readFileSync(path.join(h.home, 'admin.key'), 'utf8').trim();
    const brain = (method, p, body) => fetch(`${h.brainUrl}${p}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}`, 'x-client-id': id }, body: body && JSON.stringify(body) }).then((r) => r.status);
    statuses.push(await brain('POST', '/api/chat', { message: `hello${nasty}`, sender: '+34680000002', senderName: `Bea${nasty}`, messageId: `m${nasty}` }));
    statuses.push(await brain('POST', '/api/chat', { message: `hello${nasty}`, sender: `+3468${nasty}` }));
    statuses.push(await brain('GET', `/api/conversations?sender=${encodeURIComponent(nasty)}`));
    statuses.push(await brain('PUT', '/api/profile', { name: `Clinic${nasty}`, timezone: 'Europe/Madrid', address: `Calle${nasty} 1`, faq: [{ question: `open${nasty}?`, answer: `yes${nasty}`, keywords: [`k${nasty}`] }], services: [{ id: 'cut', name: `Cut${nasty}`, duration: 30 }] }));
    const f = await figures(h.home, id, total);
    const tdb = path.join(h.home, 'tenants', id, 'tenant.db');
    const dirty = (table, column) => Number(sql(tdb, `SELECT count(*) FROM ${table} WHERE ${column} GLOB '*[' || char(1,7,27,127,155) || ']*' OR instr(${column}, char(0)) > 0;`));
    const controlRows = dirty('messages', 'text') + dirty('conversations', 'sender_name') + dirty('escalations', 'summary') + dirty('escalation_outbox', 'text') + dirty('services', 'name') + dirty('faqs', 'answer');
    return { ...f, escalations: Number(sql(tdb, 'SELECT count(*) FROM escalations;')), boundaryStatuses: statuses, fiveHundreds: statuses.filter((s) => s >= 500).length, rowsWithControlCharacters: controlRows };
  } finally {
    for (const p of procs) p.kill('SIGKILL');
    h.cleanup();
  }
}

/**
 * The room a Baileys gateway reserves for messages it cannot store (gateway/spill.ts) on a disk
 * that is really full: what it keeps, and that a new run reads it all back. Needs root for the tmpfs.
 */
async function spillOnFullDisk(total) {
  const mnt = fs.mkdtempSync('/tmp/wr-spill-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mnt], { stdio: 'ignore' });
  } catch {
    fs.rmSync(mnt, { recursive: true, force: true });
    return { skipped: 'mounting a tmpfs needs root' };
  }
  try {
    const { SpillFile } = await import(path.join(root, 'dist/gateway/spill.js'));
    const file = path.join(mnt, 'inbound.spill');
    const spill = await SpillFile.open(file);
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${path.join(mnt, 'filler')}`, 'bs=64k'], { stdio: 'ignore' });
    } catch {
      // "No space left on device": the point.
    }
    let diskFull = false;
    try {
      fs.writeFileSync(path.join(mnt, 'probe'), Buffer.alloc(8192, 1));
    } catch (err) {
      diskFull = err.code === 'ENOSPC';
    }
    const message = (i) => ({ chat: `3466${i}@s.whatsapp.net`, address: `3466${i}@s.whatsapp.net`, participant: '', id: `SP${i}`, fromMe: false, sender: `+3466${i}`, senderName: 'Ana', kind: 'text', text: `${MESSAGES[i % MESSAGES.length]} ${'x'.repeat(2000)}`, timestamp: new Date() });
    let kept = 0;
    for (let i = 0; i < total; i++) if ((await spill.put([message(i)])).length === 0) kept++;
    const recovered = (await SpillFile.open(file)).recovered;
    return { diskFull, offered: total, messageBytes: JSON.stringify(message(0)).length, kept, inMemoryOnly: total - kept, recoveredByNextRun: recovered.length, recoveredInOrder: recovered.every((m, i) => m.id === `SP${i}`) };
  } finally {
    execFileSync('umount', [mnt]);
    fs.rmSync(mnt, { recursive: true, force: true });
  }
}

const scale = quick ? 0.2 : 1;
// --only=name runs the scenarios whose function name contains it (while working on one).
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
const wanted = (name) => !only || name.includes(only);
if (wanted('killUnderLoad')) {
  const r = await killUnderLoad({ total: Math.round(1000 * scale), kills: 5, victim: 'brain' });
  check('kill -9 the brain 5 times during load', r.lost === 0 && r.duplicated === 0 && r.integrity.every((x) => x === 'ok'), r);
}
if (wanted('killUnderLoad')) {
  const r = await killUnderLoad({ total: Math.round(1000 * scale), kills: 3, victim: 'gateway' });
  check('kill -9 the gateway during load', r.lost === 0 && r.duplicated === 0 && r.integrity.every((x) => x === 'ok'), r);
}
if (wanted('fuzz')) {
  const r = await fuzz(Math.round(10_000 * scale));
  check('generated requests against every endpoint', r.fiveHundreds === 0 && r.leaks === 0 && r.alive && !r.error, r);
}
if (wanted('fullDisk')) {
  const r = await fullDisk();
  if (r.skipped) console.log(`SKIP a tenant database on a full disk: ${r.skipped}`);
  else check('a tenant database on a full disk', r.refusalsWhileFull > 0 && r.otherStatuses.length === 0 && r.recoveredStatuses.join() === '200' && r.lostAcknowledged === 0 && r.integrity === 'ok', r);
}
if (wanted('backupUnderLoad')) {
  const r = await backupUnderLoad();
  const ok = !r.backupFailed && r.ackedBeforeBackup.brain > 0 && r.ackedBeforeBackup.gateway > 0 && r.ackedDuringBackup > 0 && r.missing.brain === 0 && r.missing.gateway === 0 && r.answeredButNotInBrain === 0 && r.photosKept > 0 && r.photosMissing === 0 && r.integrity.every((x) => x === 'ok') && r.restoredMessages === r.backedUpMessages;
  check('a backup taken under writes holds everything acknowledged before it started', ok, r);
}
if (wanted('outsideReader')) {
  const r = await outsideReader(Math.round(300 * scale));
  check('an outside sqlite3 reader on every database during load, then kill -9', nothingLost(r) && r.locksMissing === 0 && r.integrity.every((x) => x === 'ok'), r);
}
if (wanted('fullDiskGateway')) {
  const r = await fullDiskGateway(Math.round(300 * scale));
  if (r.skipped) console.log(`SKIP a full disk under the gateway: ${r.skipped}`);
  else check('a full disk under the gateway', nothingLost(r) && r.refusedWhileFull > 0 && r.healthWhileFull.status === 503 && r.integrity === 'ok', r);
}
if (wanted('keyAndRegistry')) {
  const r = await keyAndRegistry(Math.round(300 * scale));
  check('a key rotation and tenants.json removed and restored, under traffic', nothingLost(r), r);
}
if (wanted('controlCharacters')) {
  const r = await controlCharacters(Math.round(200 * scale));
  check('NUL and control characters in every field', nothingLost(r) && r.fiveHundreds === 0 && r.rowsWithControlCharacters === 0 && r.escalations > 0, r);
}
if (wanted('spillOnFullDisk')) {
  const r = await spillOnFullDisk(Math.round(1000 * scale));
  if (r.skipped) console.log(`SKIP the Baileys spill file on a full disk: ${r.skipped}`);
  else check('the Baileys spill file on a full disk keeps what it has room for, and gives it all back', r.diskFull && r.kept > 0 && r.recoveredByNextRun === r.kept && r.recoveredInOrder, r);
}
if (!only) fs.writeFileSync(path.join(root, 'bench/chaos-results.json'), `${JSON.stringify(results, null, 2)}\n`);
process.exit(failed ? 1 : 0);
