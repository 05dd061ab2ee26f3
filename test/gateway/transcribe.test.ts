import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Transcriber, TranscribeError } from '../../gateway/transcribe.js';
import { FakeHttpServer } from '../helpers/fake-http.js';

/** The OpenAI wire format: multipart/form-data with `file` and `model`, answer {"text": …}. */
let server: FakeHttpServer;
beforeEach(async () => {
  server = await FakeHttpServer.start();
});
afterEach(async () => {
  await server.close();
});

const audio = Buffer.from('OggS fake opus voice note');
const make = (over: Partial<ConstructorParameters<typeof Transcriber>[0]> = {}) =>
  new Transcriber({ baseUrl: `${server.url}/v1/`, model: 'whisper-1', apiKey: 'sk-test', timeoutMs: 2_000, maxBytes: 1024, ...over });

describe('transcription over an OpenAI-compatible /audio/transcriptions', () => {
  it('posts the recording as multipart with the model and key, and returns the text', async () => {
    server.respond([() => ({ body: { text: ' I would like to book a cleaning. ' } })]);
    expect(await make().transcribe(audio, 'audio/ogg; codecs=opus')).toBe('I would like to book a cleaning.');
    const [req] = server.requests;
    expect(req).toMatchObject({ method: 'POST', path: '/v1/audio/transcriptions' });
    expect(req!.headers.authorization).toBe('Bearer sk-test');
    const boundary = /boundary=(.+)$/.exec(req!.headers['content-type']!)![1]!;
    const parts = req!.body.split(`--${boundary}`);
    expect(parts.find((p) => p.includes('name="model"'))).toContain('whisper-1');
    const file = parts.find((p) => p.includes('name="file"'))!;
    expect(file).toContain('filename="voice-note.ogg"');
    expect(file).toContain('Content-Type: audio/ogg');
    expect(file).toContain('OggS fake opus voice note');
  });

  it('gives up after the timeout', async () => {
    server.respond([() => 'hang']);
    const started = Date.now();
    await expect(make({ timeoutMs: 300 }).transcribe(audio)).rejects.toThrow(/no answer .* within 300 ms/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('reports a 500 with its body', async () => {
    server.respond([() => ({ status: 500, body: { error: { message: 'model overloaded' } } })]);
    await expect(make().transcribe(audio)).rejects.toThrow(/answered 500: .*model overloaded/);
  });

  it('refuses a recording over the size cap without sending it', async () => {
    await expect(make({ maxBytes: 10 }).transcribe(audio)).rejects.toBeInstanceOf(TranscribeError);
    expect(server.requests).toHaveLength(0);
  });
});
