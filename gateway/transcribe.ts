/**
 * Speech to text over any OpenAI-compatible `POST <base>/audio/transcriptions` (OpenAI, Groq, a
 * local whisper server): multipart with `file` and `model`, answer `{"text": "..."}`.
 */
export interface TranscriberOptions {
  /** Like https://api.openai.com/v1 */
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
  maxBytes: number;
}

export class TranscribeError extends Error {}

const EXTENSIONS: Record<string, string> = { 'audio/ogg': 'ogg', 'audio/mpeg': 'mp3', 'audio/mp4': 'm4a', 'audio/aac': 'aac', 'audio/wav': 'wav', 'audio/webm': 'webm', 'audio/amr': 'amr' };

export class Transcriber {
  private readonly url: string;

  constructor(private readonly opts: TranscriberOptions) {
    this.url = `${opts.baseUrl.replace(/\/+$/, '')}/audio/transcriptions`;
  }

  /** The largest recording it sends. */
  get maxBytes(): number {
    return this.opts.maxBytes;
  }

  /** The words of a recording; throws TranscribeError when it is too big, too slow or refused. */
  async transcribe(audio: Buffer, mimetype = 'audio/ogg'): Promise<string> {
    if (audio.length > this.opts.maxBytes) throw new TranscribeError(`the recording is ${audio.length} bytes, over the ${this.opts.maxBytes}-byte limit`);
    const type = mimetype.split(';')[0]!.trim();
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(audio)], { type }), `voice-note.${EXTENSIONS[type] ?? 'ogg'}`);
    form.append('model', this.opts.model);
    form.append('response_format', 'json');
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        body: form,
        headers: this.opts.apiKey ? { authorization: `Bearer ${this.opts.apiKey}` } : {},
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
    } catch (err) {
      const e = err as Error;
      throw new TranscribeError(e.name === 'TimeoutError' ? `no answer from ${this.url} within ${this.opts.timeoutMs} ms` : `cannot reach ${this.url}: ${e.message}`);
    }
    const body = await res.text().catch(() => '');
    if (!res.ok) throw new TranscribeError(`${this.url} answered ${res.status}: ${body.slice(0, 200)}`);
    let text: unknown;
    try {
      text = (JSON.parse(body) as { text?: unknown }).text;
    } catch {
      throw new TranscribeError(`${this.url} answered with something that is not JSON`);
    }
    if (typeof text !== 'string') throw new TranscribeError(`${this.url} answered without a "text" field`);
    return text.trim();
  }
}
