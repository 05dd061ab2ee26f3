import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SpillFile } from '../../gateway/spill.js';
import type { InboundMessage } from '../../gateway/transports/transport.js';

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  dirs = [];
});
const spillPath = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'wr-spill-'));
  dirs.push(d);
  return path.join(d, 'inbound.spill');
};
const message = (id: string, text = 'what are your hours?'): InboundMessage => ({
  chat: '34600111222@s.whatsapp.net', address: '34600111222@s.whatsapp.net', participant: '', id, fromMe: false, sender: '+34600111222', senderName: 'Ana\u0000', kind: 'text', text, media: { bytes: 3 }, timestamp: new Date('2026-03-16T10:00:00.000Z'),
});

describe('spill file', () => {
  it('takes its room when opened, so writing messages into it later needs no new disk space', async () => {
    const file = spillPath();
    const spill = await SpillFile.open(file, 64 * 1024);
    const { size, blocks } = fs.statSync(file);
    expect(size).toBe(64 * 1024);
    // Real blocks, not a sparse file that would need space on the first write.
    expect(blocks * 512).toBeGreaterThanOrEqual(64 * 1024);
    expect(await spill.put([message('A'), message('B', 'x'.repeat(5000))])).toEqual([]);
    expect(fs.statSync(file)).toMatchObject({ size, blocks });
    const again = await SpillFile.open(file, 64 * 1024);
    expect(again.recovered).toEqual([message('A'), message('B', 'x'.repeat(5000))]);
  });

  it('keeps what fits, says what did not, and after a reset offers nothing', async () => {
    const file = spillPath();
    const spill = await SpillFile.open(file, 16 * 1024);
    const big = Array.from({ length: 6 }, (_, i) => message(`M${i}`, 'y'.repeat(3000)));
    const left = await spill.put(big);
    expect(left.map((m) => m.id)).toEqual(['M5']);
    expect((await SpillFile.open(file, 16 * 1024)).recovered.map((m) => m.id)).toEqual(['M0', 'M1', 'M2', 'M3', 'M4']);
    let held = 1;
    await spill.resetIf(() => held === 0);
    expect((await SpillFile.open(file, 16 * 1024)).recovered).toHaveLength(5);
    held = 0;
    await spill.resetIf(() => held === 0);
    expect((await SpillFile.open(file, 16 * 1024)).recovered).toEqual([]);
    expect(await spill.put([message('N')])).toEqual([]);
    expect((await SpillFile.open(file, 16 * 1024)).recovered.map((m) => m.id)).toEqual(['N']);
  });

  it('reads up to a record torn by a crash, and writes over it', async () => {
    const file = spillPath();
    const spill = await SpillFile.open(file, 16 * 1024);
    await spill.put([message('A'), message('B')]);
    // A crash in the middle of writing B: its last bytes never reached the disk.
    const bytes = fs.readFileSync(file);
    const end = bytes.length - [...bytes].reverse().findIndex((b) => b !== 0);
    bytes.fill(0, end - 5, end);
    fs.writeFileSync(file, bytes);
    const reopened = await SpillFile.open(file, 16 * 1024);
    expect(reopened.recovered.map((m) => m.id)).toEqual(['A']);
    await reopened.put([message('C')]);
    expect((await SpillFile.open(file, 16 * 1024)).recovered.map((m) => m.id)).toEqual(['A', 'C']);
  });
});
