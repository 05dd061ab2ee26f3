import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, exampleProfile, freePort, makeHome, type TestHome } from '../helpers/home.js';
import { startTestBrain, type TestBrain } from '../helpers/brain.js';
import { closeAfterEach, startBrainAndGateway } from '../helpers/brain-gateway.js';
import { FakeHttpServer } from '../helpers/fake-http.js';
import { startTestGateway, until, type TestGateway } from '../helpers/gateway.js';
import { BrainClient } from '../../gateway/brain-client.js';

/**
 * What the customer gets for every kind of message, end to end: the simulator gateway, the real
 * brain, and a transcription server on 127.0.0.1 speaking OpenAI's /v1/audio/transcriptions.
 */
let t: TestHome;
let brain: TestBrain | undefined;
let gw: TestGateway | undefined;
let whisper: FakeHttpServer | undefined;

closeAfterEach(() => ({ t, gw, brain, others: [whisper] }), () => (gw = brain = whisper = undefined));

async function setup(env: Record<string, string> = {}, profile: string | ((t: TestHome) => string) = exampleProfile) {
  ({ t, brain, gw } = await startBrainAndGateway({ tenant: 'demo', env, add: (home) => ['--profile', typeof profile === 'function' ? profile(home) : profile, '--transport', 'simulator'] }));
  await gw!.call('POST', '/simulate/pair');
}

const sim = async () => (await (await gw!.call('GET', '/simulate/outbox')).json()) as { messages: { to: string; text: string }[]; declinedCalls: { id: string; from: string }[] };
const send = async (body: object) => {
  const res = await gw!.call('POST', '/simulate/inbound', { from: '+34600123123', ...body });
  expect(res.status).toBe(202);
  return res.json();
};
const replies = async (n: number) => (await until(async () => ((await sim()).messages.length >= n ? (await sim()).messages : undefined), 10_000, `${n} replies`))!;
const admin = () => ({ key: brain!.keyOf('demo'), tenant: 'demo' });

describe('every kind of message, through the simulator', () => {
  it('turns a voice note into a booking: transcribed, answered with what was understood, confirmed by text', async () => {
    whisper = await FakeHttpServer.start();
    const said = 'Can I book a cleaning on Monday at 10am?';
    whisper.respond([() => ({ body: { text: said } })]);
    await setup({ TRANSCRIBE_BASE_URL: `${whisper.url}/v1`, TRANSCRIBE_API_KEY: 'sk-local' });
    const note = path.join(t.home, 'note.ogg');
    fs.writeFileSync(note, 'OggS a voice note');
    await send({ kind: 'audio', seconds: 14, file: note });
    const [first] = await replies(1);
    expect(first!.text.startsWith(`You said: "${said}"\n`)).toBe(true);
    expect(first!.text).toMatch(/What name should I put the booking under\?$/);
    expect(whisper.requests[0]!.path).toBe('/v1/audio/transcriptions');
    expect(whisper.requests[0]!.headers.authorization).toBe('Bearer sk-local');
    await send({ text: 'Ana' });
    expect((await replies(2))[1]!.text).toMatch(/Reply YES to confirm/);
    await send({ text: 'yes' });
    expect((await replies(3))[2]!.text).toMatch(/You're booked: Teeth cleaning on Monday .* at 10:00, for Ana/);
    const { bookings } = await (await brain!.call('GET', '/api/bookings', admin())).json();
    expect(bookings).toEqual([expect.objectContaining({ serviceId: 'cleaning', customerName: 'Ana', sender: '+34600123123', status: 'confirmed' })]);
    const { conversations } = await (await brain!.call('GET', '/api/conversations', admin())).json();
    expect(conversations[0].messages[0].text).toBe(`[voice note 0:14] "${said}"`);
  });

  it('falls back to asking the customer to type when transcription fails (500), and tells staff', async () => {
    whisper = await FakeHttpServer.start();
    whisper.respond([], () => ({ status: 500, body: { error: 'overloaded' } }));
    await setup({ TRANSCRIBE_BASE_URL: `${whisper.url}/v1`, TRANSCRIBE_MAX_MB: '0.1' });
    const note = path.join(t.home, 'note.ogg');
    fs.writeFileSync(note, 'OggS');
    await send({ kind: 'audio', seconds: 3, file: note });
    const [reply] = await replies(1);
    expect(reply!.text).toMatch(/can't listen to voice notes/);
    expect(whisper.requests).toHaveLength(1); // not retried with every brain retry
    const { escalations } = await (await brain!.call('GET', '/api/escalations?status=pending', admin())).json();
    expect(escalations[0].summary).toContain('[voice note 0:03]');
    // Over TRANSCRIBE_MAX_MB: never downloaded nor sent, the customer is asked to type.
    const long = path.join(t.home, 'long.ogg');
    fs.writeFileSync(long, Buffer.alloc(200 * 1024));
    await send({ from: '+34600444555', kind: 'audio', seconds: 600, file: long, id: 'LONG1' });
    expect((await replies(2))[1]!.text).toMatch(/can't listen to voice notes/);
    expect(whisper.requests).toHaveLength(1);
    expect((await gw!.store.inboxMessage('LONG1'))!.prepared!.note).toMatch(/^not transcribed: 204800 bytes is over the 104858-byte limit/);
  });

  it('acknowledges a photo, keeps it under the tenant, and notifies staff; its caption is answered', async () => {
    await setup();
    const photo = path.join(t.home, 'tooth.jpg');
    fs.writeFileSync(photo, 'JFIF a photo');
    await send({ kind: 'image', file: photo });
    const [ack] = await replies(1);
    expect(ack!.text).toBe("Thanks, we've received your photo. A member of our team will take a look.");
    const { escalations } = await (await brain!.call('GET', '/api/escalations?status=pending', admin())).json();
    const kept = fs.readdirSync(t.config.paths.mediaDir('demo'));
    expect(kept).toHaveLength(1);
    // Staff are told where the file is kept.
    expect(escalations).toEqual([expect.objectContaining({ sender: '+34600123123', summary: `Sent [photo] (kept as ${kept[0]}).` })]);
    expect(fs.readFileSync(path.join(t.config.paths.mediaDir('demo'), kept[0]!), 'utf8')).toBe('JFIF a photo');
    await send({ from: '+34600999999', kind: 'image', caption: 'where are you?', file: photo });
    const [, answer] = await replies(2);
    expect(answer!.text).toContain('Calle Mayor 12');
    // The caption is answered and staff still hear of the photo; the bot keeps the conversation.
    const after = (await (await brain!.call('GET', '/api/escalations?status=pending', admin())).json()).escalations;
    expect(after.find((e: { sender: string }) => e.sender === '+34600999999')?.summary).toMatch(/^Sent \[photo: "where are you\?"\] \(kept as [\w-]+\.jpg\)\.$/);
    await send({ from: '+34600999999', text: 'what are your hours?' });
    expect((await replies(3))[2]!.text).toContain('Our opening hours');
  });

  it('a customer already waiting for staff adds each further file and voice note to the same escalation, also while the bot is silent', async () => {
    await setup();
    const photo = path.join(t.home, 'tooth.jpg');
    fs.writeFileSync(photo, 'JFIF a photo');
    await send({ kind: 'image', file: photo, id: 'F1' });
    await send({ kind: 'document', file: photo, id: 'F2' });
    await send({ kind: 'audio', seconds: 9, id: 'F3' });
    await replies(3);
    const notices = async () => (await (await brain!.call('GET', '/api/escalations/notices?status=pending', { key: brain!.adminKey, tenant: 'demo' })).json()).notices.map((n: { text: string }) => n.text) as string[];
    const [one, ...more] = await notices();
    expect(one).toMatch(/needs a person\. Sent \[photo\] \(kept as [\w-]+F1\.jpg\)\.$/);
    expect(more).toEqual([
      expect.stringMatching(/more from \+34600123123, still waiting for a person\. Sent \[document tooth\.jpg\] \(kept as [\w-]+F2\.jpg\)\.$/),
      expect.stringMatching(/more from \+34600123123, still waiting for a person\. Sent a voice note \[voice note 0:09\] that could not be understood; asked them to type\.$/),
    ]);
    const { escalations } = await (await brain!.call('GET', '/api/escalations?status=pending', admin())).json();
    expect(escalations).toHaveLength(1);
    expect(escalations[0].summary.split('\n')).toHaveLength(3);

    // Asking for a person puts the chat in human mode: the bot says nothing more, but staff still get the file.
    await send({ from: '+34600555000', text: 'I want to talk to a person' });
    await replies(4);
    await send({ from: '+34600555000', kind: 'image', file: photo, id: 'H1' });
    await until(async () => (await notices()).length === 5);
    expect((await notices())[4]).toMatch(/more from \+34600555000, still waiting for a person\. Sent \[photo\] \(kept as [\w-]+H1\.jpg\)\.$/);
    await new Promise((r) => setTimeout(r, 200));
    expect((await sim()).messages).toHaveLength(4);
  });

  it('a Spanish business answers in Spanish: a voice note, a photo, a call and content it cannot open, transcribed or not', async () => {
    whisper = await FakeHttpServer.start();
    whisper.respond([() => ({ body: { text: '¿Cuál es vuestro horario?' } })], () => ({ status: 503, body: { error: 'busy' } }));
    await setup({ TRANSCRIBE_BASE_URL: `${whisper.url}/v1` }, (home) => {
      const file = path.join(home.home, 'clinica.yaml');
      fs.writeFileSync(file, fs.readFileSync(exampleProfile, 'utf8').replace(/^language: en$/m, 'language: es'));
      return file;
    });
    const note = path.join(t.home, 'nota.ogg');
    fs.writeFileSync(note, 'OggS una nota de voz');
    await send({ kind: 'audio', seconds: 6, file: note });
    const [heard] = await replies(1);
    expect(heard!.text).toMatch(/^Entendí: "¿Cuál es vuestro horario\?"\n/);
    expect(heard!.text).toMatch(/horario/i);
    // Transcription down: the customer is asked, in Spanish, to type.
    await send({ from: '+34600222333', kind: 'audio', seconds: 12, file: note, id: 'ES-VN2' });
    expect((await replies(2))[1]!.text).toBe('Perdona, no puedo escuchar notas de voz. ¿Me lo puedes escribir, por favor?');
    // Staff read why, in Spanish too: the server's own (English) answer stays in the gateway's log.
    expect((await gw!.store.inboxMessage('ES-VN2'))!.prepared).toEqual({ note: 'sin transcribir: el servicio de transcripción ha fallado; el detalle está en el registro del gateway' });
    const photo = path.join(t.home, 'foto.jpg');
    fs.writeFileSync(photo, 'JFIF');
    await send({ from: '+34600222333', kind: 'image', file: photo });
    expect((await replies(3))[2]!.text).toBe('Gracias, hemos recibido tu foto. Alguien del equipo le echará un vistazo.');
    await send({ from: '+34600444000', kind: 'call' });
    await send({ from: '+34600444000', kind: 'call' });
    expect((await replies(4))[3]).toMatchObject({ to: '34600444000@s.whatsapp.net', text: 'Perdona, no podemos atender llamadas por WhatsApp. Escríbenos por aquí o llámanos al +34910000000.' });
    // Content wr cannot open (a poll, an event…) is answered too.
    await send({ from: '+34600555000', kind: 'other' });
    expect((await replies(5))[4]!.text).toBe('Perdona, no puedo abrir ese tipo de mensaje aquí. ¿Puedes escribirme lo que necesitas?');
    await until(async () => (await gw!.store.inboxCounts()).done === 6);
    await new Promise((r) => setTimeout(r, 200));
    const { messages, declinedCalls } = await sim();
    expect(messages).toHaveLength(5); // one message per caller per window
    expect(declinedCalls).toHaveLength(2);
  });

  it('decides nothing about a file on default settings while the brain is down: it waits, then keeps to the quota and writes in the business language', async () => {
    t = makeHome();
    const file = path.join(t.home, 'clinica.yaml');
    fs.writeFileSync(file, fs.readFileSync(exampleProfile, 'utf8').replace(/^language: en$/m, 'language: es').replace(/quotaMB: 200/, 'quotaMB: 1'));
    await cli(t.env, 'tenant', 'add', 'demo', '--profile', file, '--transport', 'simulator');
    // The gateway starts first; the brain it calls is not up yet.
    const brainPort = await freePort();
    gw = await startTestGateway(t, 'demo', `http://127.0.0.1:${brainPort}`);
    await gw.call('POST', '/simulate/pair');
    const big = path.join(t.home, 'radiografia.jpg');
    fs.writeFileSync(big, Buffer.alloc(1200 * 1024, 5));
    await send({ kind: 'image', file: big, id: 'DOWN1' });
    await until(async () => ((await gw!.store.inboxMessage('DOWN1'))?.attempts ?? 0) >= 2, 10_000, 'retries while the brain is down');
    expect((await gw.store.inboxMessage('DOWN1'))!.prepared).toBeNull();
    brain = await startTestBrain(t, { BRAIN_RATE_LIMIT: '100000' }, brainPort);
    await until(async () => (await gw!.store.inboxMessage('DOWN1'))?.status === 'done', 10_000, 'the photo answered');
    expect((await gw.store.inboxMessage('DOWN1'))!.prepared).toEqual({ note: 'no guardado: la cuota de 1 MB para archivos está llena' });
    expect(fs.existsSync(t.config.paths.mediaDir('demo')) ? fs.readdirSync(t.config.paths.mediaDir('demo')) : []).toEqual([]);
    const { escalations } = await (await brain.call('GET', '/api/escalations?status=pending', admin())).json();
    expect(escalations[0].summary).toBe('Ha enviado [foto] (no guardado: la cuota de 1 MB para archivos está llena).');
  });

  it('keeps files only within the profile quota; over it, the photo is still acknowledged and staff told', async () => {
    await setup();
    const profile = await (await brain!.call('GET', '/api/profile', admin())).json();
    expect((await brain!.call('PUT', '/api/profile', { key: brain!.adminKey, tenant: 'demo', body: { ...profile, media: { ...profile.media, quotaMB: 1 } } })).status).toBe(200);
    const small = path.join(t.home, 'small.jpg');
    const big = path.join(t.home, 'big.jpg');
    fs.writeFileSync(small, Buffer.alloc(700 * 1024, 1));
    fs.writeFileSync(big, Buffer.alloc(700 * 1024, 2));
    await send({ kind: 'image', file: small, id: 'Q1' });
    await send({ from: '+34600999998', kind: 'image', file: big, id: 'Q2' });
    const acks = await replies(2);
    expect(acks.every((m) => m.text.startsWith("Thanks, we've received your photo"))).toBe(true);
    expect(fs.readdirSync(t.config.paths.mediaDir('demo'))).toHaveLength(1);
    expect((await gw!.store.inboxMessage('Q2'))!.prepared).toEqual({ note: 'not kept: the 1 MB media quota is full' });
    const { escalations } = await (await brain!.call('GET', '/api/escalations?status=pending', admin())).json();
    expect(escalations).toHaveLength(2);
  });

  it('declines a call and answers the caller exactly once within the window', async () => {
    await setup();
    await send({ kind: 'call' });
    await send({ kind: 'call' });
    await until(async () => (await gw!.store.inboxCounts()).done === 2);
    await new Promise((r) => setTimeout(r, 300));
    const { messages, declinedCalls } = await sim();
    expect(declinedCalls).toHaveLength(2);
    expect(messages).toEqual([expect.objectContaining({ to: '34600123123@s.whatsapp.net', text: "Sorry, we can't take calls on WhatsApp. Please write to us here or call +34910000000." })]);
  });

  it('answers "where are you?" with a real location pin when the profile has coordinates', async () => {
    await setup();
    const profile = await (await brain!.call('GET', '/api/profile', admin())).json();
    const put = await brain!.call('PUT', '/api/profile', { key: brain!.adminKey, tenant: 'demo', body: { ...profile, location: { latitude: 40.4153, longitude: -3.7074 } } });
    expect(put.status).toBe(200);
    await send({ text: 'where are you?' });
    const [text, pin] = await replies(2);
    expect(text!.text).toContain('Calle Mayor 12');
    expect(pin).toMatchObject({ to: '34600123123@s.whatsapp.net', text: '[location 40.41530,-3.70740 Sonrisa Dental Clinic]' });
    await send({ text: 'what are your hours?' });
    await replies(3);
    await new Promise((r) => setTimeout(r, 200));
    expect((await sim()).messages).toHaveLength(3); // only the location question gets a pin
  });

  it('keeps the guarantees of text: handoff and opt-out silence media replies, and the message is still recorded', async () => {
    await setup();
    await gw!.call('POST', '/handoff/chat/34600123123@s.whatsapp.net/on');
    await send({ kind: 'audio', seconds: 5 });
    await until(async () => (await gw!.store.inboxCounts()).done === 1);
    await send({ from: '+34600777777', text: 'STOP' });
    await replies(1); // "You won't get any more messages from us…"
    await send({ from: '+34600777777', kind: 'call' });
    await until(async () => (await gw!.store.inboxCounts()).done === 3);
    await new Promise((r) => setTimeout(r, 300));
    expect((await sim()).messages).toHaveLength(1);
    const { conversations } = await (await brain!.call('GET', '/api/conversations?sender=%2B34600123123', admin())).json();
    expect(conversations[0].messages.map((m: { text: string }) => m.text)).toEqual(['[voice note 0:05]']);
  });

  it('answers locations, contact cards and stickers, and refuses bad simulated messages with one line', async () => {
    await setup();
    await send({ kind: 'location', latitude: 40.4168, longitude: -3.7038 });
    await send({ from: '+34600222222', kind: 'contact' });
    await send({ from: '+34600333333', kind: 'sticker' });
    const texts = (await replies(3)).map((m) => m.text).sort();
    expect(texts).toEqual([
      "Hi! How can I help? You can ask about our hours, services or book an appointment.",
      'Thanks for sending your location.',
      "Thanks, we've received your contact card. A member of our team will take a look.",
    ]);
    const bad = async (body: object) => (await (await gw!.call('POST', '/simulate/inbound', { from: '+34600123123', ...body })).json()).error;
    expect(await bad({ kind: 'hologram' })).toBe('invalid simulated message');
    expect(await bad({ kind: 'text' })).toBe('invalid simulated message');
    expect(await bad({ kind: 'image', file: '/etc/passwd' })).toMatch(/file must be inside/);
    expect(await bad({ kind: 'image', file: path.join(t.home, 'missing.jpg') })).toMatch(/is not a readable file/);
  });

  it("a language or a media setting this gateway does not know (a newer brain's): notes in English, the rest of the media policy kept", async () => {
    const newerBrain = await FakeHttpServer.start();
    try {
      newerBrain.respond([], () => ({ body: { name: 'Shop', language: 'fr', media: { quotaMB: 7, stickers: 'keep' } } }));
      expect(await new BrainClient(newerBrain.url, 'shop', 'k').policy()).toMatchObject({ language: 'en', quotaMB: 7 });
    } finally {
      await newerBrain.close();
    }
  });
});
