import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPortFree } from '../../core/ports.js';
import { GATEWAY_PORTS, makeHome } from './home.js';

const listen = () =>
  new Promise<net.Server>((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => resolve(s));
  });

describe('makeHome', () => {
  // A busy machine: about one port in ten of the kernel's ephemeral range taken, scattered as the
  // kernel scatters them. A base chosen only for being free itself then often has a taken neighbour.
  const wall: net.Server[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 3000; i += 500) wall.push(...(await Promise.all(Array.from({ length: 500 }, listen))));
  });
  afterAll(async () => {
    await Promise.all(wall.map((s) => new Promise((r) => s.close(r))));
  });

  it(`gives WR_PORT_BASE a whole block of ${GATEWAY_PORTS} free ports, with the brain's and the monitor's outside it`, async () => {
    for (let i = 0; i < 10; i++) {
      const t = makeHome();
      try {
        const base = t.config.WR_PORT_BASE;
        const block = Array.from({ length: GATEWAY_PORTS }, (_, k) => base + k);
        const busy = [];
        for (const port of block) if (!(await isPortFree(port))) busy.push(port);
        expect(busy, `home ${i}: base ${base}`).toEqual([]);
        expect(block).not.toContain(t.config.BRAIN_PORT);
        expect(block).not.toContain(t.config.MONITOR_PORT);
        expect(t.config.BRAIN_PORT).not.toBe(t.config.MONITOR_PORT);
      } finally {
        t.cleanup();
      }
    }
  });

  it('leaves the ports a test sets as they are', () => {
    const t = makeHome({ WR_PORT_BASE: '4100', BRAIN_PORT: '4200' });
    try {
      expect([t.config.WR_PORT_BASE, t.config.BRAIN_PORT]).toEqual([4100, 4200]);
      expect(t.config.MONITOR_PORT).toBeGreaterThan(1023);
    } finally {
      t.cleanup();
    }
  });
});
