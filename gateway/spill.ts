import fs from 'node:fs/promises';
import { frameRecord, readRecords } from '../core/spill-records.js';
import type { InboundMessage } from './transports/transport.js';

/**
 * Room on disk, taken while there is some, for the incoming messages the gateway cannot store.
 *
 * Baileys sends WhatsApp the delivery receipt before it hands a message over, so WhatsApp never
 * delivers it again: when gateway.db cannot take it (the disk is full), memory was the only copy
 * and a crash lost it. This file is filled with zeros when the gateway starts, so its blocks
 * belong to it; a record written into it later overwrites those blocks in place and needs no new
 * space. On a copy-on-write filesystem (btrfs, ZFS) an overwrite does take new blocks: there a
 * write may fail like any other, and the message stays in memory only, as before.
 *
 * Each record is one message as JSON, framed by core/spill-records.ts.
 */

/** 1 MiB: about 250 text messages of 4 KB, or a few dozen media messages with their thumbnails. */
export const SPILL_BYTES = 1024 * 1024;
const CHUNK = 64 * 1024;

export class SpillFile {
  private constructor(
    readonly file: string,
    readonly size: number,
    /** Where the next record goes. */
    private tail: number,
    /** What the file held when it was opened: messages a previous run could not store. */
    readonly recovered: InboundMessage[],
  ) {}

  /** One write at a time: a reset must not zero a record put while it waited. */
  private chain: Promise<unknown> = Promise.resolve();
  private serially<T>(op: () => Promise<T>): Promise<T> {
    const run = this.chain.then(op, op);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Opens the file, making it `size` bytes of real (not sparse) space if it is missing or short. */
  static async open(file: string, size = SPILL_BYTES): Promise<SpillFile> {
    const handle = await fs.open(file, 'r+').catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? fs.open(file, 'wx+', 0o600) : Promise.reject(err)));
    try {
      const have = (await handle.stat()).size;
      const content = Buffer.alloc(Math.max(have, size));
      if (have > 0) await handle.read(content, 0, have, 0);
      // Zeros written, not a truncate: a truncated file is sparse and its blocks are taken only when written.
      for (let at = have; at < size; at += CHUNK) await handle.write(Buffer.alloc(Math.min(CHUNK, size - at)), 0, Math.min(CHUNK, size - at), at);
      if (have < size) await handle.sync();
      const { messages, tail } = parse(content);
      return new SpillFile(file, Math.max(have, size), tail, messages);
    } finally {
      await handle.close();
    }
  }

  /** Writes the messages that fit, durably; returns those that did not (no room left, or the write failed). */
  put(messages: InboundMessage[]): Promise<InboundMessage[]> {
    return this.serially(() => this.append(messages));
  }

  private async append(messages: InboundMessage[]): Promise<InboundMessage[]> {
    const records: Buffer[] = [];
    const left: InboundMessage[] = [];
    let end = this.tail;
    for (const m of messages) {
      const record = encode(m);
      if (end + record.length > this.size) left.push(m);
      else {
        records.push(record);
        end += record.length;
      }
    }
    if (records.length === 0) return left;
    try {
      const handle = await fs.open(this.file, 'r+');
      try {
        await handle.write(Buffer.concat(records), 0, end - this.tail, this.tail);
        await handle.datasync();
      } finally {
        await handle.close();
      }
    } catch {
      return messages;
    }
    this.tail = end;
    return left;
  }

  /** Forgets every record once `stored()` says they all are: zeros over what was written, in place. */
  resetIf(stored: () => boolean): Promise<void> {
    return this.serially(() => (stored() ? this.reset() : Promise.resolve()));
  }

  private async reset(): Promise<void> {
    if (this.tail === 0) return;
    const handle = await fs.open(this.file, 'r+');
    try {
      await handle.write(Buffer.alloc(this.tail), 0, this.tail, 0);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    this.tail = 0;
  }
}

function encode(m: InboundMessage): Buffer {
  return frameRecord(Buffer.from(JSON.stringify(m)));
}

function parse(content: Buffer): { messages: InboundMessage[]; tail: number } {
  const { payloads, tail } = readRecords(content);
  const messages = payloads.map((json) => {
    const m = JSON.parse(json.toString('utf8')) as InboundMessage & { timestamp: string };
    return { ...m, timestamp: new Date(m.timestamp) };
  });
  return { messages, tail };
}
