import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../core/logger.js';
import type { GatewayPolicy } from './policy.js';
import type { InboxRow, Prepared } from './store.js';
import type { Transcriber } from './transcribe.js';
import { FileTooBigError, type Transport } from './transports/transport.js';
import { gatewayWords } from './words.js';

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

  async prepare(r: InboxRow, policy: GatewayPolicy): Promise<Prepared> {
    if (!r.file) return {};
    if (r.kind === 'audio') return this.transcribe(r, policy);
    if (KEPT.has(r.kind)) return this.keep(r, policy);
    return {};
  }

  private async transcribe(r: InboxRow, policy: GatewayPolicy): Promise<Prepared> {
    const { transcriber, transport, log } = this.opts;
    const w = gatewayWords(policy.language);
    if (policy.voiceNotes !== 'transcribe' || !transcriber) return {};
    // WhatsApp tells the size up front: a recording over the cap is not even downloaded.
    if ((r.media.bytes ?? 0) > transcriber.maxBytes) return { note: w.tooLongToTranscribe(r.media.bytes ?? 0, transcriber.maxBytes) };
    try {
      const transcript = await transcriber.transcribe(await transport.download(r.file!, transcriber.maxBytes), r.media.mimetype);
      return transcript ? { transcript } : { note: w.emptyTranscript };
    } catch (err) {
      log.warn({ inbox: r.id, err: (err as Error).message }, 'voice note not transcribed; the customer is asked to type');
      return { note: w.notTranscribed(w.transcriptionFailed((err as Error).message)).slice(0, 300) };
    }
  }

  private async keep(r: InboxRow, policy: GatewayPolicy): Promise<Prepared> {
    const w = gatewayWords(policy.language);
    const quota = policy.quotaMB * 1024 * 1024;
    if (quota === 0) return {};
    try {
      const used = await this.used();
      if (r.media.bytes !== undefined && used + r.media.bytes > quota) return { note: w.notKept(w.quotaFull(policy.quotaMB)) };
      // The download stops at the room left: a file bigger than it claimed never fills memory.
      const data = await this.opts.transport.download(r.file!, Math.max(0, quota - used));
      await fs.mkdir(this.opts.dir, { recursive: true, mode: 0o700 });
      const ext = EXTENSIONS[r.media.mimetype?.split(';')[0] ?? ''] || path.extname(r.media.fileName ?? '').slice(1).replace(/\W/g, '').slice(0, 8) || 'bin';
      const name = `${r.timestamp.toISOString().slice(0, 10)}-${r.messageId.replace(/[^\w-]/g, '').slice(0, 64)}.${ext}`;
      const file = path.join(this.opts.dir, name);
      await fs.writeFile(file, data, { mode: 0o600 });
      return { saved: file };
    } catch (err) {
      if (err instanceof FileTooBigError) return { note: w.notKept(w.quotaFull(policy.quotaMB)) };
      this.opts.log.warn({ inbox: r.id, err: (err as Error).message }, 'could not keep a file a customer sent');
      return { note: w.notKept(w.keepFailed((err as Error).message)).slice(0, 300) };
    }
  }

  private async used(): Promise<number> {
    const names = await fs.readdir(this.opts.dir).catch(() => [] as string[]);
    let total = 0;
    for (const n of names) total += (await fs.stat(path.join(this.opts.dir, n)).catch(() => ({ size: 0 }))).size;
    return total;
  }
}
