import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { answerOnce } from '../../core/pm2/client.js';

describe('the PM2 client', () => {
  it('answers a disconnect once when the socket closes after PM2 has given up waiting (200 ms)', async () => {
    // PM2_HOME is read when pm2 is imported: a private one, and no daemon is started.
    process.env.PM2_HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'wr-pm2-'));
    const api = ((await import('pm2')) as unknown as { default: { Client: { disconnectRPC(cb: (...a: unknown[]) => void): void; client_sock?: unknown } } }).default;
    const client = api.Client;
    // A socket as busy as on a loaded machine: it reports 'close' 300 ms after close().
    const sock = Object.assign(new EventEmitter(), { connected: true, closing: false, close: () => setTimeout(() => sock.emit('close'), 300) });
    client.client_sock = sock;
    answerOnce(api);
    let answers = 0;
    client.disconnectRPC(() => answers++);
    await new Promise((r) => setTimeout(r, 500));
    expect(answers).toBe(1);
  });
});
