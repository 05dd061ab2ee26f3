import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { encryptedStream, type MediaType } from '@whiskeysockets/baileys';
import { Agent } from 'undici';

/** A file as WhatsApp stores it on its media servers, with the facts its message carries. */
export interface EncryptedMedia {
  /** AES-256-CBC ciphertext then the 10-byte MAC, exactly as uploaded. */
  body: Buffer;
  mediaKey: Buffer;
  fileSha256: Buffer;
  fileEncSha256: Buffer;
  fileLength: number;
}

/** Encrypts a file with Baileys' own upload code (random media key, HKDF-derived keys per media type). */
export async function encryptMedia(plain: Buffer, type: MediaType): Promise<EncryptedMedia> {
  const enc = await encryptedStream(plain, type, {});
  const body = fs.readFileSync(enc.encFilePath);
  fs.rmSync(enc.encFilePath, { force: true });
  return { body, mediaKey: enc.mediaKey, fileSha256: enc.fileSha256, fileEncSha256: enc.fileEncSha256, fileLength: enc.fileLength };
}

/**
 * WhatsApp's media CDN on 127.0.0.1. Baileys builds the real URL (https://mmg.whatsapp.net +
 * directPath) and fetches it with the dispatcher it is given: `dispatcher` here connects every
 * host to this server over plain TCP, so the request (Host header, path, Origin) is Baileys' own.
 */
export class FakeMediaCdn {
  readonly requests: { host: string; path: string; origin: string | undefined }[] = [];
  private readonly files = new Map<string, { status: number; body?: Buffer; stall?: boolean; drop?: boolean; delayMs?: number }>();
  readonly dispatcher: Agent;

  private constructor(private readonly server: http.Server) {
    const port = (server.address() as AddressInfo).port;
    this.dispatcher = new Agent({
      connect: (_opts, cb) => {
        const socket = net.connect(port, '127.0.0.1');
        socket.once('connect', () => cb(null, socket));
        socket.once('error', (err) => cb(err, null));
      },
    });
  }

  static async start(): Promise<FakeMediaCdn> {
    let cdn: FakeMediaCdn | undefined;
    const server = http.createServer((req, res) => cdn!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cdn = new FakeMediaCdn(server);
    return cdn;
  }

  /** Serves `body` at `directPath` (the path and query a message's directPath holds). */
  put(directPath: string, body: Buffer): void {
    this.files.set(directPath, { status: 200, body });
  }

  /** The file is gone from the CDN: answered with 410, as an expired link is. */
  expire(directPath: string, status = 410): void {
    this.files.set(directPath, { status });
  }

  /** Sends the headers and never the body. */
  stall(directPath: string): void {
    this.files.set(directPath, { status: 200, stall: true });
  }

  /** Sends the headers and part of the body (after `delayMs`), then drops the connection. */
  drop(directPath: string, delayMs = 0): void {
    const file = this.files.get(directPath);
    this.files.set(directPath, { ...file, status: 200, drop: true, delayMs });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = req.url ?? '/';
    this.requests.push({ host: req.headers.host ?? '', path, origin: req.headers.origin });
    const file = this.files.get(path);
    if (!file) return void res.writeHead(404).end();
    if (file.stall) return void res.writeHead(200, { 'content-type': 'application/octet-stream' }).flushHeaders();
    if (file.drop) {
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(file.body!.length) });
        res.write(file.body!.subarray(0, 4096));
        setTimeout(() => res.socket?.destroy(), 50);
      }, file.delayMs ?? 0);
      return;
    }
    res.writeHead(file.status, { 'content-type': 'application/octet-stream' }).end(file.body);
  }

  async close(): Promise<void> {
    await this.dispatcher.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** The media fields of an image, audio, video or document message for a file on the fake CDN. */
export function mediaFields(enc: EncryptedMedia, directPath: string) {
  return {
    url: `https://mmg.whatsapp.net${directPath}`,
    directPath,
    mediaKey: enc.mediaKey,
    fileSha256: enc.fileSha256,
    fileEncSha256: enc.fileEncSha256,
    fileLength: enc.fileLength,
    mediaKeyTimestamp: Math.floor(Date.now() / 1000),
  };
}
