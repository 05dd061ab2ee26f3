// Resident memory: an idle gateway (simulator, and with Baileys loaded), the brain with 100 tenants
// open, and a bare Node process for the ratio.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { addTenants, makeHome, rssMb, sleep, startProgram } from './lib.mjs';

export async function benchMemory() {
  const bare = spawn(process.execPath, ['-e', 'setInterval(()=>{},1e3)']);
  await sleep(1500);
  const bareRss = rssMb(bare.pid);
  bare.kill();

  const h = await makeHome();
  const children = [];
  try {
    const [sim] = addTenants(h.env, 1, 'simulator', 's');
    const [real] = addTenants(h.env, 1, 'baileys', 'b');
    const more = addTenants(h.env, 98, 'simulator', 'm');
    const brain = await startProgram(h.env, 'brain/main.js');
    children.push(brain);
    const simGw = await startProgram({ ...h.env, WR_DEMO: '1' }, 'gateway/main.js', [sim]);
    const realGw = await startProgram(h.env, 'gateway/main.js', [real]);
    children.push(simGw, realGw);
    const admin = fs.readFileSync(path.join(h.home, 'admin.key'), 'utf8').trim();
    for (const id of [sim, real, ...more]) await fetch(`${h.brainUrl}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}`, 'x-client-id': id }, body: JSON.stringify({ message: 'hello', sender: '+34600000001' }) });
    await sleep(5000);
    const simRss = rssMb(simGw.pid);
    const baileysRss = rssMb(realGw.pid);
    const brainRss = rssMb(brain.pid);
    return { bareNode: bareRss, gatewaySimulator: simRss, ratio: simRss / bareRss, gatewayBaileys: baileysRss, brain100Tenants: brainRss };
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await sleep(500);
    h.cleanup();
  }
}
