import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { readRegistry } from '../../core/registry.js';
import type { TestBrain } from '../helpers/brain.js';
import { closeAfterEach, startBrainAndGateway } from '../helpers/brain-gateway.js';
import type { TestGateway } from '../helpers/gateway.js';
import { cli, type TestHome } from '../helpers/home.js';

let t: TestHome;
let brain: TestBrain | undefined;
let gw: TestGateway | undefined;
closeAfterEach(() => ({ t, gw, brain }), () => (gw = brain = undefined));

describe('wr-console chat', () => {
  it('pairs a simulator tenant still at its QR (as the README\'s "Try it" leaves salon-b), then answers', async () => {
    ({ t, brain, gw } = await startBrainAndGateway({ tenant: 'salon-b', registryPort: true }));
    await gw.until(async () => (await (await gw!.call('GET', '/health')).json()).status === 'qr');
    const r = await cli(t.env, 'chat', 'salon-b', 'what are your hours?');
    expect(r).toMatchObject({ code: 0, stderr: 'salon-b: paired its simulated WhatsApp' });
    expect(r.stdout).toContain('Our opening hours:');
    // Paired now: the next message needs nothing more.
    expect(await cli(t.env, 'chat', 'salon-b', 'where are you?')).toMatchObject({ code: 0, stderr: '', stdout: expect.stringContaining('Calle Mayor 12') });
  });

  it('a tenant paired by someone else between its /health and the pairing (another chat, the console) still gets the message', async () => {
    ({ t, brain, gw } = await startBrainAndGateway({ tenant: 'salon-b' }));
    await gw.until(async () => (await (await gw!.call('GET', '/health')).json()).status === 'qr');
    // In front of the gateway, on the tenant's port: the other pairing lands right after /health answered "qr".
    const front = http.createServer(async (req, res) => {
      const body = await new Promise<string>((r) => {
        let b = '';
        req.on('data', (d) => (b += d)).on('end', () => r(b));
      });
      const answer = await fetch(`${gw!.url}${req.url}`, { method: req.method, headers: req.headers as Record<string, string>, body: body || undefined });
      const text = await answer.text();
      if (req.url === '/health' && JSON.parse(text).status === 'qr') await gw!.call('POST', '/simulate/pair');
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(text);
    });
    await new Promise<void>((r) => front.listen(readRegistry(t.config.paths)[0]!.port, '127.0.0.1', r));
    try {
      const r = await cli(t.env, 'chat', 'salon-b', 'what are your hours?');
      expect(r).toMatchObject({ code: 0, stderr: '' });
      expect(r.stdout).toContain('Our opening hours:');
    } finally {
      await new Promise((r) => front.close(r));
    }
  });

  it('says how to bring back a simulator tenant that is not connected, rather than to pair it', async () => {
    ({ t, brain, gw } = await startBrainAndGateway({ tenant: 'salon-b', registryPort: true }));
    await gw.call('POST', '/simulate/pair');
    await gw.call('POST', '/simulate/disconnect', { code: 401 });
    await gw.until(async () => (await (await gw!.call('GET', '/health')).json()).status === 'logged_out');
    const r = await cli(t.env, 'chat', 'salon-b', 'hello');
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: 'wr-console: salon-b is not connected (status logged_out): see wr-console status, or restart its gateway: wr-console restart salon-b' });
  });
});
