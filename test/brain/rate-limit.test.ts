import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, makeHome, type TestHome } from '../helpers/home.js';
import { startTestBrain, type TestBrain } from '../helpers/brain.js';

let t: TestHome;
let brain: TestBrain;

beforeAll(async () => {
  t = makeHome();
  await cli(t.env, 'tenant', 'add', 'a', '--name', 'A');
  await cli(t.env, 'tenant', 'add', 'b', '--name', 'B');
  brain = await startTestBrain(t, { BRAIN_RATE_LIMIT: '5' });
});
afterAll(async () => {
  await brain?.close();
  t?.cleanup();
});

describe('rate limit', () => {
  it('limits each tenant separately although every caller is 127.0.0.1, with Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await brain.call('GET', '/api/profile', { key: brain.keyOf('a'), tenant: 'a' })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const limited = await brain.call('GET', '/api/profile', { key: brain.keyOf('a'), tenant: 'a' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toEqual({ error: expect.stringContaining('rate limit') });
    // The admin key acting for tenant a counts against a, not against b.
    expect((await brain.call('GET', '/api/profile', { key: brain.adminKey, tenant: 'a' })).status).toBe(429);
    expect((await brain.call('GET', '/api/profile', { key: brain.keyOf('b'), tenant: 'b' })).status).toBe(200);
    // /health is never limited.
    expect((await fetch(`${brain.url}/health`)).status).toBe(200);
  });

  it('answers repeated failed logins from one address with 429 and Retry-After, never holding back a valid key', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await brain.call('GET', '/api/profile', { key: `guess-${i}`, tenant: 'b' })).status);
    expect(statuses).toEqual([...Array(10).fill(401), 429, 429]);
    const held = await brain.call('GET', '/api/profile', { tenant: 'b' });
    expect(held.status).toBe(429);
    expect(Number(held.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(held.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(await held.json()).toEqual({ error: 'too many failed logins from this address; retry after the Retry-After seconds' });
    expect((await brain.call('GET', '/api/profile', { key: brain.keyOf('b'), tenant: 'b' })).status).toBe(200);
    expect((await brain.call('GET', '/api/profile', { key: brain.adminKey, tenant: 'b' })).status).toBe(200);
  });
});
