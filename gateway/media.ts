import fs from 'node:fs/promises';
import path from 'node:path';
import type { MediaPolicy } from '../core/media-policy.js';
import type { Logger } from '../core/logger.js';
import type { InboxRow, Prepared } from './store.js';
import type { Transcriber } from './transcribe.js';
import { FileTooBigError, type Transport } from './transports/transport.js';

const KEPT: ReadonlySet<string> = new Set(['image', 'video', 'document']);
const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'video/mp4': 'mp4', 'application/pdf': 'pdf', 'audio/ogg': 'ogg',
};

/**
 * What the gateway makes of a message's file before the brain sees it: a voice note's transcript
 * (when transcription is configured and the profile wants it), and photos, videos and documents
 * kept under the tenant's media folder within the profile's quota. Every failure is a note, never
 * an exception: the customer then gets the reply that asks them to type.
 */
export class MediaPreparer {
  constructor(
    private readonly opts: { dir: string; transport: Transport; transcriber?: Transcriber; log: Logger },
  ) {}

  async prepare(r: InboxRow, policy: MediaPolicy): Promise<Prepared> {
    if (!r.file) return {};
    if (r.kind === 'audio') return this.transcribe(r, policy);
    if (KEPT.has(r.kind)) return this.keep(r, policy);
    return {};
  }

  private async transcribe(r: InboxRow, policy: MediaPolicy): Promise<Prepared> {
    const { transcriber, transport, log } = this.opts;
    if (policy.voiceNotes !== 'transcribe' || !transcriber) return {};
    // WhatsApp tells the size up front: a recording over the cap is not even downloaded.
    if ((r.media.bytes ?? 0) > transcriber.maxBytes) return { note: `not transcribed: ${r.media.bytes} bytes is over the ${transcriber.maxBytes}-byte limit` };
    try {
      const transcript = await transcriber.transcribe(await transport.download(r.file!, transcriber.maxBytes), r.media.mimetype);
      return transcript ? { transcript } : { note: 'the transcription was empty' };
    } catch (err) {
      log.warn({ inbox: r.id, err: (err as Error).message }, 'voice note not transcribed; the customer is asked to type');
      return { note: `not transcribed: ${(err as Error).message}`.slice(0, 300) };
    }
  }

  private async keep(r: InboxRow, policy: MediaPolicy): Promise<Prepared> {
    const quota = policy.quotaMB * 1024 * 1024;
    if (quota === 0) return {};
    try {
      const used = await this.used();
      if (r.media.bytes !== undefined && used + r.media.bytes > quota) return { note: `not kept: the ${policy.quotaMB} MB media quota is full` };
      // The download stops at the room left: a file bigger than it claimed never fills memory.
      const data = await this.opts.transport.download(r.file!, Math.max(0, quota - used)).catch((err: Error) => {
        throw err instanceof FileTooBigError ? new Error(`the ${policy.quotaMB} MB media quota is full`) : err;
      });
      await fs.mkdir(this.opts.dir, { recursive: true, mode: 0o700 });
      const ext = EXTENSIONS[r.media.mimetype?.split(';')[0] ?? ''] || path.extname(r.media.fileName ?? '').slice(1).replace(/\W/g, '').slice(0, 8) || 'bin';
      const name = `${r.timestamp.toISOString().slice(0, 10)}-${r.messageId.replace(/[^\w-]/g, '').slice(0, 64)}.${ext}`;
      const file = path.join(this.opts.dir, name);
      await fs.writeFile(file, data, { mode: 0o600 });
      return { saved: file };
    } catch (err) {
      this.opts.log.warn({ inbox: r.id, err: (err as Error).message }, 'could not keep a file a customer sent');
      return { note: `not kept: ${(err as Error).message}`.slice(0, 300) };
    }
  }

  private async used(): Promise<number> {
    const names = await fs.readdir(this.opts.dir).catch(() => [] as string[]);
    let total = 0;
    for (const n of names) total += (await fs.stat(path.join(this.opts.dir, n)).catch(() => ({ size: 0 }))).size;
    return total;
  }
}
