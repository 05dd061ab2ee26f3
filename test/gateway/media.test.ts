import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, exampleProfile, makeHome, type TestHome } from '../helpers/home.js';
import { startTestBrain, type TestBrain } from '../helpers/brain.js';
import { FakeHttpServer } from '../helpers/fake-http.js';
import { startTestGateway, until, type TestGateway } from '../helpers/gateway.js';

/**
 * What the customer gets for every kind of message, end to end: the simulator gateway, the real
 * brain, and a transcription server on 127.0.0.1 speaking OpenAI's /v1/audio/transcriptions.
 */
let t: TestHome;
let brain: TestBrain | undefined;
let gw: TestGateway | undefined;
let whisper: FakeHttpServer | undefined;

afterEach(async () => {
  await gw?.close();
  await brain?.close();
  await whisper?.close();
  gw = brain = whisper = undefined;
  t?.cleanup();
});

async function setup(env: Record<string, string> = {}) {
  t = makeHome({ WR_PORT_BASE: '42300', ...env });
  await cli(t.env, 'tenant', 'add', 'demo', '--profile', exampleProfile, '--transport', 'simulator');
  brain = await startTestBrain(t, { BRAIN_RATE_LIMIT: '100000' });
  gw = await startTestGateway(t, 'demo', brain.url);
  await gw.call('POST', '/simulate/pair');
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
    await setup({ TRANSCRIBE_BASE_URL: `${whisper.url}/v1` });
    const note = path.join(t.home, 'note.ogg');
    fs.writeFileSync(note, 'OggS');
    await send({ kind: 'audio', seconds: 3, file: note });
    const [reply] = await replies(1);
    expect(reply!.text).toMatch(/can't listen to voice notes/);
    expect(whisper.requests).toHaveLength(1); // not retried with every brain retry
    const { escalations } = await (await brain!.call('GET', '/api/escalations?status=pending', admin())).json();
    expect(escalations[0].summary).toContain('[voice note 0:03]');
  });

  it('acknowledges a photo, keeps it under the tenant, and notifies staff; its caption is answered', async () => {
    await setup();
    const photo = path.join(t.home, 'tooth.jpg');
    fs.writeFileSync(photo, 'JFIF a photo');
    await send({ kind: 'image', file: photo });
    const [ack] = await replies(1);
    expect(ack!.text).toBe("Thanks, we've received your photo. A member of our team will take a look.");
    const { escalations } = await (await brain!.call('GET', '/api/escalations?status=pending', admin())).json();
    expect(escalations).toEqual([expect.objectContaining({ sender: '+34600123123', summary: 'Sent [photo].' })]);
    const kept = fs.readdirSync(t.config.paths.mediaDir('demo'));
    expect(kept).toHaveLength(1);
    expect(fs.readFileSync(path.join(t.config.paths.mediaDir('demo'), kept[0]!), 'utf8')).toBe('JFIF a photo');
    await send({ from: '+34600999999', kind: 'image', caption: 'where are you?', file: photo });
    const [, answer] = await replies(2);
    expect(answer!.text).toContain('Calle Mayor 12');
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
});
