import { crc32 } from 'node:zlib';

/**
 * The spill file's record framing, shared by the gateway (which writes and replays records) and
 * the backup (which carries them to another machine without knowing what they hold).
 *
 * Records follow each other from the start: magic, length, CRC-32 of the payload, the payload.
 * Reading stops at the first record that does not check out (zeros, or one torn by a crash).
 */

const MAGIC = 0x57525350; // "WRSP"
const HEADER = 12;

export function frameRecord(payload: Buffer): Buffer {
  const header = Buffer.alloc(HEADER);
  header.writeUInt32BE(MAGIC, 0);
  header.writeUInt32BE(payload.length, 4);
  header.writeUInt32BE(crc32(payload), 8);
  return Buffer.concat([header, payload]);
}

/** The whole records at the start of `content`, and where the next one would go. */
export function readRecords(content: Buffer): { payloads: Buffer[]; tail: number } {
  const payloads: Buffer[] = [];
  let at = 0;
  while (at + HEADER <= content.length && content.readUInt32BE(at) === MAGIC) {
    const length = content.readUInt32BE(at + 4);
    const payload = content.subarray(at + HEADER, at + HEADER + length);
    if (payload.length !== length || crc32(payload) !== content.readUInt32BE(at + 8)) break;
    payloads.push(payload);
    at += HEADER + length;
  }
  return { payloads, tail: at };
}
