import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveBackend } from '../../console/tui/backend.js';
import type { Snapshot } from '../../console/tui/model.js';
import { until } from '../helpers/gateway.js';
import { makeStack, openLiveBackend, pm2Cli, type Stack } from '../helpers/stack.js';

/**
 * PM2 bus packets are a boundary: any process on the operator's PM2 can send `wr:qr`. Over a real
 * daemon, a real simulator gateway shows its QR while another process sends a forged QR for the
 * same tenant and a malformed one for its own.
 */
let stack: Stack;
let backend: LiveBackend;
const FORGED = '2@forged-by-another-process';

beforeAll(async () => {
  stack = await makeStack();
  expect((await stack.wr('tenant', 'add', 'demo', '--name', 'Demo', '--transport', 'simulator')).code).toBe(0);
  expect((await stack.wr('tenant', 'add', 'shop', '--name', 'Shop', '--transport', 'simulator')).code).toBe(0);
  expect((await stack.wr('start', 'demo')).code).toBe(0);
  // Named as shop's gateway, so its own packets pass the sender check and meet the schema.
  const rogue = path.join(stack.home.home, 'rogue.cjs');
  fs.writeFileSync(
    rogue,
    `const soon = () => new Date(Date.now() + 60000).toISOString();
     setInterval(() => {
       process.send({ type: 'wr:qr', data: { tenant: 'demo', qr: ${JSON.stringify(FORGED)}, expiresAt: soon() } });
       process.send({ type: 'wr:qr', data: { tenant: 'shop', qr: 42, expiresAt: 'soon' } });
       process.send({ type: 'wr:qr', data: { tenant: 'shop', expiresAt: soon() } });
     }, 200);`,
  );
  pm2Cli(stack.home.env, 'start', rogue, '--name', 'wr-gw-shop', '--namespace', 'wr');
  ({ backend } = await openLiveBackend(stack));
}, 60_000);

afterAll(async () => {
  await backend?.close();
  await stack?.stop();
});

describe('wr:qr packets on the PM2 bus', () => {
  it("shows only the QR a tenant's own gateway sent, well formed: a forged or malformed one never reaches the screen", async () => {
    const seen: Snapshot['qr'][] = [];
    backend.subscribe(() => seen.push(backend.snapshot().qr));
    await until(() => backend.snapshot().rows.find((r) => r.id === 'shop')?.pm2 === 'online', 20_000, 'the rogue process online');
    await until(() => backend.snapshot().qr.demo !== undefined, 20_000, "demo's QR");
    // Several rounds of the rogue's packets, and the gateway's own QR rotating meanwhile.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(seen.length).toBeGreaterThan(1);
    for (const qr of seen) {
      expect(qr.demo?.qr).not.toBe(FORGED);
      expect(qr.shop).toBeUndefined();
    }
    expect(backend.snapshot().qr.demo?.qr).toMatch(/^2@/);
  }, 60_000);
});
