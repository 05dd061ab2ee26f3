import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, exampleProfile, makeHome, type TestHome } from '../helpers/home.js';
import { startTestBrain, type TestBrain } from '../helpers/brain.js';

/** POST /api/chat with a kind other than text: the media policy, in the tenant's language. */
let t: TestHome;
let brain: TestBrain;

beforeAll(async () => {
  t = makeHome();
  await cli(t.env, 'tenant', 'add', 'clinica', '--name', 'Clínica');
  await cli(t.env, 'tenant', 'add', 'demo', '--profile', exampleProfile);
  brain = await startTestBrain(t);
  const profile = { name: 'Clínica Sonrisa', timezone: 'Europe/Madrid', language: 'es', phone: '+34910000001', media: { callReplyWindowMinutes: 30, notifyStaff: false } };
  expect((await brain.call('PUT', '/api/profile', { key: brain.adminKey, tenant: 'clinica', body: profile })).status).toBe(200);
});
afterAll(async () => {
  await brain?.close();
  t?.cleanup();
});

const chat = async (body: Record<string, unknown>) => {
  const res = await brain.call('POST', '/api/chat', { key: brain.keyOf('clinica'), tenant: 'clinica', body: { sender: '+34600555111', ...body } });
  return { status: res.status, body: await res.json() };
};

describe('media in the brain', () => {
  it('answers a voice note and a call in Spanish, and a caller once per window of the profile', async () => {
    const voice = await chat({ message: '[voice note 0:14]', kind: 'audio', messageId: 'a1', timestamp: '2026-03-16T10:00:00Z' });
    expect(voice.body).toMatchObject({ reply: 'Perdona, no puedo escuchar notas de voz. ¿Me lo puedes escribir, por favor?', escalated: false, handoff: false });
    const call = await chat({ message: '[call]', kind: 'call', messageId: 'c1', timestamp: '2026-03-16T10:01:00Z' });
    expect(call.body.reply).toBe('Perdona, no podemos atender llamadas por WhatsApp. Escríbenos por aquí o llámanos al +34910000001.');
    expect((await chat({ message: '[call]', kind: 'call', messageId: 'c2', timestamp: '2026-03-16T10:20:00Z' })).body.reply).toBeNull();
    expect((await chat({ message: '[call]', kind: 'call', messageId: 'c3', timestamp: '2026-03-16T10:32:00Z' })).body.reply).toMatch(/no podemos atender llamadas/);
    // notifyStaff: false raises no escalation.
    const { escalations } = await (await brain.call('GET', '/api/escalations?status=pending', { key: brain.keyOf('clinica'), tenant: 'clinica' })).json();
    expect(escalations).toEqual([]);
  });

  it('answers the transcript of a voice note, prefixed with what was understood', async () => {
    const r = await chat({ message: '[voice note 0:04] "hola"', kind: 'audio', transcript: 'hola', messageId: 'a2', sender: '+34600555222', timestamp: '2026-03-16T10:00:00Z' });
    expect(r.body.reply).toMatch(/^Entendí: "hola"\n/);
  });

  it("tells staff in the business's language, even when the customer writes in English", async () => {
    const profile = { name: 'Clínica Sonrisa', timezone: 'Europe/Madrid', language: 'es', media: { notifyStaff: true, rejectCalls: true } };
    expect((await brain.call('PUT', '/api/profile', { key: brain.adminKey, tenant: 'clinica', body: profile })).status).toBe(200);
    const at = (m: number) => `2026-03-16T10:${String(m).padStart(2, '0')}:00Z`;
    const sender = '+34600555333';
    expect((await chat({ sender, senderName: 'Ana', message: 'I want to talk to a person', messageId: 's1', timestamp: at(0) })).body.escalated).toBe(true);
    // While a person has the chat, a file still reaches the escalation.
    await chat({ sender, message: '[voice note 0:09]', kind: 'audio', messageId: 's2', timestamp: at(1) });
    await chat({ sender: '+34600555401', message: '[voice note 0:05]', kind: 'audio', messageId: 's3', timestamp: at(2) });
    await chat({ sender: '+34600555402', message: '[call]', kind: 'call', messageId: 's4', timestamp: at(3) });
    await chat({ sender: '+34600555403', message: '[poll: "¿martes o jueves?"]', kind: 'other', messageId: 's5', timestamp: at(4) });
    await chat({ sender: '+34600555404', message: '[photo]', kind: 'image', messageId: 's6', timestamp: at(5) });
    const { notices } = await (await brain.call('GET', '/api/escalations/notices', { key: brain.adminKey, tenant: 'clinica' })).json();
    expect(notices.map((n: { text: string }) => n.text)).toEqual([
      '[clinica] Clínica Sonrisa: Ana (+34600555333) necesita que le atienda una persona. El cliente ha pedido hablar con una persona: "I want to talk to a person"',
      '[clinica] Clínica Sonrisa: Ana (+34600555333) ha enviado algo más y sigue esperando a una persona. Ha enviado [voice note 0:09].',
      '[clinica] Clínica Sonrisa: +34600555401 necesita que le atienda una persona. Ha enviado una nota de voz [voice note 0:05] que no se ha podido entender; se le ha pedido que lo escriba.',
      '[clinica] Clínica Sonrisa: +34600555402 necesita que le atienda una persona. Ha llamado por WhatsApp; la llamada se ha rechazado y se le ha pedido que escriba.',
      '[clinica] Clínica Sonrisa: +34600555403 necesita que le atienda una persona. Ha enviado [poll: "¿martes o jueves?"], que el bot no puede abrir.',
      '[clinica] Clínica Sonrisa: +34600555404 necesita que le atienda una persona. Ha enviado [photo].',
    ]);
  });

  it('refuses an unknown kind with one line and a profile media policy that is not valid', async () => {
    const bad = await chat({ message: 'x', kind: 'hologram' });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].message).toMatch(/^kind must be one of: text, audio/);
    const profile = { name: 'X', timezone: 'Europe/Madrid', media: { voiceNotes: 'sing' } };
    const refused = await brain.call('PUT', '/api/profile', { key: brain.adminKey, tenant: 'clinica', body: profile });
    expect(refused.status).toBe(400);
    expect((await refused.json()).details).toEqual([{ path: 'media.voiceNotes', message: 'expected transcribe or ask_to_type' }]);
  });
});

describe('a question sent with a photo in the middle of a booking (issue 13)', () => {
  const send = async (sender: string, minute: number, body: Record<string, unknown>) => {
    const res = await brain.call('POST', '/api/chat', { key: brain.keyOf('demo'), tenant: 'demo', body: { sender, timestamp: `2026-03-16T10:${String(minute).padStart(2, '0')}:00Z`, ...body } });
    expect(res.status).toBe(200);
    return (await res.json()).reply as string;
  };
  it.each([
    // The photo is the team's to look at (notifyStaff is on): the reply says so.
    ['image', '[photo] is this the place?', 'is this the place?', /received your photo/],
    ['video', '[video] is this the right door?', 'is this the right door?', /received your video/],
    // A question the business's FAQ answers, with or without a photo.
    ['video', '[video] where do I park?', 'where do I park?', /./],
    ['image', '[photo] can I park here?', 'can I park here?', /./],
    // Words alone that cannot be a name: the address answers "is this the place?", and the name is asked again.
    ['text', 'is this the place?', undefined, / is at /],
    // Words alone that the engine cannot answer: it says it did not follow, and asks for the name again.
    ['text', 'what colour is the sky?', undefined, /didn't understand/],
  ])('a %s with "%s" is answered, then the name is asked again', async (kind, message, caption, answer) => {
    const sender = `+3460077${String(Math.floor(Math.random() * 1e5)).padStart(5, '0')}`;
    expect(await send(sender, 0, { message: 'can I book a cleaning tomorrow at 10?' })).toBe('What name should I put the booking under?');
    const reply = await send(sender, 1, { message, kind, caption });
    expect(reply.split('\n')[0]).toMatch(answer);
    expect(reply).not.toMatch(/^What name/);
    expect(reply.split('\n').at(-1)).toBe('What name should I put the booking under?');
    // The booking goes on where it was.
    expect(await send(sender, 2, { message: 'Ana Garcia' })).toMatch(/^Teeth cleaning on Tuesday 17 March at 10:00 for Ana Garcia/);
  });
});
